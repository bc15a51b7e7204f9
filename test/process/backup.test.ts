/**
 * `svt-server backup <file>` as a real process beside a real server that
 * keeps receiving writes: the copy is one consistent snapshot (it opens,
 * passes SQLite's integrity check, and a server started on it serves the
 * same deployments); an existing file is never replaced unless asked;
 * MongoDB is sent to mongodump without a server being reached.
 */
import { afterAll, afterEach, describe, expect, test } from '@jest/globals';
import {
  existsSync,
  readFileSync,
  readdirSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { BIN, type ServerProcess, call, startServer } from '../helpers/process.js';
import { runNode } from '../helpers/run-node.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

const running: ServerProcess[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) {
    s.proc.kill('SIGTERM');
    await s.exited;
  }
});
afterAll(removeTempDirs);

async function start(db: string): Promise<ServerProcess> {
  const s = await startServer({ SVT_DB: db });
  running.push(s);
  return s;
}

interface Item {
  id: string;
}

/** Every deployment a server serves, newest first, through the history API's cursors. */
async function allDeployments(port: number): Promise<Item[]> {
  const items: Item[] = [];
  let path = '/api/v1/deployments?limit=100';
  for (;;) {
    const answer = await call(port, 'GET', path);
    expect(answer.status).toBe(200);
    const page = JSON.parse(answer.body) as { items: Item[]; next: string | null };
    items.push(...page.items);
    if (page.next === null) return items;
    path = `/api/v1/deployments?limit=100&cursor=${encodeURIComponent(page.next)}`;
  }
}

