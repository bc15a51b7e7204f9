/**
 * The HTTP thread's side of the SQLite writer thread: it starts the thread
 * on the first write, sends the writes of one event-loop turn as one
 * message, and settles each caller's promise when the thread reports its
 * transaction committed. The writes gathered while a transaction commits
 * go to the thread as soon as its answer comes, before the answered
 * requests are replied to: the thread starts the next transaction at once
 * instead of waiting for the end of this thread's turn (about 3% more
 * deployments a second under `npm run bench`'s load).
 */
import { Worker } from 'node:worker_threads';
import type { Deployment } from '@svt/client';
import { idempotencyMismatch } from './shared.js';
import type { WriteOutcome, WriteRequest, WrittenText } from './sqlite-writer.js';
import type { OutboxOp, OutboxResults, WriterMessage } from './sqlite-writer-thread.js';
import type { IdempotencyClaim, NewDeployment, RecordResult } from './types.js';

type FromWriter =
  | { outcomes: WriteOutcome[] }
  | { failed: number[]; message: string }
  | { pruned: number; deleted: number }
  | { pruneFailed: number; message: string }
  | { outboxDone: number; value: OutboxResults[OutboxOp['op']] }
  | { outboxFailed: number; message: string };

interface Waiter<T = RecordResult> {
  resolve: (result: T) => void;
  reject: (err: unknown) => void;
}

type PruneWaiter = Waiter<number>;

const parse = (doc: string): Deployment => JSON.parse(doc) as Deployment;

/** A RecordResult over the writer's JSON texts: each object is parsed only when asked for. */
interface Parsed {
  deployment: Deployment;
  previous: Deployment | null;
  currentDeployment: Deployment | null;
}

class TextRecordResult implements RecordResult {
  private parsed: Parsed | null = null;

  constructor(private readonly text: WrittenText) {}

  private objects(): Parsed {
    const { deployment, previous, currentDeployment } = this.text;
    this.parsed ??= {
      deployment: parse(deployment),
      previous: previous === null ? null : parse(previous),
      currentDeployment: currentDeployment === null ? null : parse(currentDeployment),
    };
    return this.parsed;
  }

  get current(): boolean {
    return this.text.current;
  }

  get currentDeployment(): Deployment | null {
    return this.objects().currentDeployment;
  }

  get deployment(): Deployment {
    return this.objects().deployment;
  }

  get previous(): Deployment | null {
    return this.objects().previous;
  }

  get firstInEnv(): boolean {
    return this.text.firstInEnv;
  }

  get replayed(): boolean {
    return this.text.replayed;
  }

  get responseJson(): string {
    const { deployment, previous, current, currentDeployment } = this.text;
    const instead = current ? '' : `,"currentDeployment":${currentDeployment ?? 'null'}`;
    return `{"deployment":${deployment},"previous":${previous ?? 'null'},"current":${current}${instead}}`;
  }
}

export class WriterClient {
  private worker: Worker | null = null;
  private exited: Promise<void> | null = null;
  private readonly waiting = new Map<number, Waiter>();
  private readonly pruning = new Map<number, PruneWaiter>();
  private readonly changing = new Map<number, Waiter<OutboxResults[OutboxOp['op']]>>();
  private pendingWrites: WriteRequest[] = [];
  private sendScheduled = false;
  private counter = 0;

  /** @param path the database file, already migrated */
  constructor(private readonly path: string) {}

  record(
    input: NewDeployment,
    claim: IdempotencyClaim | undefined,
    hooks: readonly string[],
  ): Promise<RecordResult> {
    return new Promise((resolve, reject) => {
      const n = ++this.counter;
      this.waiting.set(n, { resolve, reject });
      this.pendingWrites.push({ n, input, claim, hooks });
      if (!this.sendScheduled) {
        this.sendScheduled = true;
        setImmediate(() => this.send());
      }
    });
  }

