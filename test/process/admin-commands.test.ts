/**
 * The admin commands (`svt-server token ...`, `export`, `import`,
 * `import-legacy`, `backup`) as real processes: each names the database it
 * acts on, first, on stderr; none creates one unless given --create-db
 * (only the server does), and the refusal says where it looked and why.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS } from '../../server/src/store/sqlite-schema.js';
import { BIN } from '../helpers/process.js';
import { runNode } from '../helpers/run-node.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

afterAll(removeTempDirs);

/** Input files for import and import-legacy, kept outside the directories the tests watch. */
function inputs(): { exported: string; legacyDir: string } {
  const dir = tempDir('svt-admin-input-');
  const exported = join(dir, 'svt.jsonl');
  writeFileSync(
    exported,
    `${JSON.stringify({
      id: '01KAAAAAAAAAAAAAAAAAAAAAAA',
      env: 'prod',
      app: 'api',
      version: '1.0.0',
      status: 'success',
      deployedAt: '2026-01-01T00:00:00.000Z',
      recordedAt: '2026-01-01T00:00:00.000Z',
    })}\n`,
  );
  const legacyDir = join(dir, 'stacks');
  mkdirSync(legacyDir);
  writeFileSync(
    join(legacyDir, 'dev.json'),
    '[{"_id":{"$oid":"5f5f1e9a1c9d440000a1b2c3"},"name":"web","version":"2.0.0","date":{"$date":"2020-09-14T10:00:00.000Z"}}]',
  );
  return { exported, legacyDir };
}

// Reading commands never create a database; those that add data do with --create-db.
const READ_TAIL =
  ' (this command never creates one; token create, import and import-legacy take --create-db)';
const WRITE_TAIL = ', or pass --create-db to create a new, empty one there';

test('an empty file is no database: refused, and left empty', async () => {
  // Found by a breaker: SQLite made a whole schema inside it.
  const dir = tempDir('svt-admin-empty-');
  const db = join(dir, 'svt.db');
  writeFileSync(db, '');
  const run = await runNode(BIN, ['token', 'list'], { SVT_DB: db });
  expect(run.code).toBe(1);
  expect(run.stderr).toContain(`no database at ${db} (an empty file)`);
  expect(readFileSync(db).length).toBe(0);
});

