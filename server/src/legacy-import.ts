/**
 * `svt-server import-legacy <dir>`: the original SVT's MongoDB data, so a
 * seed user keeps it. Its `stacks` database held one collection per
 * environment and one upserted document per app: `{name, version, date,
 * url, ...}`. Each `mongoexport --jsonArray` file (`<env>.json`) becomes one
 * deployment per document: the version that ran there since `date`.
 * Ids are derived from the environment and the document's `_id`, so that
 * importing the same files again adds nothing. `--mongodb-url` reads the
 * same documents from the seed's server instead of from files.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { BSON, type Document, MongoClient } from 'mongodb';
import { encodeTime } from 'ulid';
import type { ImportItem, Store } from './store/types.js';
import { CommandError, type Output } from './token-commands.js';
import { HttpProblem } from './errors.js';
import { parseDeployment } from './validation/deployment.js';
import { ENV_PATTERN, isHttpUrl } from './validation/rules.js';
import { counted } from './words.js';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A ULID at `time` whose random part is a hash of `seed`: the same document, the same id. */
function stableId(time: number, seed: string): string {
  const digest = createHash('sha256').update(seed).digest();
  let random = '';
  for (let i = 0; i < 16; i++) random += CROCKFORD[(digest[i] ?? 0) % 32];
  return encodeTime(time, 10) + random;
}

/** `{"$date": "..."}`, `{"$date": 1600000000000}`, `{"$date": {"$numberLong": "..."}}` or an ISO string. */
function dateOf(value: unknown): number | null {
  let v = value;
  if (typeof v === 'object' && v !== null && '$date' in v) v = (v as { $date: unknown }).$date;
  if (typeof v === 'object' && v !== null && '$numberLong' in v) {
    v = Number((v as { $numberLong: unknown }).$numberLong);
  }
  const ms = typeof v === 'number' ? v : typeof v === 'string' ? Date.parse(v) : NaN;
  return Number.isFinite(ms) ? ms : null;
}

function idOf(value: unknown): string {
  if (typeof value === 'object' && value !== null && '$oid' in value) {
    return String((value as { $oid: unknown }).$oid);
  }
  return JSON.stringify(value ?? null);
}

const KNOWN = new Set(['_id', 'name', 'version', 'date', 'url', 'env']);

/** One seed document as a deployment of `env`; throws a message when it cannot be one. */
export function legacyItem(env: string, doc: unknown): ImportItem {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw new Error('not a document');
  const d = doc as Record<string, unknown>;
  const at = dateOf(d.date);
  if (at === null) throw new Error('date: missing or not a date');
  const attributes: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(d)) {
    if (KNOWN.has(key)) continue;
    attributes[key] =
      typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
        ? value
        : JSON.stringify(value);
  }
  const body: Record<string, unknown> = {
    env,
    app: d.name,
    version: d.version,
    deployedAt: new Date(at).toISOString(),
    source: 'svt-legacy',
    attributes,
  };
  // A link the seed accepted but the data model does not (not http or https) stays as an attribute.
  if (typeof d.url === 'string' && isHttpUrl(d.url)) body.url = d.url;
  else if (d.url !== undefined && d.url !== null) attributes.url = String(d.url);
  try {
    const input = parseDeployment(body, {
      versionPattern: null,
      now: at,
      recordedBy: null,
      asStored: true, // the seed's dates as it kept them
    });
    return {
      input,
      id: stableId(at, `${env}\n${idOf(d._id)}\n${String(d.name)}`),
      recordedAt: at,
      idempotencyKey: null,
    };
  } catch (err) {
    if (err instanceof HttpProblem) {
      throw new Error(err.errors?.map((e) => `${e.path}: ${e.message}`).join('; ') ?? err.message, {
        cause: err,
      });
    }
    throw err;
  }
}

/** What one import run counted, for its closing line. */
interface Tally {
  read: number;
  added: number;
  skipped: number;
  envs: number;
}

/**
 * Imports one collection (`env`) of seed documents, 1,000 to a call of
 * `importMany` (one transaction in SQLite; MongoDB commits them 100 to a
 * transaction: mongo-maintenance.ts), naming (`label[i]`) and skipping
 * those that cannot be deployments.
 */