  /**
   * Retention (Store.prune) in the writer thread, in slices between which
   * the writes that arrive meanwhile are written: resolves with how many
   * deployments were deleted.
   */
  prune(before: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const n = ++this.counter;
      this.pruning.set(n, { resolve, reject });
      const worker = this.start();
      worker.ref();
      worker.postMessage({ prune: { n, before } } satisfies WriterMessage);
    });
  }

  /**
   * A change to the webhook outbox (sqlite-outbox.ts) in the writer thread,
   * in a transaction of its own between two batches of writes.
   */
  changeOutbox<K extends OutboxOp['op']>(
    change: Extract<OutboxOp, { op: K }>,
  ): Promise<OutboxResults[K]> {
    return new Promise((resolve, reject) => {
      const n = ++this.counter;
      this.changing.set(n, {
        resolve: (value) => resolve(value as OutboxResults[K]),
        reject,
      });
      const worker = this.start();
      worker.ref();
      worker.postMessage({ outbox: { n, change } } satisfies WriterMessage);
    });
  }

  /** Waits for every write already asked for, then stops the thread. */
  async close(): Promise<void> {
    this.send();
    if (this.worker !== null) {
      this.worker.ref();
      this.worker.postMessage({ close: true } satisfies WriterMessage);
      await this.exited;
    }
  }

  private start(): Worker {
    if (this.worker !== null) return this.worker;
    const worker = new Worker(new URL('./sqlite-writer-thread.js', import.meta.url), {
      workerData: { path: this.path },
    });
    worker.on('message', (message: FromWriter) => this.onMessage(message));
    worker.on('error', (err) => this.failAll(err));
    this.exited = new Promise((resolve) => {
      worker.once('exit', () => {
        this.failAll(new Error('the SQLite writer stopped'));
        this.worker = null;
        resolve();
      });
    });
    this.worker = worker;
    return worker;
  }

  /** Sends this turn's writes to the writer as one message. */
  private send(): void {
    this.sendScheduled = false;
    if (this.pendingWrites.length === 0) return;
    const worker = this.start();
    worker.ref();
    const message: WriterMessage = { write: this.pendingWrites };
    this.pendingWrites = [];
    worker.postMessage(message);
  }

  private onMessage(message: FromWriter): void {
    if ('outcomes' in message) {
      this.send(); // the writer is free: what waits goes now (see above)
      for (const outcome of message.outcomes) {
        const waiter = this.waiting.get(outcome.n);
        this.waiting.delete(outcome.n);
        if (outcome.ok) waiter?.resolve(new TextRecordResult(outcome.written));
        else waiter?.reject(idempotencyMismatch(outcome.reusedKey));
      }
    } else if ('pruned' in message) {
      this.pruning.get(message.pruned)?.resolve(message.deleted);
      this.pruning.delete(message.pruned);
    } else if ('pruneFailed' in message) {
      this.pruning
        .get(message.pruneFailed)
        ?.reject(new Error(`pruning failed: ${message.message}`));
      this.pruning.delete(message.pruneFailed);
    } else if ('outboxDone' in message) {
      this.changing.get(message.outboxDone)?.resolve(message.value);
      this.changing.delete(message.outboxDone);
    } else if ('outboxFailed' in message) {
      this.changing
        .get(message.outboxFailed)
        ?.reject(new Error(`SQLite outbox change failed: ${message.message}`));
      this.changing.delete(message.outboxFailed);
    } else if ('failed' in message) {
      this.send();
      for (const n of message.failed) {
        this.waiting.get(n)?.reject(new Error(`SQLite write failed: ${message.message}`));
        this.waiting.delete(n);
      }
    }
    // An idle writer must not keep the process alive; a busy one must.
    if (this.waiting.size === 0 && this.pruning.size === 0 && this.changing.size === 0) {
      this.worker?.unref();
    }
  }

  private failAll(err: unknown): void {
    const all = [...this.waiting.values(), ...this.pruning.values(), ...this.changing.values()];
    for (const waiter of all) waiter.reject(err);
    this.waiting.clear();
    this.pruning.clear();
    this.changing.clear();
  }
}
