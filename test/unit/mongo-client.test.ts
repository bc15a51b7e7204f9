/**
 * The MongoDB store's connection settings and lifecycle pieces, without a
 * server: a MongoClient is built (it connects only when used) and its
 * settings read back; the topology check is given the `hello` answers of
 * a replica set, a mongos, a load balancer and a standalone server; the
 * lazy value and the in-flight tracker run with plain promises.
 */
import { describe, expect, it } from '@jest/globals';
import { MongoClient, MongoServerError } from 'mongodb';
import { MongoStore } from '../../server/src/store/mongo.js';
import {
  CLIENT_OPTIONS,
  Lazy,
  Pending,
  topologyProblem,
} from '../../server/src/store/mongo-client.js';
import { keyTakenMeanwhile } from '../../server/src/store/mongo-writes.js';

describe('the connection settings', () => {
  it('read from the primary and write to a majority, whatever the URL asks', () => {
    const url =
      'mongodb://h1:27017,h2:27017,h3:27017/?replicaSet=rs0&readPreference=secondaryPreferred' +
      '&readConcernLevel=available&w=1&journal=false&retryWrites=false&retryReads=false' +
      '&serverSelectionTimeoutMS=99';
    const client = new MongoClient(url, CLIENT_OPTIONS);
    const collection = client.db('svt').collection('deployments');
    for (const holder of [client, collection]) {
      expect(holder.readPreference?.mode).toBe('primary');
      expect(holder.readConcern?.level).toBe('local');
      expect(holder.writeConcern).toMatchObject({ w: 'majority', journal: true });
    }
    expect(client.options).toMatchObject({
      retryWrites: true,
      retryReads: true,
      serverSelectionTimeoutMS: 10_000,
    });
  });

  it('read from the primary when the URL asks for tagged secondaries (tags go unused)', () => {
    const client = new MongoClient(
      'mongodb://h1/?readPreference=secondary&readPreferenceTags=dc:ny',
      CLIENT_OPTIONS,
    );
    expect(client.readPreference.mode).toBe('primary');
  });

  it('keep what the URL says about what SVT does not decide (credentials, TLS, timeouts)', () => {
    const client = new MongoClient(
      'mongodb://u:p@h1/?tls=true&wtimeoutMS=5000&appName=svt-eu&authSource=admin',
      CLIENT_OPTIONS,
    );
    expect(client.options).toMatchObject({ tls: true, appName: 'svt-eu' });
    expect(client.writeConcern).toMatchObject({ w: 'majority', wtimeoutMS: 5000 });
  });

  it('refuse, naming the setting, a URL whose read settings only fit reads from secondaries', async () => {
    // The driver refuses maxStalenessSeconds with primary reads: proof that
    // the store builds its client with primary reads over the URL's.
    const store = new MongoStore(
      'mongodb://h1/?readPreference=secondary&maxStalenessSeconds=120',
      'x',
    );
    await expect(store.open()).rejects.toThrow(
      'SVT_MONGODB_URL: Primary read preference cannot be combined with maxStalenessSeconds ' +
        '(SVT reads from the primary: leave read preference settings out of the URL)',
    );
    await store.close();
  });
});

describe('the topology check', () => {
  it('accepts a replica set, and a sharded cluster through mongos or a load balancer', () => {
    expect(topologyProblem({ isWritablePrimary: true, setName: 'rs0', hosts: ['h1:27017'] })).toBe(
      null,
    );
    expect(topologyProblem({ isWritablePrimary: true, msg: 'isdbgrid', maxWireVersion: 25 })).toBe(
      null,
    );
    expect(topologyProblem({ isWritablePrimary: true, msg: 'isdbgrid', serviceId: 'x' })).toBe(
      null,
    );
  });

  it('refuses a standalone server, which cannot run transactions, and says what to do', () => {
    expect(topologyProblem({ isWritablePrimary: true, maxWireVersion: 25 })).toBe(
      'MongoDB must be a replica set (a single-node one will do) or a sharded cluster ' +
        '(through mongos): SVT writes each deployment in a transaction, which a standalone ' +
        'server cannot run',
    );
  });
});

describe('a lazy value', () => {
  it('is made once for concurrent asks, and kept once made', async () => {
    let made = 0;
    const lazy = new Lazy(async () => {
      made += 1;
      return 'indexes';
    });
    expect(await Promise.all([lazy.get(), lazy.get(), lazy.get()])).toEqual([
      'indexes',
      'indexes',
      'indexes',
    ]);
    expect(await lazy.get()).toBe('indexes');
    expect(made).toBe(1);
  });

  it('forgets a failure: the next ask makes it again', async () => {
    let attempts = 0;
    const lazy = new Lazy(async () => {
      attempts += 1;
      if (attempts === 1) throw new Error('not primary');
      return 'indexes';
    });
    await expect(lazy.get()).rejects.toThrow('not primary');
    expect(await lazy.get()).toBe('indexes');
    expect(attempts).toBe(2);
  });

  it('turns a maker that throws at once into a rejection, and forgets it too', async () => {
    let attempts = 0;
    const lazy = new Lazy<string>(() => {
      attempts += 1;
      if (attempts === 1) throw new Error('sync');
      return Promise.resolve('ok');
    });
    await expect(lazy.get()).rejects.toThrow('sync');
    expect(await lazy.get()).toBe('ok');
  });
});

describe('the in-flight tracker', () => {
  it('waits for the work in flight, failed or not, then refuses more', async () => {
    const pending = new Pending();
    const finished: string[] = [];
    const slow = (name: string, ms: number, fail = false) =>
      pending.run(
        () =>
          new Promise<string>((resolve, reject) =>
            setTimeout(() => {
              finished.push(name);
              if (fail) reject(new Error(name));
              else resolve(name);
            }, ms),
          ),
      );
    const writes = [slow('a', 30), slow('b', 10, true), slow('c', 50)];
    await pending.drain();
    expect(finished.sort()).toEqual(['a', 'b', 'c']);
    expect(pending.closed).toBe(true);
    expect(await Promise.allSettled(writes)).toMatchObject([
      { status: 'fulfilled', value: 'a' },
      { status: 'rejected' },
      { status: 'fulfilled', value: 'c' },
    ]);
    await expect(pending.run(async () => 'late')).rejects.toThrow('the store is closed');
    await expect(pending.drain()).resolves.toBeUndefined();
  });
});

describe('a write conflict on a claimed key', () => {
  // Errors as the driver builds them from the server's answers.
  const answer = (code: number, codeName: string, labels: string[] = []) =>
    new MongoServerError({ ok: 0, code, codeName, errmsg: codeName, errorLabels: labels });

  it('is another instance holding the key: a write conflict or, once committed, a duplicate', () => {
    expect(keyTakenMeanwhile(answer(112, 'WriteConflict', ['TransientTransactionError']))).toBe(
      true,
    );
    expect(keyTakenMeanwhile(answer(11000, 'DuplicateKey'))).toBe(true);
    expect(keyTakenMeanwhile(answer(50, 'MaxTimeMSExpired'))).toBe(false);
    expect(keyTakenMeanwhile(new Error('WriteConflict'))).toBe(false);
  });
});
