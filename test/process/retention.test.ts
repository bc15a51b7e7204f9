/** SVT_RETENTION_DAYS as a running server applies it: old history pruned at start, current state untouched. */
import { afterAll, expect, test } from '@jest/globals';
import { join } from 'node:path';
import { SqliteStore } from '../../server/src/store/sqlite.js';
import { newDeployment } from '../helpers/deployments.js';
import { call, startServer } from '../helpers/process.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

afterAll(removeTempDirs);

const DAY = 24 * 3600 * 1000;

test('the server prunes history older than SVT_RETENTION_DAYS at start', async () => {
  const db = join(tempDir(), 'svt.db');
  const store = new SqliteStore(db);
  await store.open();
  const now = Date.now();
  await store.record(
    newDeployment({ env: 'prod', app: 'api', version: '1.0.0', deployedAt: now - 40 * DAY }),
  );
  await store.record(
    newDeployment({ env: 'prod', app: 'api', version: '1.1.0', deployedAt: now - 35 * DAY }),
  );
  await store.record(
    newDeployment({ env: 'prod', app: 'api', version: '1.2.0', deployedAt: now - 2 * DAY }),
  );
  await store.record(
    newDeployment({ env: 'prod', app: 'quiet', version: '9', deployedAt: now - 400 * DAY }),
  );
  await store.close();

  const server = await startServer({ SVT_DB: db, SVT_RETENTION_DAYS: '30' });
  try {
    for (
      let i = 0;
      i < 100 &&
      !server.logs.some((l) => (l as { msg?: string }).msg === 'retention: pruned old history');
      i++
    ) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(server.logs).toContainEqual(
      expect.objectContaining({ msg: 'retention: pruned old history', deleted: 2 }),
    );
    const history = JSON.parse(
      (await call(server.port, 'GET', '/api/v1/deployments?env=prod')).body,
    ) as {
      items: { app: string; version: string }[];
    };
    expect(history.items.map((d) => `${d.app}@${d.version}`)).toEqual(['api@1.2.0', 'quiet@9']);
  } finally {
    server.proc.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  }
});
