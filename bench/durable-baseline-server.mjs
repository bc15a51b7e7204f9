// A second baseline: the bare Koa JSON POST route of bare-server.mjs plus the
// least a durable ledger must do, one row appended to one SQLite table
// (WAL, synchronous=FULL), the writes of one event-loop turn in one
// transaction (group commit), each answered after its commit. No index but
// the rowid, no validation, no current-state upkeep. It shows what
// durability itself costs on this machine, next to the bare route and SVT.
// SVT_DB names the file (default: a temporary one). Prints its port.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import Database from 'better-sqlite3';
import Koa from 'koa';

const file = process.env.SVT_DB ?? join(mkdtempSync(join(tmpdir(), 'svt-durable-')), 'ledger.db');
mkdirSync(dirname(file), { recursive: true });
const db = new Database(file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.exec('CREATE TABLE IF NOT EXISTS ledger (seq INTEGER PRIMARY KEY, doc TEXT NOT NULL)');
const insert = db.prepare('INSERT INTO ledger (doc) VALUES (?)');
const commit = db.transaction((batch) => {
  for (const item of batch) insert.run(item.doc);
});

let pending = [];
function append(doc) {
  return new Promise((resolve, reject) => {
    if (pending.length === 0) {
      setImmediate(() => {
        const batch = pending;
        pending = [];
        try {
          commit(batch);
          for (const item of batch) item.resolve();
        } catch (err) {
          for (const item of batch) item.reject(err);
        }
      });
    }
    pending.push({ doc, resolve, reject });
  });
}

const app = new Koa();
const router = new Router();
router.post('/api/v1/deployments', async (ctx) => {
  await append(JSON.stringify(ctx.request.body));
  ctx.status = 201;
  ctx.body = { deployment: ctx.request.body, previous: null };
});
app.use(bodyParser());
app.use(router.routes());
const server = app.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ port: server.address().port }));
});
process.on('SIGTERM', () =>
  server.close(() => {
    db.close();
    process.exit(0);
  }),
);
