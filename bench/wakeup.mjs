// The machine's floor under every read that goes to a reader thread: the
// round trip of a message to an idle worker thread and back, with no SVT
// code on either side, after a pause like the one between two sequential
// GETs. A read served in a reader thread pays it once per request on top
// of its own work, so its tail cannot be lower than this one's.
// `node bench/wakeup.mjs` prints it for pauses of 2 and 20 ms;
// bench/dora.mjs prints it next to the read aims, in the same run.
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';

const ECHO = `const { parentPort } = require('node:worker_threads');
parentPort.on('message', (m) => parentPort.postMessage(m));`;

/** Sorted round trips (ms) of `count` messages, each sent `pauseMs` after the last came back. */
export async function idleRoundTrips(pauseMs, count) {
  const worker = new Worker(ECHO, { eval: true });
  await new Promise((resolve) => worker.once('online', resolve));
  const ms = [];
  try {
    for (let i = 0; i < count; i++) {
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
      const t0 = performance.now();
      await new Promise((resolve) => {
        worker.once('message', resolve);
        worker.postMessage(i);
      });
      ms.push(performance.now() - t0);
    }
  } finally {
    await worker.terminate();
  }
  return ms.sort((a, b) => a - b);
}

/** The `p` quantile of sorted values, to two decimals. */
export const quantile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))].toFixed(2);

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log('| idle worker round trip, 3,000 | p50 ms | p99 ms | p99.9 ms | max ms |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const pause of [2, 20]) {
    const ms = await idleRoundTrips(pause, 3000);
    const q = (p) => quantile(ms, p);
    console.log(`| after ${pause} ms idle | ${q(0.5)} | ${q(0.99)} | ${q(0.999)} | ${q(1)} |`);
  }
}
