/**
 * How long the CLI keeps trying, as a real process: a read that a person
 * waits for gives up after 10 s by default, with one line naming the server
 * and what failed, both where nothing listens and where a server accepts
 * the connection and never answers; `--timeout` changes that; `record`
 * keeps its 120 s for CI. The bounds are behaviour (about the budget, well
 * under the record's), not a speed benchmark.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import { CLI, runNode, type Run } from '../helpers/run-node.js';

const listenTcp = (server: Server) =>
  new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
  );
const closeTcp = (server: Server) => new Promise((resolve) => server.close(resolve));

/** A port nothing listens on: one the system just gave out, closed again. */
let refusedUrl = '';
/** A server that accepts every connection and never answers a byte. */
const sockets: Socket[] = [];
const silent = createServer((socket) => sockets.push(socket));
let silentUrl = '';

beforeAll(async () => {
  const probe = createServer();
  const port = await listenTcp(probe);
  await closeTcp(probe);
  refusedUrl = `http://127.0.0.1:${port}`;
  silentUrl = `http://127.0.0.1:${await listenTcp(silent)}`;
});
afterAll(async () => {
  sockets.forEach((s) => s.destroy());
  await closeTcp(silent);
});

const READS = [['list', 'prod'], ['history'], ['compare', 'staging', 'prod'], ['dora']];

/** The whole of stderr: one line naming the server, what failed and the budget. */
function expectOneLine(run: Run, url: string, reason: RegExp, timeout: string): void {
  expect(run.code).toBe(3);
  expect(run.stdout).toBe('');
  const lines = run.stderr.split('\n');
  expect(lines).toHaveLength(2); // one line, and the newline that ends it
  expect(lines[0]).toMatch(
    new RegExp(
      `^svt: SVT at ${url.replace(/[.:/]/g, '\\$&')} is unreachable or failing: ${reason.source} \\(\\d+ attempts? in \\d+\\.\\d s\\); gave up after --timeout ${timeout}$`,
    ),
  );
}

describe('svt reads against a server that is not there', () => {
  test('every read gives up in about 10 s with one line, while record keeps trying', async () => {
    // record, started first: still trying once every read has given up.
    const record = spawn(
      process.execPath,
      [CLI, 'record', '--env', 'prod', '--app', 'api', '--version', '1'],
      {
        env: { PATH: process.env.PATH ?? '', SVT_URL: refusedUrl },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let recordErr = '';
    record.stderr.on('data', (c: Buffer) => (recordErr += c.toString()));
    const recordStarted = performance.now();
    try {
      const runs = await Promise.all(
        READS.flatMap((args) => [
          runNode(CLI, args, { SVT_URL: refusedUrl }).then((run) => ({ run, url: refusedUrl })),
          runNode(CLI, args, { SVT_URL: silentUrl }).then((run) => ({ run, url: silentUrl })),
        ]),
      );
      for (const { run, url } of runs) {
        expect(run.ms).toBeGreaterThan(8_000);
        expect(run.ms).toBeLessThan(20_000);
        expectOneLine(
          run,
          url,
          url === refusedUrl
            ? /connect ECONNREFUSED 127\.0\.0\.1:\d+/
            : /(no answer within \d+\.\d s|Request timeout: \/api\/v1\/\S+)/,
          '10s',
        );
      }
      // Past the reads' budget, with time to spare: record is still at it, and says so.
      const waited = performance.now() - recordStarted;
      if (waited < 13_000) await new Promise((r) => setTimeout(r, 13_000 - waited));
      expect(record.exitCode).toBeNull();
      expect(recordErr).toMatch(
        /^svt: attempt 1 failed \(connect ECONNREFUSED 127\.0\.0\.1:\d+\); retrying in \d+\.\d s\n/,
      );
    } finally {
      record.kill();
    }
  }, 40_000);

  test('--timeout sets the budget, as people write it', async () => {
    const [silentRun, refusedRun] = await Promise.all([
      runNode(CLI, ['list', 'prod', '--timeout', '2s'], { SVT_URL: silentUrl }),
      runNode(CLI, ['dora', '--timeout', '0.05m'], { SVT_URL: refusedUrl }),
    ]);
    for (const run of [silentRun, refusedRun]) {
      expect(run.ms).toBeGreaterThan(1_500);
      expect(run.ms).toBeLessThan(9_000);
    }
    expectOneLine(silentRun, silentUrl, /(no answer within 2\.0 s|Request timeout: \S+)/, '2s');
    expectOneLine(refusedRun, refusedUrl, /connect ECONNREFUSED \S+/, '0\\.05m');
  }, 30_000);
});
