import { describe, expect, it } from '@jest/globals';
import { decodeTime, isValid } from 'ulid';
import { idFactory, pooledCryptoRandom } from '../../server/src/store/ids.js';

describe('deployment ids', () => {
  it('are valid ULIDs, strictly increasing within one millisecond and across them', () => {
    const next = idFactory();
    const ids = Array.from({ length: 5000 }, (_, i) =>
      next(1_780_000_000_000 + Math.floor(i / 1000)),
    );
    expect(ids.every((id) => isValid(id))).toBe(true);
    expect(ids.every((id, i) => i === 0 || id > (ids[i - 1] ?? ''))).toBe(true);
    expect(decodeTime(ids[4999] ?? '')).toBe(1_780_000_000_004);
  });

  it('draw their randomness evenly from the pool, across refills', () => {
    const random = pooledCryptoRandom(64);
    const counts = new Array<number>(32).fill(0);
    for (let i = 0; i < 32_000; i++) {
      const x = random();
      expect(x >= 0 && x < 1).toBe(true);
      counts[Math.floor(x * 32)] = (counts[Math.floor(x * 32)] ?? 0) + 1;
    }
    // 1,000 expected per character; a fair source stays well within 800..1200.
    expect(Math.min(...counts)).toBeGreaterThan(800);
    expect(Math.max(...counts)).toBeLessThan(1200);
  });

  it('differ between two generators started in the same millisecond', () => {
    expect(idFactory()(1_780_000_000_000)).not.toBe(idFactory()(1_780_000_000_000));
  });
});
