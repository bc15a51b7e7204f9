/**
 * scripts/failover-check.mjs, which the GitHub workflow runs against a
 * three-member MongoDB replica set while it steps the primary down and
 * kills it. No MongoDB server can run here, so the script is checked on
 * SQLite (its other mode): under a real write load through the real client,
 * it passes when every acknowledged deployment is stored once, and it fails,
 * naming the deployment, when one is lost (a "disruption" that deletes an
 * acknowledged row that is neither current nor latest, so that only the
 * check of acknowledged writes can see it).
 */
import { afterAll, expect, test } from '@jest/globals';
import { join } from 'node:path';
import { ROOT, runNode } from '../helpers/run-node.js';
import { removeTempDirs, tempDbPath } from '../helpers/tmp.js';

afterAll(removeTempDirs);

const SCRIPT = join(ROOT, 'scripts', 'failover-check.mjs');
const settings = (db: string, disrupt: string) => ({
  SVT_FAILOVER_SQLITE: db,
  SVT_FAILOVER_SECONDS: '3',
  SVT_FAILOVER_WRITERS: '6',
  SVT_FAILOVER_DISRUPT: disrupt,
});

test('passes when every acknowledged deployment is stored once', async () => {
  const run = await runNode(SCRIPT, [], settings(tempDbPath(), 'true'));
  expect([run.code, run.stderr]).toEqual([0, '']);
  expect(run.stdout).toMatch(/failover-check: [1-9]\d* acknowledged .*, 0 given up by the client/);
  expect(run.stdout).toContain('failover-check: every acknowledged deployment is stored once');
}, 30_000);

test('fails, naming it, when an acknowledged deployment is lost', async () => {
  const db = tempDbPath();
  const lose =
    `node -e "const d = new (require('better-sqlite3'))(process.argv[1]);` +
    ` d.pragma('busy_timeout = 5000');` +
    ` d.prepare('DELETE FROM ledger WHERE seq = (SELECT MIN(seq) FROM ledger` +
    ` WHERE seq NOT IN (SELECT latest_seq FROM pairs)` +
    ` AND seq NOT IN (SELECT current_seq FROM pairs WHERE current_seq IS NOT NULL))').run()" ${db}`;
  const run = await runNode(SCRIPT, [], settings(db, lose));
  expect(run.code).toBe(1);
  expect(run.stderr).toMatch(
    /^failover-check: FAULT failover-\d+-\d+: acknowledged as [0-9A-Z]{26}, not stored$/m,
  );
  expect(run.stdout).toContain('failover-check: 1 faults');
}, 30_000);

test('refuses to run without a database to check', async () => {
  const run = await runNode(SCRIPT, [], {});
  expect(run.code).toBe(2);
  expect(run.stderr).toContain(
    'set SVT_FAILOVER_MONGODB_URL (a replica set) or SVT_FAILOVER_SQLITE',
  );
});
