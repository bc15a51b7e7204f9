/**
 * `svt-server import-legacy <dir>` on files written for the test in
 * mongoexport's `--jsonArray` format, as the seed's `stacks` database
 * would export: one file per environment collection, ObjectIds and dates in
 * MongoDB extended JSON (relaxed, canonical and legacy forms).
 */
import { afterAll, expect, test } from '@jest/globals';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteStore } from '../../server/src/store/sqlite.js';
import { BIN } from '../helpers/process.js';
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

  const first = await runNode(BIN, ['import-legacy', dir], { SVT_DB: db });
  expect(first.code).toBe(0);
  expect(first.stderr.split('\n').filter(Boolean)).toEqual([
    'not an env.json: skipped: "not an env" is not a valid environment name',
    'prod.json[2]: skipped: version: must be 1-128 printable characters without whitespace',
    'prod.json[3]: skipped: date: missing or not a date',
    'read 6 documents in 3 environments: 4 imported, 0 already present, 2 skipped',
  ]);
  const again = await runNode(BIN, ['import-legacy', dir], { SVT_DB: db });
  expect(again.stderr).toContain(
    'read 6 documents in 3 environments: 0 imported, 4 already present, 2 skipped',
  );

  const store = new SqliteStore(db);
  await store.open();
  try {
    const dev = await store.current('dev');
    expect(dev?.map((d) => [d.app, d.version, d.deployedAt, d.url, d.source])).toEqual([
      [
        'Name of the application',
        '5.27.94',
        '2020-09-14T10:00:00.000Z',
        'http://www.whatever.com:1337/random/url/long/enough',
        'svt-legacy',
      ],
      ['api', '1.2.3', '2020-09-15T08:30:00.000Z', null, 'svt-legacy'],
    ]);
    expect(dev?.[1]?.attributes).toEqual({ team: 'payments', replicas: 3, meta: '{"a":1}' });
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
