/**
 * A fault-injecting HTTP proxy on 127.0.0.1, written for the tests: the
 * first requests meet the faults given, in order; later ones pass through
 * to the target. Each fault is a status answered without forwarding, a
 * connection reset before any answer, 'forward' (no fault), or 'forward-then-reset' (the request
 * reaches the server, and the answer is lost on the way back: the case
 * idempotency keys exist for).
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { closeServer, listen } from './listen.js';

export type Fault =
  | { status: number; headers?: Record<string, string>; body?: string }
  | 'reset'
  | 'forward'
  | 'forward-then-reset';

export interface Seen {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface FaultProxy {
  url: string;
  /** Requests seen, faulted or not, in order. */
  seen: Seen[];
  close: () => Promise<void>;
}

function forward(targetPort: number, req: IncomingMessage, body: Buffer): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const out = request(
      {
        host: '127.0.0.1',
        port: targetPort,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      resolve,
    );
    out.on('error', reject);
    out.end(body);
  });
}

/**
 * `faults`: the first requests' faults in order, or a function that picks
 * each request's fault (undefined: forward it).
 */
export async function faultProxy(
  targetPort: number,
  faults: Fault[] | (() => Fault | undefined),
): Promise<FaultProxy> {
  const queue = Array.isArray(faults) ? [...faults] : [];
  const pick = Array.isArray(faults) ? () => queue.shift() : faults;
  const seen: Seen[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const fault = pick();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      void (async () => {
        if (fault === 'reset') {
          req.socket.destroy();
          return;
        }
        if (fault !== undefined && fault !== 'forward' && fault !== 'forward-then-reset') {
          res.writeHead(fault.status, {
            'content-type': 'application/problem+json',
            ...fault.headers,
          });
          res.end(
            fault.body ??
              JSON.stringify({
                type: 'about:blank',
                title: 'Injected fault',
                status: fault.status,
              }),
          );
          return;
        }
        const answer = await forward(targetPort, req, Buffer.concat(chunks));
        const body: Buffer[] = [];
        for await (const c of answer) body.push(c as Buffer);
        if (fault === 'forward-then-reset') {
          req.socket.destroy();
          return;
        }
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        res.end(Buffer.concat(body));
      })().catch(() => req.socket.destroy());
    });
  });
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}`, seen, close: () => closeServer(server) };
}
