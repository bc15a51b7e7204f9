import { describe, expect, it } from '@jest/globals';
import { instantValue, textInput } from '../../server/src/pages/selectors.js';
import { parseInstant } from '../../server/src/validation/rules.js';

describe('instantValue', () => {
  it.each([
    ['2026-11-28T00:00:00.000Z', '2026-11-28'],
    ['2026-11-28T09:30:00.000Z', '2026-11-28T09:30Z'],
    ['2026-11-28T09:30:15.000Z', '2026-11-28T09:30:15Z'],
    ['2026-11-28T09:30:15.120Z', '2026-11-28T09:30:15.120Z'],
    ['2026-11-28T10:30:00+01:00', '2026-11-28T09:30Z'],
  ])('writes %s as %s, which the server reads back as the same instant', (iso, written) => {
    expect(instantValue(iso)).toBe(written);
    expect(parseInstant(written, true)).toBe(Date.parse(iso));
  });

  it('is empty for no instant', () => {
    expect(instantValue(null)).toBe('');
  });
});

describe('textInput', () => {
  const widthOf = (input: Parameters<typeof textInput>[0]) =>
    /class="w-(\d+)"/.exec(textInput(input).text)?.[1];

  it('is as wide as its placeholder or value, whichever is longer, plus the caret', () => {
    expect(widthOf({ id: 'a', name: 'a', value: '', placeholder: 'now' })).toBe('8');
    // 17 characters and the caret: 18, so 20.
    expect(widthOf({ id: 'a', name: 'a', value: '2026-11-28T09:30Z', placeholder: 'now' })).toBe(
      '20',
    );
    // 26 and the caret: 27, so 28.
    expect(
      widthOf({ id: 'a', name: 'a', value: '', placeholder: 'now, or 2026-11-01T12:00Z' }),
    ).toBe('28');
    expect(widthOf({ id: 'a', name: 'a', value: 'x'.repeat(128) })).toBe('40');
  });

  it('escapes what it is given and says only what it is told', () => {
    const text = textInput({ id: 'app', name: 'app', value: '"><b>', required: true }).text;
    expect(text).toContain('value="&quot;&gt;&lt;b&gt;"');
    expect(text).toContain(' required');
    expect(text).not.toContain('placeholder');
    expect(text).not.toContain('aria-describedby');
  });
});
