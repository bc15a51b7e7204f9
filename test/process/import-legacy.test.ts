/**
 * `svt-server import-legacy <dir>` on files written for the test in
 * mongoexport's `--jsonArray` format, as the seed's `stacks` database
 * would export: one file per environment collection, ObjectIds and dates in
 * MongoDB extended JSON (relaxed, canonical and legacy forms); and
 * `--mongodb-url`, straight from a server where one is reachable.
 */
import { afterAll, expect, test } from '@jest/globals';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MongoClient, ObjectId } from 'mongodb';
import { SqliteStore } from '../../server/src/store/sqlite.js';
import { BIN } from '../helpers/process.js';
import { MONGODB_URL, withMongoDB } from '../helpers/mongodb.js';
import { runNode } from '../helpers/run-node.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

afterAll(removeTempDirs);

test('the seed’s exported collections become deployments, once', async () => {
  const dir = join(tempDir('svt-legacy-'), 'stacks');
  mkdirSync(dir);
  // mongoexport --jsonArray --db stacks --collection dev (relaxed extended JSON, its default)
  writeFileSync(
    join(dir, 'dev.json'),
    `[{"_id":{"$oid":"5f5f1e9a1c9d440000a1b2c3"},"name":"Name of the application","url":"http://www.whatever.com:1337/random/url/long/enough","version":"5.27.94","date":{"$date":"2020-09-14T10:00:00.000Z"}},
{"_id":{"$oid":"5f5f1e9a1c9d440000a1b2c4"},"name":"api","version":"1.2.3","date":{"$date":"2020-09-15T08:30:00Z"},"team":"payments","replicas":3,"meta":{"a":1}}]`,
  );
  // --jsonFormat=canonical, and the legacy numeric form
  writeFileSync(
    join(dir, 'prod.json'),
    JSON.stringify([
      {
        _id: { $oid: '5f5f1e9a1c9d440000a1b2d1' },
        name: 'api',
        version: '1.2.0',
        date: { $date: { $numberLong: '1599000000000' } },
        url: 'ftp://old.example',
      },
      {
        _id: { $oid: '5f5f1e9a1c9d440000a1b2d2' },
        name: 'web',
        version: '2.0.0',
        date: { $date: 1599100000000 },
      },
      {
        _id: { $oid: '5f5f1e9a1c9d440000a1b2d3' },
        name: 'broken',
        version: 'has space',
        date: { $date: 1599100000000 },
      },
      { _id: { $oid: '5f5f1e9a1c9d440000a1b2d4' }, name: 'nodate', version: '1.0.0' },
    ]),
  );
  writeFileSync(join(dir, 'not an env.json'), '[]');
  const db = join(dir, '..', 'svt.db');

  const first = await runNode(BIN, ['import-legacy', '--create-db', dir], { SVT_DB: db });
  expect(first.code).toBe(0);
  expect(first.stderr.split('\n').filter(Boolean)).toEqual([
    `svt-server: SQLite database ${db} (new: created by --create-db)`,
    'not an env.json: skipped: "not an env" is not a valid environment name',
    'prod.json[2]: skipped: version: must be 1-128 printable characters without whitespace',
    'prod.json[3]: skipped: date: missing or not a date',
    'read 6 documents in 2 environments: 4 imported, 0 already present, 2 skipped',
  ]);
  const again = await runNode(BIN, ['import-legacy', dir], { SVT_DB: db });
  expect(again.stderr).toContain(
    'read 6 documents in 2 environments: 0 imported, 4 already present, 2 skipped',
  );

  const store = new SqliteStore(db);
  await store.open();
  try {
    // By app as people read them: api, then Name of the application.
    const dev = await store.current('dev');
    expect(dev?.map((d) => [d.app, d.version, d.deployedAt, d.url, d.source])).toEqual([
      ['api', '1.2.3', '2020-09-15T08:30:00.000Z', null, 'svt-legacy'],
      [
        'Name of the application',
        '5.27.94',
        '2020-09-14T10:00:00.000Z',
        'http://www.whatever.com:1337/random/url/long/enough',
        'svt-legacy',
      ],
    ]);
    expect(dev?.[0]?.attributes).toEqual({ team: 'payments', replicas: 3, meta: '{"a":1}' });
    const prod = await store.current('prod');
    expect(prod?.map((d) => [d.app, d.version, d.deployedAt])).toEqual([
      ['api', '1.2.0', new Date(1599000000000).toISOString()],
      ['web', '2.0.0', new Date(1599100000000).toISOString()],
    ]);
    expect(prod?.[0]?.attributes).toEqual({ url: 'ftp://old.example' }); // not http(s): kept, not linked
    // The seed's callers see the same list on the legacy route's terms.
    expect((await store.app('api'))?.map((e) => e.env)).toEqual(['dev', 'prod']);
  } finally {
    await store.close();
  }
});

