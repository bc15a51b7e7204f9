/**
 * The bytes of an environment's state at an instant, written by a reader
 * thread into shared memory the HTTP thread sends as it is.
 *
 * Why: such a state is about 600 KB for 1,000 apps. Sent as strings, it
 * made the HTTP thread allocate 292 KB of V8 heap per answer (V8's sampling
 * heap profiler, collected objects included), most of it the attempts
 * parsed and serialized again, and at 150 answers a second V8 grew its
 * young generation to the most it may. After an idle spell (its memory
 * reducer lowers the old generation's limit), that kept a full collection
 * running every 100 ms, 2-10 ms each: a p99 of 19-30 ms at 2.6 million
 * deployments. Here the HTTP thread allocates 128 KB per answer (the
 * request's own), the deployments' bytes are written into a few
 * SharedArrayBuffers over and over, and the attempts cross as one text
 * passed on as it is: p99 10-12 ms (4 rounds each, alternating, 2026-11-30).
 *
 * A buffer is at any time in exactly one of three places: spare (here),
 * lent to one reader job, or held by one answer until it is released.
 */

import type { Deployment } from '@svt/client';
import type { EnvironmentSnapshot } from './types.js';

/**
 * UTF-8 bytes from offset 0 of a shared buffer, written by a reader thread:
 * of `buffer`, or of the buffer lent to the job when `buffer` is null. (A
 * SharedArrayBuffer that crosses threads arrives as another object over the
 * same memory, so the lent one cannot be recognized by identity on its way
 * back: it is not sent back.)
 */
export interface SharedBytes {
  buffer: SharedArrayBuffer | null;
  bytes: number;
}

/** Bytes of an answer and the way to give them back once they are sent. */
export interface HeldBytes {
  bytes: Buffer;
  /**
   * Gives the buffer back for reuse: call it once nothing reads `bytes`
   * any more (after the response has closed). Calling it again does nothing.
   */
  release: () => void;
}

/**
 * A state at an instant as a reader thread answered it: its current
 * deployments on loan in shared memory, its attempts as their own text,
 * parsed only when asked for (an API answer passes the text on).
 */
export class HeldSnapshot implements EnvironmentSnapshot {
  private parsed: Deployment[] | null = null;

  constructor(
    readonly currentJson: Buffer,
    readonly attemptsJson: string,
    readonly release: () => void,
  ) {}

  get attempts(): Deployment[] {
    this.parsed ??= JSON.parse(this.attemptsJson) as Deployment[];
    return this.parsed;
  }
}

/** The smallest shared buffer allocated, in bytes. */
const MIN_BYTES = 64 * 1024;
/** Spare buffers kept at most, and the largest one kept (bytes). */
const MAX_SPARE = 4;
const MAX_KEPT_BYTES = 16 * 1024 * 1024;

/** Bytes of the JSON array of `texts`: brackets, commas and each text in UTF-8. */
export function jsonArrayLength(texts: readonly string[]): number {
  let bytes = 2 + Math.max(0, texts.length - 1);
  for (const text of texts) bytes += Buffer.byteLength(text);
  return bytes;
}

/** Writes the JSON array of `texts` into `out` (exactly jsonArrayLength bytes long). */
export function writeJsonArray(texts: readonly string[], out: Buffer): Buffer {
  let at = out.write('[');
  texts.forEach((text, i) => {
    if (i > 0) at += out.write(',', at);
    at += out.write(text, at);
  });
  out.write(']', at);
  return out;
}

/**
 * The JSON array of `texts` in shared memory (a reader thread's side): in
 * `lent` when it is large enough (answered as `buffer: null`), else in a new
 * buffer of the next power of two (64 KiB at least), so that it fits the
 * next answers too.
 */
export function sharedJsonArray(
  texts: readonly string[],
  lent: SharedArrayBuffer | undefined,
): SharedBytes {
  const bytes = jsonArrayLength(texts);
  const fits = lent !== undefined && lent.byteLength >= bytes;
  const target = fits
    ? lent
    : new SharedArrayBuffer(Math.max(MIN_BYTES, 2 ** Math.ceil(Math.log2(bytes))));
  writeJsonArray(texts, Buffer.from(target, 0, bytes));
  return { buffer: fits ? null : target, bytes };
}

