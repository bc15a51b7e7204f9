import { describe, expect, it } from '@jest/globals';
import { parseInstant } from '../../server/src/validation/rules.js';

describe('parseInstant', () => {
  it.each([
    ['2026-11-28T09:30:00Z', '2026-11-28T09:30:00.000Z'],
    ['2026-11-28T09:30Z', '2026-11-28T09:30:00.000Z'],
    ['2026-11-28T10:30:00+01:00', '2026-11-28T09:30:00.000Z'],
    ['2026-11-28T04:00:00-0530', '2026-11-28T09:30:00.000Z'],
    ['2026-11-28T09:30:00.123456789Z', '2026-11-28T09:30:00.123Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
  ])('reads %s', (text, iso) => {
    expect(new Date(parseInstant(text) ?? NaN).toISOString()).toBe(iso);
  });

  it('reads a plain date as 00:00 UTC only where dates are allowed', () => {
    expect(parseInstant('2026-11-28', true)).toBe(Date.parse('2026-11-28T00:00:00Z'));
    expect(parseInstant('2026-11-28')).toBeNull();
  });

  it.each([
    '2026-11-28T09:30:00', // no zone: whose local time?
    '2026-02-29T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-11-31T00:00:00Z',
    '2026-11-28T24:00:00Z',
    '2026-11-28T09:60:00Z',
    '2026-11-28T09:30:00+25:00',
    'yesterday',
    '1732786200',
    '',
  ])('refuses %j', (text) => {
    expect(parseInstant(text, true)).toBeNull();
  });
});
