/**
 * MongoDB for the tests, where SVT_TEST_MONGODB_URL points at one (the
 * GitHub workflow's replica set). No MongoDB server can be installed on this
 * project's own machines: there every MongoDB test is reported as skipped,
 * under one group, never as passed.
 */
import { skipUnless } from './skip.js';

/** The server's URL, or '' where there is none. */
export const MONGODB_URL = process.env.SVT_TEST_MONGODB_URL ?? '';

/** `describe` and `test` for what needs MongoDB. */
export const withMongoDB = skipUnless(
  MONGODB_URL !== '',
  'MongoDB store suite and tests',
  'SVT_TEST_MONGODB_URL unset',
);
