/**
 * `svt-server export` then `svt-server import` into a fresh store: every
 * question gets the same answer; a second import adds nothing; a bad line
 * stops the import, named, after the good lines before it.
 */
import { afterAll, expect, test } from '@jest/globals';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteStore } from '../../server/src/store/sqlite.js';
import type { Store } from '../../server/src/store/types.js';
import { MINUTE, T0, newDeployment } from '../helpers/deployments.js';
import { BIN } from '../helpers/process.js';
import { runNode } from '../helpers/run-node.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

afterAll(removeTempDirs);

/** Everything a reader can ask, as one comparable value. */
async function answers(store: Store) {
  const envs = await store.environments();
  const history = [];
  let page = await store.history({ limit: 100 });
  history.push(...page.items);
  while (page.next !== null) {
    page = await store.history({ limit: 100, after: page.next });
    history.push(...page.items);
  }
  const perEnv = [];
  for (const { name } of envs) {
    perEnv.push({
      name,
      now: await store.current(name),
      latest: await store.latest(name),
      then: await store.current(name, T0 + 15 * MINUTE),
    });
  }
  const apps = await store.apps();
  const perApp = await Promise.all(apps.map(async (a) => store.app(a.name)));
  return { envs, history, perEnv, apps, perApp };
}

test('export -> import into a fresh store gives identical answers, and importing again adds nothing', async () => {
  const dir = tempDir('svt-export-');
  const source = join(dir, 'source.db');
  const store = new SqliteStore(source);
  await store.open();
  const rows: [string, string, string, number, ('success' | 'failure' | 'rolled_back')?][] = [
    ['prod', 'api', '1.0.0', 0],
    ['prod', 'api', '1.2.0', 30],
    ['prod', 'api', '1.1.0', 10], // backdated
    ['prod', 'api', '1.2.0', 35, 'rolled_back'],
    ['prod', 'api', '1.1.0', 35], // the rollback
    ['prod', 'web', '5.0.0', 20],
    ['prod', 'web', '5.1.0', 20, 'failure'], // a tie
    ['staging', 'api', '2.0.0', 25],
    ['staging', 'Test app', 'v9', 5],
  ];
  for (const [env, app, version, minute, status] of rows) {
    await store.record(
      newDeployment({
        env,
        app,
        version,
        deployedAt: T0 + minute * MINUTE,
        status: status ?? 'success',
        attributes: { minute },
        commit: 'abc1234',
        recordedBy: 'ci',
      }),
      minute === 25 ? { scope: 'ci', key: 'job-25', fingerprint: 'f' } : undefined,
    );
  }
  const expected = await answers(store);
  await store.close();

  const exported = await runNode(BIN, ['export'], { SVT_DB: source });
  expect(exported.code).toBe(0);
  expect(exported.stderr).toBe(`svt-server: SQLite database ${source}\nexported 9 deployments\n`);
  const file = join(dir, 'svt.jsonl');
  writeFileSync(file, exported.stdout);
  expect(
    exported.stdout
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { version: string }).version),
  ).toEqual(rows.map((r) => r[2]));

  // A new machine: its store does not exist yet, and import creates it only when told to.
  const target = join(dir, 'target.db');
  const refused = await runNode(BIN, ['import', file], { SVT_DB: target });
  expect(refused.code).toBe(1);
  expect(refused.stderr).toMatch(/^svt-server: no database at .*target\.db .* pass --create-db/);
  expect(existsSync(target)).toBe(false);
  const first = await runNode(BIN, ['import', '--create-db', file], { SVT_DB: target });
  expect([first.code, first.stderr]).toEqual([
    0,
    `svt-server: SQLite database ${target} (new: created by --create-db)\nread 9 deployments: 9 imported, 0 already present\n`,
  ]);
  const again = await runNode(BIN, ['import', file], { SVT_DB: target });
  expect(again.stderr).toBe(
    `svt-server: SQLite database ${target}\nread 9 deployments: 0 imported, 9 already present\n`,
  );

  const imported = new SqliteStore(target);
  await imported.open();
  try {
    expect(await answers(imported)).toEqual(expected);
  } finally {
    await imported.close();
  }
  // And the export of the import is the export.
  expect((await runNode(BIN, ['export'], { SVT_DB: target })).stdout).toBe(exported.stdout);
});

test('a bad line stops the import with its number; the lines before it are in', async () => {
  const dir = tempDir('svt-import-');
  const source = join(dir, 'source.db');
  const store = new SqliteStore(source);
  await store.open();
  await store.record(newDeployment({ env: 'prod', app: 'a', version: '1' }));
  await store.close();
  const good = (await runNode(BIN, ['export'], { SVT_DB: source })).stdout;
  const line = JSON.parse(good) as Record<string, unknown>;
  const file = join(dir, 'bad.jsonl');
  writeFileSync(
    file,
    `${good}${JSON.stringify({ ...line, id: '01KBAD00000000000000000000', env: 'not valid' })}\n{"oops"\n`,
  );
  const target = join(dir, 'target.db');
  const run = await runNode(BIN, ['import', '--create-db', file], { SVT_DB: target });
  expect(run.code).toBe(1);
  expect(run.stderr).toBe(
    `svt-server: SQLite database ${target} (new: created by --create-db)\nsvt-server: ${file}:2: env: must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit; the 1 new deployments before it are imported\n`,
  );
  expect(readFileSync(file, 'utf8')).toContain('not valid');
  const missing = await runNode(BIN, ['import', join(dir, 'nope.jsonl')], { SVT_DB: target });
  expect(missing.code).toBe(1);
  expect(missing.stderr).toMatch(/cannot read .*nope\.jsonl: ENOENT/);
});
