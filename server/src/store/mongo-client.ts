/**
 * What the MongoDB store needs from its connection, whatever the URL says,
 * and the two small lifecycle pieces it is built on. Pure, so that it is
 * unit-tested where no MongoDB server runs
 * (test/unit/mongo-client.test.ts): a MongoClient is built without
 * connecting, and its settings read back.
 */
import type { Document, MongoClientOptions } from 'mongodb';

/**
 * Settings every connection of the store uses, over those of the URL (the
 * driver lets options given in code win over the connection string's):
 * - reads from the primary, with read concern `local`: a read right after a
 *   write of this instance sees it (the Store contract's read-your-writes),
 *   where `readPreference=secondaryPreferred` in a URL would send reads to a
 *   secondary that has not applied it yet;
 * - writes acknowledged by a majority and journaled, retried once by the
 *   driver after a failover (`retryWrites`), reads retried too: an
 *   acknowledged deployment survives the loss of the primary.
 * The server must be found in `serverSelectionTimeoutMS` (10 s), so that a
 * wrong URL fails the start clearly instead of after the driver's 30 s.
 */
export const CLIENT_OPTIONS = {
  readPreference: 'primary',
  readConcernLevel: 'local',
  w: 'majority',
  journal: true,
  retryWrites: true,
  retryReads: true,
  serverSelectionTimeoutMS: 10_000,
} as const satisfies MongoClientOptions;

/**
 * Why this server cannot hold SVT's data, or null when it can: a replica
 * set (`setName` in its `hello` answer) or a sharded cluster through
 * `mongos` (`msg: 'isdbgrid'`), both of which run multi-document
 * transactions; a standalone server does not.
 */
export function topologyProblem(hello: Document): string | null {
  if (typeof hello.setName === 'string') return null;
  if (hello.msg === 'isdbgrid') return null;
  return (
    'MongoDB must be a replica set (a single-node one will do) or a sharded cluster ' +
    '(through mongos): SVT writes each deployment in a transaction, which a standalone ' +
    'server cannot run'
  );
}

/**
 * A value made once, on first ask, by `make`. Concurrent asks share one
 * attempt; a failed attempt is not kept, so the next ask makes it again
 * (an index build that failed once, on a primary stepping down, must not
 * fail every later call of the instance).
 */
export class Lazy<T> {
  private attempt: Promise<T> | null = null;

  constructor(private readonly make: () => Promise<T>) {}

  get(): Promise<T> {
    if (this.attempt === null) {
      const attempt: Promise<T> = (async () => this.make())().catch((err: unknown) => {
        if (this.attempt === attempt) this.attempt = null;
        throw err;
      });
      this.attempt = attempt;
    }
    return this.attempt;
  }
}

/**
 * The operations an object has in flight, so that closing it waits for
 * them: MongoClient.close() ends the sessions in use, which aborts their
 * transactions, and closes connections waiting for an answer.
 */
export class Pending {
  private readonly running = new Set<Promise<unknown>>();
  private closing = false;

  /** Whether `drain` was called: new work is refused. */
  get closed(): boolean {
    return this.closing;
  }

  /** Runs `work`, tracked; rejects with "the store is closed" once drain was called. */
  run<T>(work: () => Promise<T>): Promise<T> {
    if (this.closing) return Promise.reject(new Error('the store is closed'));
    const done: Promise<T> = (async () => work())();
    this.running.add(done);
    const forget = (): void => {
      this.running.delete(done);
    };
    done.then(forget, forget);
    return done;
  }

  /** Refuses new work, then waits until everything running has settled (never throws). */
  async drain(): Promise<void> {
    this.closing = true;
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}
