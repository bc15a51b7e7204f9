/** A real `svt-server` process on 127.0.0.1, started from the built bin. */
import { type ChildProcess, spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';

export const BIN = join(import.meta.dirname, '..', '..', 'server', 'bin', 'svt-server.js');

export interface ServerProcess {
  proc: ChildProcess;
  port: number;
  /** Every stdout line so far, parsed as JSON where it is JSON. */
  logs: unknown[];
  stderr: () => string;
  /** Resolves with the exit code (or signal name) once the process is gone. */
  exited: Promise<number | string>;
}

export function startServer(env: Record<string, string>, cwd?: string): Promise<ServerProcess> {
  const proc = spawn(process.execPath, [BIN], {
    cwd,
    env: { PATH: process.env.PATH ?? '', SVT_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: unknown[] = [];
  let err = '';
  const exited = new Promise<number | string>((resolve) => {
    proc.on('exit', (code, signal) => resolve(code ?? signal ?? -1));
  });
  proc.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return new Promise((resolve, reject) => {
    let buffered = '';
    proc.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        let entry: unknown = line;
        try {
          entry = JSON.parse(line);
        } catch {
          // not a log line
        }
        logs.push(entry);
        const port = (entry as { port?: unknown }).port;
        if (typeof port === 'number') {
          resolve({ proc, port, logs, stderr: () => err, exited });
        }
      }
    });
    void exited.then((code) =>
      reject(new Error(`server exited (${code}) before listening: ${err}`)),
    );
  });
}

export interface Answer {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** One HTTP request to the process; `json` is sent as a JSON body. */
export function call(port: number, method: string, path: string, json?: unknown): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body = json === undefined ? undefined : JSON.stringify(json);
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
