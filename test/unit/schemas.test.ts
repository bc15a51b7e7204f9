/**
 * The joi schemas and the instant parser under them: years read as written,
 * the plausibility rules of body instants, the pasted `+` of query strings,
 * and the OpenAPI schemas derived from the same rules.
 */
import { describe, expect, it } from '@jest/globals';
import { HttpProblem } from '../../server/src/errors.js';
import { jsonSchemaOf } from '../../server/src/openapi-joi.js';
import { deploymentBody, parseDeployment } from '../../server/src/validation/deployment.js';
import { parseExported } from '../../server/src/validation/exported.js';
import { repairPastedOffset } from '../../server/src/validation/instants.js';
import { ENV_PATTERN, parseInstant } from '../../server/src/validation/rules.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

describe('parseInstant: years 0000-9999 as written', () => {
  it.each([
    ['0099-06-15T00:00:00Z', '0099-06-15T00:00:00.000Z'],
    ['0070-01-01T00:00:00Z', '0070-01-01T00:00:00.000Z'],
    ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00.000Z'],
    ['1969-12-31T23:59:59Z', '1969-12-31T23:59:59.000Z'],
    ['9999-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z'],
    // Year 0 is a leap year (divisible by 400), 1900 is not, 2000 is.
    ['0000-02-29T12:00:00Z', '0000-02-29T12:00:00.000Z'],
    ['2000-02-29T00:00:00Z', '2000-02-29T00:00:00.000Z'],
  ])('reads %s', (text, expected) => {
    expect(iso(parseInstant(text))).toBe(expected);
  });

  it('0000-01-01T00:00:00Z is 719,528 days before 1970: -62,167,219,200,000 ms', () => {
    expect(parseInstant('0000-01-01T00:00:00Z')).toBe(-62_167_219_200_000);
    expect(parseInstant('0099-06-15', true)).toBe(parseInstant('0099-06-15T00:00:00Z'));
  });

  it('reads offsets with or without a colon, lower-case t and z, a space, nine fractional digits', () => {
    expect(iso(parseInstant('2026-11-28T04:00:00-0530'))).toBe('2026-11-28T09:30:00.000Z');
    expect(iso(parseInstant('2026-11-28T04:00:00-05:30'))).toBe('2026-11-28T09:30:00.000Z');
    expect(iso(parseInstant('2026-11-28t09:30:00z'))).toBe('2026-11-28T09:30:00.000Z');
    expect(iso(parseInstant('2026-11-28 09:30:00Z'))).toBe('2026-11-28T09:30:00.000Z');
    expect(iso(parseInstant('2026-11-28T09:30:00.987654321Z'))).toBe('2026-11-28T09:30:00.987Z');
  });

  it.each([
    '1900-02-29T00:00:00Z', // not a leap year
    '2026-02-30T00:00:00Z', // not rolled over into March
    '2026-11-28T10:30:00', // no zone: whose local time?
    '2026-11-28T10:30:00 01:00', // a space is not an offset's sign (outside a query string)
    '2026-11-28T09:30:00.1234567890Z', // ten fractional digits
    '0000-01-01T00:30:00+01:00', // 23:30 the day before year 0000
    '9999-12-31T23:30:00-01:00', // year 10000
    '99-06-15T00:00:00Z',
    '+002026-11-28T09:30:00Z',
  ])('refuses %j', (text) => {
    expect(parseInstant(text, true)).toBeNull();
  });
});

describe("repairPastedOffset: a '+' that a query string decoded to a space", () => {
  it.each([
    ['2026-11-28T10:30:00 01:00', '2026-11-28T10:30:00+01:00'],
    ['2026-11-28T10:30:00 0100', '2026-11-28T10:30:00+0100'],
    ['2026-11-28T10:30 01:00', '2026-11-28T10:30+01:00'],
    ['2026-11-28 10:30:00.5 05:30', '2026-11-28 10:30:00.5+05:30'],
  ])('puts it back in %j', (text, repaired) => {
    expect(repairPastedOffset(text)).toBe(repaired);
  });

  it.each([
    '2026-11-28T10:30:00Z',
    '2026-11-28T10:30:00 1:00', // one-digit hour: not a pasted offset
    '2026-11-28 10:30', // a date and a time, no offset
    '2026-11-28T10:30:00  01:00',
    'yesterday 01:00',
  ])('leaves %j alone', (text) => {
    expect(repairPastedOffset(text)).toBe(text);
  });
});

