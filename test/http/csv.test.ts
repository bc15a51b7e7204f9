import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { csvCell } from '../../server/src/csv.js';
import { testApp, type TestApp } from '../helpers/app.js';
import { MINUTE, T0, newDeployment } from '../helpers/deployments.js';
import { removeTempDirs } from '../helpers/tmp.js';

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
  await t.store.record(
    newDeployment({
      env: 'prod',
      app: '=HYPERLINK("http://evil")',
      version: '-1+1',
      actor: '@SUM(A1)',
      attributes: { note: 'a "quoted", b' },
    }),
  );
  for (let i = 0; i < 130; i++) {
    await t.store.record(
      newDeployment({
        env: 'qa',
        app: `app-${i}`,
        version: `1.0.${i}`,
        deployedAt: T0 + i * MINUTE,
      }),
    );
  }
});
afterAll(async () => {
  await t.store.close();
  removeTempDirs();
});

const lines = (text: string) => text.split('\r\n').filter((l) => l !== '');

describe('CSV', () => {
  it('neutralises what a spreadsheet would run as a formula, and quotes every cell', () => {
    expect(csvCell('=1+1')).toBe(`"'=1+1"`);
    expect(csvCell('+1')).toBe(`"'+1"`);
    expect(csvCell('-1')).toBe(`"'-1"`);
    expect(csvCell('@x')).toBe(`"'@x"`);
    expect(csvCell('\tx')).toBe(`"'\tx"`);
    // Spaces first, which a spreadsheet may skip; a line feed or NUL first.
    expect(csvCell('  =1+1')).toBe(`"'  =1+1"`);
    expect(csvCell('\u00a0@SUM(A1)')).toBe(`"'\u00a0@SUM(A1)"`);
    expect(csvCell('\nx')).toBe(`"'\nx"`);
    expect(csvCell('\0x')).toBe(`"'\0x"`);
    expect(csvCell('a=1')).toBe('"a=1"');
    expect(csvCell('a "b", c')).toBe('"a ""b"", c"');
    expect(csvCell(null)).toBe('""');
    expect(csvCell('1.2.3')).toBe('"1.2.3"');
  });

  it("an environment's table, as it is or at an instant", async () => {
    const res = await request(t.callback).get('/api/v1/environments/prod?format=csv').expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="svt-prod.csv"');
    const [header, row] = lines(res.text);
    expect(header).toMatch(
      /^"env","app","version","status","rollback","deployedAt",.*"attributes","repository"$/,
    );
    expect(row).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(row).toContain(`"'-1+1"`);
    expect(row).toContain(`"'@SUM(A1)"`);
    expect(row).toContain('"{""note"":""a \\""quoted\\"", b""}"');
    const past = await request(t.callback)
      .get(`/api/v1/environments/qa?at=${new Date(T0 + 9 * MINUTE).toISOString()}&format=csv`)
      .expect(200);
    expect(lines(past.text)).toHaveLength(11);
  });

  it('a history query, every matching row across pages, streamed', async () => {
    const res = await request(t.callback).get('/api/v1/deployments?env=qa&format=csv').expect(200);
    const rows = lines(res.text);
    expect(rows).toHaveLength(131);
    expect(rows[1]).toContain('"app-129"');
    expect(rows[130]).toContain('"app-0"');
    const window = await request(t.callback)
      .get(`/api/v1/changes?env=qa&since=${new Date(T0 + 120 * MINUTE).toISOString()}&format=csv`)
      .expect(200);
    expect(lines(window.text)).toHaveLength(11);
    await request(t.callback).get('/api/v1/deployments?format=xml').expect(400);
    await request(t.callback).get('/api/v1/environments/prod?format=pdf').expect(400);
  });
});
