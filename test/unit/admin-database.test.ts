/**
 * How an admin command names its database: a SQLite file as an absolute
 * path, a MongoDB URL with every secret the driver knows of masked.
 */
import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { describeDatabase, refusedDatabase } from '../../server/src/admin-database.js';
import { parseConfig } from '../../server/src/config.js';

describe('describeDatabase', () => {
  it('names a SQLite file by its absolute path, relative ones against the working directory', async () => {
    expect(await describeDatabase(parseConfig({}))).toBe(
      `SQLite database ${join(process.cwd(), 'data', 'svt.db')}`,
    );
    expect(await describeDatabase(parseConfig({ SVT_DB: '/var/lib/svt/../svt/svt.db' }))).toBe(
      'SQLite database /var/lib/svt/svt.db',
    );
  });

  it.each([
    [
      'mongodb://alice:s3cr%40t@db1:27017,db2:27017/?replicaSet=rs0',
      'mongodb://alice:****@db1:27017,db2:27017/?replicaSet=rs0',
    ],
    ['mongodb://db1,db2/?replicaSet=rs0', 'mongodb://db1,db2/?replicaSet=rs0'],
    // A user without a password: nothing to hide.
    [
      'mongodb://alice@db1/?authMechanism=MONGODB-X509',
      'mongodb://alice@db1/?authMechanism=MONGODB-X509',
    ],
    [
      'mongodb+srv://bob:hunter2@cluster0.example.net/app?tlsCertificateKeyFilePassword=pem-pass',
      'mongodb+srv://bob:****@cluster0.example.net/app?tlsCertificateKeyFilePassword=****',
    ],
    [
      'mongodb://h/?authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:tok123',
      'mongodb://h/?authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN%3A****',
    ],
    // Not a valid URL for the driver (an unescaped "/" in the password): still masked.
    ['mongodb://carol:pa/ss@db1/', 'mongodb://carol:****@db1/'],
  ])('masks the secrets of %s', async (url, shown) => {
    const config = parseConfig({ SVT_MONGODB_URL: url, SVT_MONGODB_DB: 'tracker' });
    expect(await describeDatabase(config)).toBe(`MongoDB database tracker at ${shown}`);
  });
});

describe('refusedDatabase', () => {
  it('never refuses MongoDB: there is no file to check', () => {
    const config = parseConfig({ SVT_MONGODB_URL: 'mongodb://db1/' });
    expect(refusedDatabase(config, null)).toBeNull();
    expect(refusedDatabase(config, false)).toBeNull();
  });

  it('refuses a missing file unless the command may create one', () => {
    const config = parseConfig({ SVT_DB: '/nonexistent/svt.db' });
    expect(refusedDatabase(config, true)).toBeNull();
    expect(refusedDatabase(config, false)).toBe(
      'no database at /nonexistent/svt.db (SVT_DB). Only the server (svt-server with no command, npm start) ' +
        "creates its database: set SVT_DB to the server's file, or pass --create-db to create a new, empty one there",
    );
  });
});
