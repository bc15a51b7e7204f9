/**
 * SIGTERM while about 200 requests a second arrive: every request whose
 * bytes reached the server before the signal gets its full answer; later
 * ones are answered in full or refused, never half-answered; the process
 * exits 0 within 10 s (a correctness bound, asserted with its margin).
 */
import { afterAll, expect, test } from '@jest/globals';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { startServer } from '../helpers/process.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

afterAll(removeTempDirs);

interface Outcome {
  /** When the request's bytes were handed to the kernel, ms. */
  writtenAt: number;
  status: number | null;
  complete: boolean;
  error: string | null;
}

function send(agent: Agent, port: number, n: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const outcome: Outcome = { writtenAt: Infinity, status: null, complete: false, error: null };
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/v1/deployments',
        agent,
        headers: { 'content-type': 'application/json' },
      },
      (res) => {
        outcome.status = res.statusCode ?? null;
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => {
          try {
            outcome.complete =
              (JSON.parse(body) as { deployment?: unknown }).deployment !== undefined;
          } catch {
            outcome.complete = false;
          }
          resolve(outcome);
        });
        res.on('error', (err) => {
          outcome.error = err.message;
          resolve(outcome);
        });
      },
    );
    req.on('finish', () => (outcome.writtenAt = performance.now()));
    req.on('error', (err) => {
      outcome.error = err.message;
      resolve(outcome);
    });
    req.end(JSON.stringify({ env: 'prod', app: `app-${n % 20}`, version: `1.0.${n}` }));
  });
}

test('SIGTERM at about 200 requests a second: everything sent before it is answered in full', async () => {
  const server = await startServer({ SVT_DB: join(tempDir(), 'svt.db'), SVT_RATE_LIMIT: '0' });
  const agents = Array.from({ length: 10 }, () => new Agent({ keepAlive: true, maxSockets: 1 }));
  const pending: Promise<Outcome>[] = [];
  let n = 0;
  const ticker = setInterval(() => {
    // 10 connections, one request each every 50 ms: about 200 a second.
    for (const agent of agents) pending.push(send(agent, server.port, n++));
  }, 50);
  await new Promise((r) => setTimeout(r, 1500));
  const signalAt = performance.now();
  server.proc.kill('SIGTERM');
  const exitCode = await server.exited;
  const exitedAfter = performance.now() - signalAt;
  clearInterval(ticker);
  const outcomes = await Promise.all(pending);
  agents.forEach((a) => a.destroy());

  const before = outcomes.filter((o) => o.writtenAt < signalAt);
  const after = outcomes.filter((o) => o.writtenAt >= signalAt);
  expect(before.length).toBeGreaterThan(200);
  expect(before.filter((o) => !(o.status === 201 && o.complete))).toEqual([]);
  // After the signal: a full answer or a refusal, never a partial one.
  for (const o of after) {
    if (o.status !== null) expect(o).toMatchObject({ status: 201, complete: true });
    else expect(o.error).not.toBeNull();
  }
  expect(exitCode).toBe(0);
  expect(exitedAfter).toBeLessThan(10_000);
}, 30_000);
