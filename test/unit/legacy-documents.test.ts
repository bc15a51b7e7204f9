/**
 * A seed document read by the MongoDB driver (ObjectId, Date) becomes the
 * same deployment, with the same id, as the same document in a mongoexport
 * file: importing both ways, or one after the other, adds it once.
 */
import { expect, test } from '@jest/globals';
import { ObjectId } from 'mongodb';
import { asExtendedJson, legacyItem } from '../../server/src/legacy-import.js';

test('driver documents and mongoexport text give identical import items', async () => {
  const exported = JSON.parse(
    '{"_id":{"$oid":"5f5f1e9a1c9d440000a1b2c4"},"name":"api","version":"1.2.3","date":{"$date":"2020-09-15T08:30:00.000Z"},"team":"payments","replicas":3}',
  ) as unknown;
  async function* driver() {
    yield {
      _id: new ObjectId('5f5f1e9a1c9d440000a1b2c4'),
      name: 'api',
      version: '1.2.3',
      date: new Date('2020-09-15T08:30:00.000Z'),
      team: 'payments',
      replicas: 3,
    };
  }
  const read: unknown[] = [];
  for await (const doc of asExtendedJson(driver())) read.push(doc);
  expect(read).toHaveLength(1);
  const fromDriver = legacyItem('dev', read[0]);
  expect(fromDriver).toEqual(legacyItem('dev', exported));
  expect(fromDriver.input).toMatchObject({
    env: 'dev',
    app: 'api',
    deployedAt: Date.parse('2020-09-15T08:30:00Z'),
    attributes: { team: 'payments', replicas: 3 },
  });
});