describe('svt-server backup, beside a running server', () => {
  test('a copy taken while writes go on is consistent and serves the same deployments', async () => {
    const dir = tempDir('svt-backup-');
    const db = join(dir, 'svt.db');
    const server = await start(db);
    const post = (i: number) =>
      call(server.port, 'POST', '/api/v1/deployments', {
        env: `env-${i % 3}`,
        app: `app-${i % 40}`,
        version: `1.0.${i}`,
        attributes: { i },
      });
    // A history to copy before the writes under test begin.
    for (let i = 0; i < 600; i += 50) {
      const answers = await Promise.all(Array.from({ length: 50 }, (_, k) => post(i + k)));
      expect(answers.every((a) => a.status === 201)).toBe(true);
    }

    // Four writers in a loop, each counting what the server acknowledged.
    let acked = 600;
    let next = 600;
    let stop = false;
    const writers = Array.from({ length: 4 }, async () => {
      while (!stop) {
        const answer = await post(next++);
        expect(answer.status).toBe(201);
        acked += 1;
      }
    });
    while (acked < 700) await new Promise((r) => setTimeout(r, 5));
    const ackedBefore = acked;
    const copy = join(dir, 'copy.db');
    const run = await runNode(BIN, ['backup', copy], { SVT_DB: db });
    const ackedAfter = acked;
    stop = true;
    await Promise.all(writers);

    expect(run.stderr).toBe(`svt-server: SQLite database ${db}\n`);
    expect(run.code).toBe(0);
    // The writes went on during the backup: the copy was taken under load.
    expect(ackedAfter).toBeGreaterThan(ackedBefore);
    const match = /^wrote (\S+): (\d+) bytes \((\d+\.\d) MiB\), (\d+) deployments\n$/.exec(
      run.stdout,
    );
    expect(match).not.toBeNull();
    const [, path, bytes, mib, count] = match ?? [];
    expect(path).toBe(copy);
    expect(Number(bytes)).toBe(statSync(copy).size);
    expect(mib).toBe((statSync(copy).size / 2 ** 20).toFixed(1));
    // Every write acknowledged before the backup began is in it; none after it ended can be.
    expect(Number(count)).toBeGreaterThanOrEqual(ackedBefore);
    expect(Number(count)).toBeLessThanOrEqual(ackedAfter);
    // One file, complete: no partial copy, no log beside it.
    expect(readdirSync(dir).filter((f) => f.startsWith('copy'))).toEqual(['copy.db']);

    const sqlite = new Database(copy, { readonly: true });
    try {
      expect(sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(sqlite.prepare('SELECT COUNT(*) FROM ledger').pluck().get()).toBe(Number(count));
    } finally {
      sqlite.close();
    }

    // A server on the copy serves the deployments the original served then,
    // byte for byte: the original's oldest `count`, since ids grow with arrival.
    const restored = await start(copy);
    const fromCopy = await allDeployments(restored.port);
    const fromOriginal = await allDeployments(server.port);
    expect(fromCopy).toHaveLength(Number(count));
    const byId = new Map(fromOriginal.map((d) => [d.id, d]));
    for (const d of fromCopy) expect(d).toEqual(byId.get(d.id));
    const oldest = [...byId.keys()].sort().slice(0, Number(count));
    expect(fromCopy.map((d) => d.id).sort()).toEqual(oldest);
  });

  test('an existing file, or its -wal, is refused; --overwrite replaces it with a whole copy', async () => {
    const dir = tempDir('svt-backup-');
    const db = join(dir, 'svt.db');
    const server = await start(db);
    expect(
      (await call(server.port, 'POST', '/api/v1/deployments', { env: 'p', app: 'a', version: '1' }))
        .status,
    ).toBe(201);
    const target = join(dir, 'keep.db');
    writeFileSync(target, 'an older backup');
    const refused = await runNode(BIN, ['backup', target], { SVT_DB: db });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `svt-server: SQLite database ${db}\n` +
        `svt-server: ${target} exists: pass --overwrite to replace it, or choose another file\n`,
    );
    expect(readFileSync(target, 'utf8')).toBe('an older backup');

    // A stale log next to the target would be replayed into a new copy: refused as well.
    const lone = join(dir, 'lone.db');
    writeFileSync(`${lone}-wal`, 'stale');
    const wal = await runNode(BIN, ['backup', lone], { SVT_DB: db });
    expect(wal.code).toBe(1);
    expect(wal.stderr).toContain(`svt-server: ${lone}-wal exists: pass --overwrite`);
    expect(existsSync(lone)).toBe(false);

    writeFileSync(`${target}-wal`, 'stale');
    const replaced = await runNode(BIN, ['backup', target, '--overwrite'], { SVT_DB: db });
    expect(replaced.code).toBe(0);
    expect(replaced.stdout).toMatch(/ 1 deployment\n$/);
    expect(existsSync(`${target}-wal`)).toBe(false);
    const sqlite = new Database(target, { readonly: true });
    try {
      expect(sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      sqlite.close();
    }

    // Never the database's own files, even with --overwrite.
    for (const own of [db, `${db}-wal`]) {
      const run = await runNode(BIN, ['backup', own, '--overwrite'], { SVT_DB: db });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`svt-server: ${own} is the database's own file`);
    }
    const missing = await runNode(BIN, ['backup', join(dir, 'no', 'copy.db')], { SVT_DB: db });
    expect(missing.stderr).toContain(`the folder ${join(dir, 'no')} does not exist`);

    // Found by a breaker: through a symlinked SVT_DB, SQLite's -wal is beside
    // the real file, and --overwrite replaced it under the running server.
    const link = join(tempDir('svt-backup-link-'), 'link.db');
    symlinkSync(db, link);
    const realWal = `${db}-wal`;
    expect(existsSync(realWal)).toBe(true);
    const before = readFileSync(realWal);
    const viaLink = await runNode(BIN, ['backup', realWal, '--overwrite'], { SVT_DB: link });
    expect(viaLink.code).toBe(1);
    expect(viaLink.stderr).toContain(`svt-server: ${realWal} is the database's own file`);
    expect(readFileSync(realWal).equals(before)).toBe(true);
  });
});

test('with MongoDB: exit 1 naming mongodump, without reaching any server', async () => {
  const dir = tempDir('svt-backup-');
  const run = await runNode(BIN, ['backup', join(dir, 'copy.db')], {
    // Nothing listens on port 9: a connection attempt would fail with another message.
    SVT_MONGODB_URL: 'mongodb://svt:secret@127.0.0.1:9/?replicaSet=rs0',
  });
  expect(run.code).toBe(1);
  expect(run.stdout).toBe('');
  expect(run.stderr).toBe(
    'svt-server: MongoDB database svt at mongodb://svt:****@127.0.0.1:9/?replicaSet=rs0\n' +
      'svt-server: backup copies the SQLite file, and this server stores in MongoDB (SVT_MONGODB_URL): ' +
      'back it up with mongodump --uri="$SVT_MONGODB_URL" --db=svt --gzip --archive=svt-backup.gz ' +
      '(restore: mongorestore --uri="$SVT_MONGODB_URL" --gzip --archive=svt-backup.gz --drop)\n',
  );
  expect(readdirSync(dir)).toEqual([]);
});