/** The FieldErrors of a refused body. */
function refusal(body: object, now = Date.parse('2026-11-28T12:00:00Z')) {
  try {
    parseDeployment(body, { versionPattern: null, now, recordedBy: null });
  } catch (err) {
    if (err instanceof HttpProblem) return err.errors;
    throw err;
  }
  throw new Error('accepted');
}

describe('deployment body instants', () => {
  const base = { env: 'prod', app: 'api', version: '1.0.0' };
  const now = Date.parse('2026-11-28T12:00:00Z');

  it('keeps the sent deployedAt, or takes now; neither is clamped', () => {
    const sent = parseDeployment(
      { ...base, deployedAt: '2026-11-28T12:04:59Z', committedAt: '2026-11-28T12:04:59Z' },
      { versionPattern: null, now, recordedBy: 'ci' },
    );
    expect(sent.deployedAt).toBe(Date.parse('2026-11-28T12:04:59Z'));
    expect(sent.committedAt).toBe(Date.parse('2026-11-28T12:04:59Z'));
    expect(sent.recordedBy).toBe('ci');
    const absent = parseDeployment(base, { versionPattern: null, now, recordedBy: null });
    expect(absent.deployedAt).toBe(now);
    expect(absent.committedAt).toBeNull();
  });

  it('holds a commit to its deployment as it takes effect: at receipt when dated ahead', () => {
    // deployedAt 4 min ahead takes effect at receipt (12:00), so a commit may be 12:05 at most.
    const ahead = { ...base, deployedAt: '2026-11-28T12:04:00Z' };
    expect(refusal({ ...ahead, committedAt: '2026-11-28T12:05:01Z' })).toEqual([
      {
        path: 'committedAt',
        message:
          'must be at most 5 minutes after deployedAt as it takes effect, at receipt (2026-11-28T12:00:00.000Z): a commit cannot be made after it was deployed; got "2026-11-28T12:05:01Z"',
      },
    ]);
    expect(
      parseDeployment(
        { ...ahead, committedAt: '2026-11-28T12:05:00Z' },
        { versionPattern: null, now, recordedBy: null },
      ).committedAt,
    ).toBe(Date.parse('2026-11-28T12:05:00Z'));
  });

  it('refuses a year before 2000, naming the field, the value and the floor', () => {
    expect(refusal({ ...base, deployedAt: '0099-06-15T00:00:00Z' })).toEqual([
      {
        path: 'deployedAt',
        message: 'must not be before 2000-01-01T00:00:00Z; got "0099-06-15T00:00:00Z"',
      },
    ]);
    expect(refusal({ ...base, committedAt: '0070-01-01T00:00:00Z' })).toEqual([
      {
        path: 'committedAt',
        message: 'must not be before 2000-01-01T00:00:00Z; got "0070-01-01T00:00:00Z"',
      },
    ]);
    expect(() =>
      parseDeployment(
        { ...base, deployedAt: '2000-01-01T00:00:00Z', committedAt: '1999-12-31T23:00:00-01:00' },
        { versionPattern: null, now, recordedBy: null },
      ),
    ).not.toThrow();
  });

  it('refuses a commit made more than 5 minutes after its deployment', () => {
    expect(
      refusal({ ...base, deployedAt: '2026-11-28T10:00:00Z', committedAt: '2026-11-28T10:05:01Z' }),
    ).toEqual([
      {
        path: 'committedAt',
        message:
          'must be at most 5 minutes after deployedAt (2026-11-28T10:00:00.000Z): a commit cannot be made after it was deployed; got "2026-11-28T10:05:01Z"',
      },
    ]);
    // Without deployedAt, the deployment is the time of receipt.
    const errors = refusal({ ...base, committedAt: '2026-11-28T12:05:01Z' }, now);
    expect(errors).toEqual([
      {
        path: 'committedAt',
        message: expect.stringContaining(
          'after the time of receipt (2026-11-28T12:00:00.000Z; deployedAt was not sent)',
        ),
      },
    ]);
  });

  it('lists every bad field, not only the first', () => {
    const errors = refusal({
      env: 'has space',
      app: 'api',
      version: '1',
      deployedAt: 'yesterday',
      committedAt: '1970-01-01T00:00:00Z',
      url: 'ftp://x',
      extra: 1,
    });
    expect(errors?.map((e) => e.path)).toEqual([
      'env',
      'deployedAt',
      'committedAt',
      'url',
      'extra',
    ]);
    expect(errors?.[1]?.message).toBe(
      'must be an ISO 8601 instant with a zone, such as 2026-11-28T09:30:00Z or 2026-11-28T10:30:00+01:00; got "yesterday"',
    );
  });
});

