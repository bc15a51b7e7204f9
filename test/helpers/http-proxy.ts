/**
 * A forward proxy on 127.0.0.1, as a company network puts between a runner
 * and the world: plain HTTP requests in absolute form (`GET http://host/...`)
 * and CONNECT tunnels (what clients use for https, and @actions/http-client
 * for http too). It resolves the names it is given to 127.0.0.1 and no
 * other: a client that bypasses it cannot even resolve `svt.invalid`
 * (RFC 6761), so a record that arrives went through it. Counts what it saw.
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import { closeServer, listen } from './listen.js';

export interface ProxySeen {
  /** `CONNECT` or the method of a forwarded request. */
  method: string;
  /** `host:port` of a tunnel, the absolute URL of a forwarded request. */
  target: string;
  /** The Proxy-Authorization header, when one came. */
  auth: string | undefined;
}

export interface HttpProxy {
  url: string;
  port: number;
  seen: ProxySeen[];
  close: () => Promise<void>;
}

/** A proxy that reaches `names` (host names) on 127.0.0.1, and answers 502 for any other host. */
export async function httpProxy(names: readonly string[]): Promise<HttpProxy> {
  const seen: ProxySeen[] = [];
  const known = (host: string) => names.includes(host.toLowerCase());
  const tunnels = new Set<Socket>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const target = req.url ?? '';
    seen.push({ method: req.method ?? '', target, auth: req.headers['proxy-authorization'] });
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      res.writeHead(400).end('absolute URL expected');
      return;
    }
    if (!known(url.hostname)) {
      res.writeHead(502).end(`unknown host ${url.hostname}`);
      return;
    }
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    const out = request(
      {
        host: '127.0.0.1',
        port: Number(url.port || 80),
        method: req.method,
        path: `${url.pathname}${url.search}`,
        headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    const target = req.url ?? '';
    seen.push({ method: 'CONNECT', target, auth: req.headers['proxy-authorization'] });
    const at = target.lastIndexOf(':');
    const [host, port] = [target.slice(0, at), Number(target.slice(at + 1))];
    if (!known(host) || !(port > 0)) {
      client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
      return;
    }
    const upstream = connect(port, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const socket of [client, upstream]) {
      tunnels.add(socket);
      socket.on('close', () => tunnels.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    close: async () => {
      for (const socket of tunnels) socket.destroy();
      await closeServer(server);
    },
  };
}
