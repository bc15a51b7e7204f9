/**
 * The shared memory a reader thread writes a state at an instant into
 * (sqlite-shared-bytes.ts): the bytes are the JSON array, a buffer is reused
 * when it is large enough, and a buffer is never handed to two holders at
 * once, whatever order releases come in.
 */
import { describe, expect, it } from '@jest/globals';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  SharedAnswers,
  sharedJsonArray,
  type SharedBytes,
} from '../../server/src/store/sqlite-shared-bytes.js';

const text = ({ buffer, bytes }: SharedBytes, lent?: SharedArrayBuffer): string =>
  Buffer.from((buffer ?? lent) as SharedArrayBuffer, 0, bytes).toString('utf8');

describe('sharedJsonArray', () => {
  it('writes the UTF-8 bytes of one JSON array into a new buffer of 64 KiB at least', () => {
    // "[" 1, '{"a":"é😀"}' 8 + 2 + 4 = 14, "," 1, "2" 1, "," 1, '"x"' 3, "]" 1 = 22 bytes.
    const answer = sharedJsonArray(['{"a":"é😀"}', '2', '"x"'], undefined);
    expect(answer.bytes).toBe(22);
    expect(answer.buffer?.byteLength).toBe(64 * 1024);
    expect(JSON.parse(text(answer))).toEqual([{ a: 'é😀' }, 2, 'x']);
    expect(text(sharedJsonArray([], undefined))).toBe('[]');
  });

  it('writes into the spare buffer when it is large enough, else into the next power of two', () => {
    const spare = new SharedArrayBuffer(64 * 1024);
    // In the spare, which is not sent back: across threads it would arrive as another object.
    const small = sharedJsonArray(['1', '2'], spare);
    expect(small).toEqual({ buffer: null, bytes: 5 });
    expect(text(small, spare)).toBe('[1,2]');
    // 70,000 "a" in quotes, in brackets: 70,004 bytes, more than 64 KiB (65,536): 128 KiB.
    const large = sharedJsonArray([`"${'a'.repeat(70_000)}"`], spare);
    expect(large.bytes).toBe(70_004);
    expect(large.buffer).not.toBe(spare);
    expect(large.buffer?.byteLength).toBe(128 * 1024);
  });
});

describe('SharedAnswers', () => {
  const answerIn = (buffer: SharedArrayBuffer): SharedBytes => ({ buffer, bytes: 2 });

  it('lends a new buffer as large as the largest answer so far, else the released one', () => {
    const answers = new SharedAnswers();
    const first = answers.lend();
    expect(first.byteLength).toBe(64 * 1024);
    answers.unlend(first);
    expect(answers.lend()).toBe(first);
    // An answer in a larger buffer (the job needed one): new ones are that large.
    const buffer = new SharedArrayBuffer(256 * 1024);
    const held = answers.hold(answerIn(buffer), first);
    expect(held.bytes.length).toBe(2);
    expect(answers.spareBytes).toEqual({ buffers: 1, bytes: 64 * 1024 });
    held.release();
    expect(answers.spareBytes).toEqual({ buffers: 2, bytes: 320 * 1024 });
    expect(answers.lend()).toBe(buffer);
    expect(answers.lend()).toBe(first);
    expect(answers.lend().byteLength).toBe(256 * 1024);
  });

  it('an answer in the lent buffer holds that buffer; none lent is an error', () => {
    const answers = new SharedAnswers();
    const lent = answers.lend();
    const held = answers.hold({ buffer: null, bytes: 2 }, lent);
    expect(held.bytes.buffer).toBe(lent);
    expect(answers.spareBytes.buffers).toBe(0);
    held.release();
    expect(answers.lend()).toBe(lent);
    expect(() => answers.hold({ buffer: null, bytes: 2 }, undefined)).toThrow(
      'a reader answered in a buffer it was not lent',
    );
  });

  it('a release called twice, or after its buffer was lent again, gives nothing back', () => {
    const answers = new SharedAnswers();
    const buffer = new SharedArrayBuffer(64 * 1024);
    const first = answers.hold(answerIn(buffer), undefined);
    first.release();
    first.release();
    expect(answers.spareBytes.buffers).toBe(1);
    // Lent to the next job: the first holder's late release must not make it spare again,
    // or two jobs would write into it at once.
    expect(answers.lend()).toBe(buffer);
    first.release();
    expect(answers.spareBytes.buffers).toBe(0);
    expect(answers.lend()).not.toBe(buffer);
  });

  it('a lent buffer the job did not answer in comes back, once', () => {
    const answers = new SharedAnswers();
    const lent = answers.lend();
    // The job needed a larger buffer: the lent one is spare again when the answer is held.
    const larger = new SharedArrayBuffer(256 * 1024);
    const held = answers.hold(answerIn(larger), lent);
    expect(answers.spareBytes).toEqual({ buffers: 1, bytes: 64 * 1024 });
    answers.unlend(lent);
    expect(answers.spareBytes.buffers).toBe(1);
    held.release();
    // Largest first.
    expect(answers.lend()).toBe(larger);
    expect(answers.lend()).toBe(lent);
  });

  it('keeps four spare buffers at most, the largest, and none over 16 MiB', () => {
    const answers = new SharedAnswers();
    for (const kib of [64, 128, 256, 512, 1024, 32 * 1024]) {
      answers.hold(answerIn(new SharedArrayBuffer(kib * 1024)), undefined).release();
    }
    expect(answers.spareBytes).toEqual({ buffers: 4, bytes: (128 + 256 + 512 + 1024) * 1024 });
  });

  it('an answer dropped without release gives its buffer back once its bytes are collected', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const answers = new SharedAnswers();
    (() => {
      answers.hold(answerIn(new SharedArrayBuffer(64 * 1024)), undefined);
    })();
    for (let i = 0; i < 50 && answers.spareBytes.buffers === 0; i++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(answers.spareBytes.buffers).toBe(1);
  });
});