/**
 * The HTTP thread's side: buffers lent to reader jobs and held by answers.
 * An answer dropped without release gives its buffer back when its view is
 * collected (a FinalizationRegistry): a forgotten release costs memory for
 * a while, never bytes overwritten under a reader.
 */
export class SharedAnswers {
  private spare: SharedArrayBuffer[] = [];
  /**
   * Who has each buffer that is not spare: LENT (a job), or the token of
   * one answer. Only that holder can give it back, and only once: a release
   * that comes after the collector gave the buffer back does nothing, even
   * when the buffer is lent again by then.
   */
  private readonly out = new Map<SharedArrayBuffer, object>();
  private readonly collected = new FinalizationRegistry<{
    buffer: SharedArrayBuffer;
    holder: object;
  }>(({ buffer, holder }) => this.giveBack(buffer, holder));

  /** Capacity of the largest buffer an answer was held in (bytes). */
  private largest = MIN_BYTES;

  /**
   * A buffer for one job to write into: the largest spare one, else a new
   * one as large as the largest answer so far (16 MiB at most). New ones
   * are allocated here, on the HTTP thread, so that V8 counts them in its
   * external memory: buffers held by answers dropped unreleased then bring
   * on the collection that gives them back. (Allocated in a reader thread,
   * they counted there, and 1 MiB buffers of answers whose clients had hung
   * up piled up to gigabytes between the HTTP thread's full collections.)
   */
  lend(): SharedArrayBuffer {
    const buffer =
      this.spare.pop() ?? new SharedArrayBuffer(Math.min(this.largest, MAX_KEPT_BYTES));
    this.out.set(buffer, LENT);
    return buffer;
  }

  /** A lent buffer the job did not answer in (it failed, found nothing, or needed a larger one). */
  unlend(buffer: SharedArrayBuffer | undefined): void {
    if (buffer !== undefined) this.giveBack(buffer, LENT);
  }

  /**
   * What a job answered, held until released. `lent` is what lend gave the
   * job: when the job wrote into a new buffer instead, it is given back here.
   * Throws when the answer is in a lent buffer and none was lent.
   */
  hold(answer: SharedBytes, lent: SharedArrayBuffer | undefined): HeldBytes {
    const buffer = answer.buffer ?? lent;
    if (buffer === undefined) throw new Error('a reader answered in a buffer it was not lent');
    if (answer.buffer !== null) this.unlend(lent);
    this.largest = Math.max(this.largest, buffer.byteLength);
    const holder = {};
    this.out.set(buffer, holder);
    const bytes = Buffer.from(buffer, 0, answer.bytes);
    this.collected.register(bytes, { buffer, holder }, holder);
    const release = (): void => {
      this.collected.unregister(holder);
      this.giveBack(buffer, holder);
    };
    return { bytes, release };
  }

  /** Buffers lent to jobs or held by answers now. */
  get outstanding(): number {
    return this.out.size;
  }

  /** Spare buffers and their bytes. */
  get spareBytes(): { buffers: number; bytes: number } {
    return {
      buffers: this.spare.length,
      bytes: this.spare.reduce((sum, b) => sum + b.byteLength, 0),
    };
  }

  private giveBack(buffer: SharedArrayBuffer, holder: object): void {
    if (this.out.get(buffer) !== holder) return;
    this.out.delete(buffer);
    if (buffer.byteLength > MAX_KEPT_BYTES) return;
    this.spare.push(buffer);
    // Ascending, so that lend gives the largest; the smallest go first.
    this.spare.sort((a, b) => a.byteLength - b.byteLength);
    if (this.spare.length > MAX_SPARE) this.spare.shift();
  }
}

/** The holder of a buffer lent to a job. */
const LENT = Object.freeze({});