describe('svt-server import lines', () => {
  const line = (fields: object) =>
    JSON.stringify({
      id: '01KB0000000000000000000000',
      env: 'prod',
      app: 'api',
      version: '1.0.0',
      recordedAt: '1999-01-01T00:05:00.000Z',
      deployedAt: '1999-01-01T00:00:00.000Z',
      ...fields,
    });

  it('takes instants as they were stored: before 2000, a commit after its deployment', () => {
    const item = parseExported(line({ committedAt: '1999-06-01T00:00:00.000Z' }));
    expect(iso(item.input.deployedAt)).toBe('1999-01-01T00:00:00.000Z');
    expect(iso(item.input.committedAt)).toBe('1999-06-01T00:00:00.000Z');
    expect(iso(item.recordedAt)).toBe('1999-01-01T00:05:00.000Z');
  });

  it('reads their years as written, and keeps the 5-minute rule against their own receipt', () => {
    const old = parseExported(
      line({ recordedAt: '0099-06-15T00:00:00Z', deployedAt: '0099-06-15T00:00:00Z' }),
    );
    expect(iso(old.input.deployedAt)).toBe('0099-06-15T00:00:00.000Z');
    expect(() => parseExported(line({ deployedAt: '1999-01-01T00:10:01Z' }))).toThrow(
      'deployedAt: must be at most 5 minutes in the future',
    );
    // Fields a newer release adds to its answers do not stop an import.
    expect(() => parseExported(line({ rollback: false }))).not.toThrow();
  });

  it('refuses text that could not be stored as written: lone surrogates, control characters', () => {
    const item = parseExported(line({ recordedBy: 'ci', idempotencyKey: 'flux:ab12' }));
    expect([item.input.recordedBy, item.idempotencyKey]).toEqual(['ci', 'flux:ab12']);
    // JSON.stringify writes a lone surrogate as the escape \ud800 that an edited line would hold.
    expect(() => parseExported(line({ recordedBy: 'ci\ud800' }))).toThrow(
      'recordedBy: is not valid Unicode',
    );
    expect(() => parseExported(line({ idempotencyKey: '\udfffkey' }))).toThrow(
      'idempotencyKey: is not valid Unicode',
    );
    expect(() => parseExported(line({ idempotencyKey: 'a\u0007b' }))).toThrow(
      'idempotencyKey: must not contain control characters',
    );
    expect(() => parseExported(line({ recordedBy: 'x'.repeat(129) }))).toThrow('recordedBy');
  });
});

describe('OpenAPI request schemas', () => {
  it('come from the same rules as the answers to a bad request', () => {
    const schema = jsonSchemaOf(deploymentBody);
    expect(schema).toMatchObject({
      type: 'object',
      required: ['app', 'env', 'version'],
      additionalProperties: false,
      properties: {
        env: { type: 'string', pattern: ENV_PATTERN.source },
        deployedAt: { type: ['string', 'null'], format: 'date-time' },
        status: { enum: ['success', 'failure', 'started', 'rolled_back', null] },
        attributes: { maxProperties: 20 },
      },
    });
  });
});