test('names and keys read from the files reach the terminal with their control characters escaped', async () => {
  const dir = join(tempDir('svt-legacy-'), 'stacks');
  mkdirSync(dir);
  writeFileSync(join(dir, 'esc\u001b[2J.json'), '[]');
  writeFileSync(
    join(dir, 'qa.json'),
    JSON.stringify([
      {
        _id: { $oid: '5f5f1e9a1c9d440000a1b2e1' },
        name: 'api',
        version: '1.0.0',
        date: { $date: 1599100000000 },
        '\u001b]0;owned\u0007': 'x',
      },
    ]),
  );
  const db = join(dir, '..', 'svt.db');
  const run = await runNode(BIN, ['import-legacy', '--create-db', dir], { SVT_DB: db });
  expect(run.code).toBe(0);
  // By hand: ESC is \u001b, BEL \u0007, each written out as six visible characters.
  expect(run.stderr.split('\n').filter(Boolean)).toEqual([
    `svt-server: SQLite database ${db} (new: created by --create-db)`,
    'esc\\u001b[2J.json: skipped: "esc\\u001b[2J" is not a valid environment name',
    'qa.json[0]: skipped: attributes.\\u001b]0;owned\\u0007: key must be 1-64 letters, digits, "_" or "-", starting with a letter',
    'read 1 document in 1 environment: 0 imported, 0 already present, 1 skipped',
  ]);
  for (const line of run.stderr.split('\n')) expect(line).not.toMatch(/\p{Cc}/u);
});

test('--mongodb-url: a server that cannot be reached is one clear line; a folder and a URL together are refused', async () => {
  const db = join(tempDir('svt-legacy-'), 'svt.db');
  const down = await runNode(
    BIN,
    [
      'import-legacy',
      '--create-db',
      '--mongodb-url',
      'mongodb://127.0.0.1:9/?serverSelectionTimeoutMS=300',
    ],
    { SVT_DB: db },
  );
  expect(down.code).toBe(1);
  expect(down.stderr).toMatch(
    /^svt-server: SQLite database .*\nsvt-server: cannot reach MongoDB at --mongodb-url: /,
  );
  const both = await runNode(BIN, ['import-legacy', '/tmp', '--mongodb-url', 'mongodb://x/'], {
    SVT_DB: db,
  });
  expect(both.code).toBe(2);
  expect(both.stderr).toContain('give either a folder of exported files or --mongodb-url');
  expect((await runNode(BIN, ['import-legacy'], { SVT_DB: db })).code).toBe(2);
});

// Straight from the seed's MongoDB, where one is reachable (the GitHub
// workflow's service); reported as skipped here, never as passed.
withMongoDB.test(
  '--mongodb-url reads every collection of the stacks database, with the ids the files give',
  async () => {
    const dbName = `stacks_${process.pid}`;
    const client = new MongoClient(MONGODB_URL);
    await client.connect();
    try {
      const stacks = client.db(dbName);
      await stacks.collection('dev').insertMany([
        {
          _id: new ObjectId('5f5f1e9a1c9d440000a1b2c3'),
          name: 'api',
          version: '1.2.3',
          date: new Date('2020-09-15T08:30:00Z'),
          team: 'payments',
        },
      ]);
      await stacks.collection('prod').insertMany([
        { name: 'web', version: '2.0.0', date: new Date(1599100000000) },
        { name: 'broken', version: 'has space', date: new Date(1599100000000) },
      ]);
      const db = join(tempDir('svt-legacy-'), 'svt.db');
      const args = ['import-legacy', '--mongodb-url', MONGODB_URL, '--mongodb-db', dbName];
      const first = await runNode(BIN, [...args, '--create-db'], { SVT_DB: db });
      expect(first.code).toBe(0);
      expect(first.stderr).toContain(
        'read 3 documents in 2 environments: 2 imported, 0 already present, 1 skipped',
      );
      const again = await runNode(BIN, args, { SVT_DB: db });
      expect(again.stderr).toContain('0 imported, 2 already present, 1 skipped');
      const store = new SqliteStore(db);
      await store.open();
      try {
        const [dev] = (await store.current('dev')) ?? [];
        expect(dev).toMatchObject({
          app: 'api',
          version: '1.2.3',
          deployedAt: '2020-09-15T08:30:00.000Z',
          attributes: { team: 'payments' },
        });
        expect((await store.current('prod'))?.map((d) => d.app)).toEqual(['web']);
      } finally {
        await store.close();
      }
    } finally {
      await client.db(dbName).dropDatabase();
      await client.close();
    }
  },
);