describe('a database that does not exist', () => {
  test('every admin command refuses it in one line, creating nothing', async () => {
    const { exported, legacyDir } = inputs();
    const commands: [string[], string][] = [
      [['token', 'list'], READ_TAIL],
      [['token', 'revoke', 'ci'], READ_TAIL],
      [['token', 'create', '--name', 'ci', '--scope', 'read'], WRITE_TAIL],
      [['export'], READ_TAIL],
      [['import', exported], WRITE_TAIL],
      [['import-legacy', legacyDir], WRITE_TAIL],
      [['backup', 'copy.db'], READ_TAIL],
    ];
    for (const [args, tail] of commands) {
      // SVT_DB unset: ./data/svt.db in the working directory, as a newcomer in server/ runs it.
      const cwd = tempDir('svt-admin-cwd-');
      const run = await runNode(BIN, args, {}, cwd);
      expect([args, run.code, run.stdout]).toEqual([args, 1, '']);
      expect(run.stderr).toBe(
        `svt-server: no database at ${cwd}/data/svt.db (SVT_DB ./data/svt.db, relative to the working directory). ` +
          'Only the server (svt-server with no command, npm start) creates its database: ' +
          `run this from the directory the server runs in, or set SVT_DB to the server's file${tail}\n`,
      );
      expect([args, readdirSync(cwd)]).toEqual([args, []]);
    }
  });

  test('an absolute SVT_DB is named as given, without the working-directory advice', async () => {
    const dir = tempDir('svt-admin-abs-');
    const db = join(dir, 'elsewhere', 'svt.db');
    const run = await runNode(BIN, ['export'], { SVT_DB: db });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `svt-server: no database at ${db} (SVT_DB). Only the server (svt-server with no command, npm start) ` +
        `creates its database: set SVT_DB to the server's file${READ_TAIL}\n`,
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  test('a folder named by SVT_DB is refused as one', async () => {
    const dir = tempDir('svt-admin-dir-');
    const run = await runNode(BIN, ['token', 'list'], { SVT_DB: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `svt-server: SVT_DB must name a SQLite file, got ${dir}, a directory\n`,
    );
  });

  test('--create-db creates it: token create, import and import-legacy', async () => {
    const { exported, legacyDir } = inputs();
    const cwd = tempDir('svt-admin-cwd-');
    const db = join(cwd, 'data', 'svt.db');
    const created = await runNode(
      BIN,
      ['token', 'create', '--name', 'ci', '--scope', 'read', '--create-db'],
      {},
      cwd,
    );
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^svt_[A-Za-z0-9_-]{43}\n$/);
    expect(created.stderr.split('\n')[0]).toBe(
      `svt-server: SQLite database ${db} (new: created by --create-db)`,
    );
    expect(readdirSync(join(cwd, 'data'))).toContain('svt.db');

    const imported = await runNode(BIN, ['import', '--create-db', exported], {
      SVT_DB: join(cwd, 'moved.db'),
    });
    expect([imported.code, imported.stderr]).toEqual([
      0,
      `svt-server: SQLite database ${join(cwd, 'moved.db')} (new: created by --create-db)\nread 1 deployment: 1 imported, 0 already present\n`,
    ]);
    const legacy = await runNode(BIN, ['import-legacy', legacyDir, '--create-db'], {
      SVT_DB: join(cwd, 'legacy.db'),
    });
    expect([legacy.code, legacy.stderr]).toEqual([
      0,
      `svt-server: SQLite database ${join(cwd, 'legacy.db')} (new: created by --create-db)\nread 1 document in 1 environment: 1 imported, 0 already present, 0 skipped\n`,
    ]);
    // The files are real stores: the deployment is in each.
    for (const [file, app] of [
      ['moved.db', 'api'],
      ['legacy.db', 'web'],
    ] as const) {
      const sqlite = new Database(join(cwd, file), { readonly: true });
      try {
        expect(sqlite.prepare('SELECT name FROM apps').pluck().all()).toEqual([app]);
      } finally {
        sqlite.close();
      }
    }
  });
});

describe('the database line', () => {
  test('each admin command names its database first, on stderr, as an absolute path', async () => {
    const { exported, legacyDir } = inputs();
    const cwd = tempDir('svt-admin-cwd-');
    const env = { SVT_DB: 'state/svt.db' }; // relative: resolved against the working directory
    const line = `svt-server: SQLite database ${cwd}/state/svt.db`;
    const first = await runNode(
      BIN,
      ['token', 'create', '--name', 'ci', '--scope', 'write:*', '--create-db'],
      env,
      cwd,
    );
    expect(first.code).toBe(0);
    expect(first.stderr.split('\n')[0]).toBe(`${line} (new: created by --create-db)`);
    const runs: [string[], RegExp][] = [
      [['token', 'create', '--name', 'dash', '--scope', 'read'], /^svt_/],
      [['token', 'list'], /^NAME\s+SCOPES/],
      [['token', 'revoke', 'dash'], /^$/],
      [['import', exported], /^$/],
      [['import', '--create-db', exported], /^$/], // the file exists: nothing new to say
      [['import-legacy', legacyDir], /^$/],
      [['export'], /^\{"id":"01KAAAAAAAAAAAAAAAAAAAAAAA"/],
      [['backup', 'copy.db'], /^wrote /],
    ];
    for (const [args, stdout] of runs) {
      const run = await runNode(BIN, args, env, cwd);
      expect([args, run.code]).toEqual([args, 0]);
      expect([args, run.stderr.split('\n')[0]]).toEqual([args, line]);
      expect(run.stdout).toMatch(stdout);
    }
    // Only the two files asked for: the database and the backup.
    expect(readdirSync(cwd).sort()).toEqual(['copy.db', 'state']);
  });

  test('token list says LAST USED may be a minute behind', async () => {
    const cwd = tempDir('svt-admin-cwd-');
    await runNode(
      BIN,
      ['token', 'create', '--name', 'ci', '--scope', 'read', '--create-db'],
      {},
      cwd,
    );
    const run = await runNode(BIN, ['token', 'list'], {}, cwd);
    expect(run.stderr).toBe(
      `svt-server: SQLite database ${cwd}/data/svt.db\n` +
        'LAST USED is up to a minute behind: a running server records token use once a minute, and when it stops.\n',
    );
  });

  test('with MongoDB: the URL with its password masked, and the database name', async () => {
    // `backup` refuses MongoDB before connecting: the line is shown without a reachable server.
    const run = await runNode(BIN, ['backup', join(tempDir(), 'copy.db')], {
      SVT_MONGODB_URL: 'mongodb://alice:s3cr%40t@127.0.0.1:9,127.0.0.1:10/admin?replicaSet=rs0',
      SVT_MONGODB_DB: 'tracker',
    });
    expect(run.stderr.split('\n')[0]).toBe(
      'svt-server: MongoDB database tracker at mongodb://alice:****@127.0.0.1:9,127.0.0.1:10/admin?replicaSet=rs0',
    );
    expect(run.stderr).not.toContain('s3cr');
  });
});

test('the VACUUM a migration left, stopped before it ended, is done at the next start and said so', async () => {
  // Found by a breaker: a kill during it made the next start log "migrated from version 12 to 12".
  const db = join(tempDir('svt-admin-vacuum-'), 'svt.db');
  const created = await runNode(
    BIN,
    ['token', 'create', '--name', 'ci', '--scope', 'read', '--create-db'],
    {
      SVT_DB: db,
    },
  );
  expect(created.code).toBe(0);
  const file = new Database(db);
  file.exec("INSERT INTO pending_tasks (task) VALUES ('vacuum')");
  file.close();
  const run = await runNode(BIN, ['token', 'list'], { SVT_DB: db });
  expect(run.code).toBe(0);
  expect(run.stderr).toMatch(
    new RegExp(
      `^svt-server: SQLite database .*\\nsvt-server: SQLite schema version ${MIGRATIONS.length}: ` +
        'finished the VACUUM its migration left, 0 deployments in \\d+ ms\\n',
    ),
  );
  const after = new Database(db, { readonly: true });
  expect(after.prepare('SELECT task FROM pending_tasks').all()).toEqual([]);
  after.close();
});
