/**
 * The same contract against MongoDB, where a server is reachable: the
 * project's GitHub workflow sets SVT_TEST_MONGODB_URL to a single-node replica
 * set. Without it every contract test is reported as skipped, never as
 * passed: no MongoDB server can be installed on this project's own machines.
 */
import { MongoStore } from '../../server/src/store/mongo.js';
import { MONGODB_URL, withMongoDB } from '../helpers/mongodb.js';
import { storeContract } from './contract.js';

let n = 0;

storeContract(
  'mongodb',
  // A fresh database per test keeps tests independent.
  async () => new MongoStore(MONGODB_URL, `svt_test_${process.pid}_${n++}`),
  { gate: withMongoDB },
);
