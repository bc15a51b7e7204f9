/**
 * A real HTTP receiver on 127.0.0.1 for webhook tests: it records every
 * request (method, path with query, headers, body) and answers as the test
 * says, and can go down and come back up on the same port.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { closeServer, listen } from './listen.js';

export interface Received {
  method: string;
  /** Path and query, as sent. */
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** Answers request number `n` (1-based) of `req`; it may leave `res` open (a receiver that hangs). */
export type Answer = (req: Received, res: ServerResponse, n: number) => void;

export interface Receiver {
  got: Received[];
  port: number;
  /** `http://127.0.0.1:<port>` followed by `path`. */
  url: (path?: string) => string;
  /** Stops listening and cuts every connection (requests in flight included). */
  down: () => Promise<void>;
  /** Listens again on the same port. */
  up: () => Promise<void>;
  close: () => Promise<void>;
}

export async function receiver(answer: Answer): Promise<Receiver> {
  const got: Received[] = [];
  const make = (): Server =>
    createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const r = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body };
        got.push(r);
        answer(r, res, got.length);
      });
    });
  let server: Server | null = make();
  const port = await listen(server);
  const down = async () => {
    if (server !== null) await closeServer(server);
    server = null;
  };
  return {
    got,
    port,
    url: (path = '/hook') => `http://127.0.0.1:${port}${path}`,
    down,
    up: async () => {
      if (server !== null) return;
      const next = make();
      await new Promise<void>((resolve) => next.listen(port, '127.0.0.1', () => resolve()));
      server = next;
    },
    close: down,
  };
}

/** Waits until `check()` holds, up to `ms`; answers whether it did. */
export async function until(check: () => boolean, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  return check();
}
