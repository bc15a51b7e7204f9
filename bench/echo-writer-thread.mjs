// The writer thread of bench/echo-writer-server.mjs: the message protocol of
// server/src/store/sqlite-writer-thread.ts (writes that arrive before the
// thread's next turn are answered in one message), but each write is answered
// with one prebuilt document instead of going to SQLite.
import { parentPort, workerData } from 'node:worker_threads';

const { text } = workerData;
let queue = [];
let scheduled = false;

function flush() {
  scheduled = false;
  const batch = queue;
  queue = [];
  parentPort.postMessage({
    outcomes: batch.map((req) => ({
      n: req.n,
      ok: true,
      written: {
        deployment: text,
        previous: text,
        current: true,
        currentDeployment: null,
        firstInEnv: false,
        replayed: false,
      },
    })),
  });
}

parentPort.on('message', (message) => {
  if ('close' in message) {
    if (queue.length > 0) flush();
    parentPort.close();
    return;
  }
  queue.push(...message.write);
  if (!scheduled) {
    scheduled = true;
    setImmediate(flush);
  }
});