async function importCollection(
  store: Store,
  env: string,
  docs: AsyncIterable<unknown> | Iterable<unknown>,
  label: string,
  tally: Tally,
  io: Output,
): Promise<void> {
  tally.envs += 1;
  let items: ImportItem[] = [];
  let i = 0;
  for await (const doc of docs) {
    tally.read += 1;
    try {
      items.push(legacyItem(env, doc));
    } catch (err) {
      tally.skipped += 1;
      io.err(`${label}[${i}]: skipped: ${(err as Error).message}`);
    }
    i += 1;
    if (items.length === 1000) {
      tally.added += await store.importMany(items);
      items = [];
    }
  }
  if (items.length > 0) tally.added += await store.importMany(items);
}

function report(tally: Tally, io: Output): void {
  io.err(
    `read ${counted(tally.read, 'document')} in ${counted(tally.envs, 'environment')}: ${tally.added} imported, ` +
      `${tally.read - tally.added - tally.skipped} already present, ${tally.skipped} skipped`,
  );
}

/** Imports every `<env>.json` of `dir`; skips (and names) documents that cannot be deployments. */
export async function importLegacyDir(store: Store, dir: string, io: Output): Promise<void> {
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => extname(f) === '.json').sort();
  } catch (err) {
    throw new CommandError(`cannot read ${dir}: ${(err as Error).message}`, 1);
  }
  if (files.length === 0) throw new CommandError(`no <environment>.json file in ${dir}`, 1);
  const tally: Tally = { read: 0, added: 0, skipped: 0, envs: 0 };
  for (const file of files) {
    const env = basename(file, '.json');
    if (!ENV_PATTERN.test(env)) {
      io.err(`${file}: skipped: "${env}" is not a valid environment name`);
      continue;
    }
    let docs: unknown;
    try {
      docs = JSON.parse(await readFile(join(dir, file), 'utf8'));
    } catch (err) {
      throw new CommandError(
        `${file}: not a mongoexport --jsonArray file: ${(err as Error).message}`,
        1,
      );
    }
    if (!Array.isArray(docs))
      throw new CommandError(`${file}: not a JSON array (export with --jsonArray)`, 1);
    await importCollection(store, env, docs, file, tally, io);
  }
  report(tally, io);
}

/**
 * Imports straight from the seed's MongoDB: every collection of database
 * `dbName` (the seed's `stacks`) is an environment. Documents are read as
 * relaxed extended JSON, mongoexport's own format, so that both ways give
 * the same deployments with the same ids.
 */
export async function importLegacyMongo(
  store: Store,
  url: string,
  dbName: string,
  io: Output,
): Promise<void> {
  // Ten seconds to find the server, unless the URL says otherwise.
  const client = new MongoClient(url, {
    appName: 'svt-import',
    ...(/[?&]serverSelectionTimeoutMS=/i.test(url) ? {} : { serverSelectionTimeoutMS: 10_000 }),
  });
  try {
    try {
      await client.connect();
    } catch (err) {
      throw new CommandError(`cannot reach MongoDB at --mongodb-url: ${(err as Error).message}`, 1);
    }
    const db = client.db(dbName);
    const names = (await db.listCollections({}, { nameOnly: true }).toArray())
      .map((c) => c.name)
      .filter((n) => !n.startsWith('system.'))
      .sort();
    if (names.length === 0) throw new CommandError(`database ${dbName} has no collection`, 1);
    const tally: Tally = { read: 0, added: 0, skipped: 0, envs: 0 };
    for (const env of names) {
      if (!ENV_PATTERN.test(env)) {
        io.err(`${dbName}.${env}: skipped: "${env}" is not a valid environment name`);
        continue;
      }
      const docs = db.collection(env).find({}, { sort: { _id: 1 } });
      await importCollection(store, env, asExtendedJson(docs), `${dbName}.${env}`, tally, io);
    }
    report(tally, io);
  } finally {
    await client.close();
  }
}

/** Driver documents (ObjectId, Date) as mongoexport writes them. */
export async function* asExtendedJson(docs: AsyncIterable<Document>): AsyncIterable<unknown> {
  for await (const doc of docs) yield BSON.EJSON.serialize(doc, { relaxed: true });
}
