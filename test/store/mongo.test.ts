/**
 * The same contract against MongoDB, where a server is reachable: the
 * project's GitHub workflow sets SVT_TEST_MONGODB_URL to a single-node
 * replica set in the npm test job, and to a three-member one in the job
 * that runs this file alone. Without it every contract test is reported as
 * skipped, never as passed: no MongoDB server can be installed on this
 * project's own machines.
 *
 * The stores connect with a URL that asks for what SVT must not do: reads
 * from secondaries and writes acknowledged by one member. SVT overrides
 * both (store/mongo-client.ts); on the three-member set a read right after
 * a write would otherwise reach a secondary that has not applied it, and
 * the read-your-writes tests of the contract would see it.
 */
import { MongoStore } from '../../server/src/store/mongo.js';
import { MONGODB_URL, withMongoDB } from '../helpers/mongodb.js';
import { storeContract } from './contract.js';

/**
 * The test server's URL with the options SVT must override added (a
 * string: a URL of several hosts is not a WHATWG URL).
 */
function hostileUrl(url: string): string {
  const joint = url.includes('?') ? '&' : url.endsWith('/') ? '?' : '/?';
  return `${url}${joint}readPreference=secondaryPreferred&w=1`;
}

const URL_UNDER_TEST = MONGODB_URL === '' ? '' : hostileUrl(MONGODB_URL);
let n = 0;
// A fresh database per test keeps tests independent.
const database = () => `svt_test_${process.pid}_${n++}`;

storeContract('mongodb', async () => new MongoStore(URL_UNDER_TEST, database()), {
  openPair: async () => {
    const name = database();
    return [new MongoStore(URL_UNDER_TEST, name), new MongoStore(URL_UNDER_TEST, name)];
  },
  gate: withMongoDB,
});
