// A fourth baseline, between the no-op store and SVT: SVT exactly as shipped,
// writes handed to a writer thread and answered from it as SVT's are (the
// same client, messages and batching), but the thread answers each write
// with one prebuilt document of the real size instead of writing to SQLite.
// Against the no-op store it tells what the hand-off between threads costs;
// against SVT, what SQLite's work (inserts, indexes, projection, commits)
// costs. Reads and tokens still go to a real SQLite file (SVT_DB). Prints
// its port, as the SVT server does.
import { Worker } from 'node:worker_threads';
import { parseConfig } from '../server/dist/config.js';
import { createLogger } from '../server/dist/logger.js';
import { startServer } from '../server/dist/server.js';
import { deploymentOf } from '../server/dist/store/shared.js';
import { createStore } from '../server/dist/store/index.js';
import { WriterClient } from '../server/dist/store/sqlite-writer-client.js';
import { EMPTY } from './seed.mjs';

const config = parseConfig(process.env);
const logger = createLogger(config.logLevel);
const real = await createStore(config);

// A benchmark deployment as the writer would store it (real size, real shape).
const text = JSON.stringify(
  deploymentOf(
    {
      env: 'bench',
      app: 'app-1',
      version: '1.0.1',
      status: 'success',
      deployedAt: Date.now(),
      ...EMPTY,
      commit: '9fceb02d0ae598e95dc970b74767f19372d61af8',
      attributes: { region: 'eu-west-1' },
    },
    '01ECHO00000000000000000000',
    Date.now(),
    null,
    false,
  ),
);

/** SVT's writer client, its thread replaced by echo-writer-thread.mjs (the same start() otherwise). */
class EchoWriterClient extends WriterClient {
  start() {
    if (this.worker !== null) return this.worker;
    const worker = new Worker(new URL('./echo-writer-thread.mjs', import.meta.url), {
      workerData: { text },
    });
    worker.on('message', (message) => this.onMessage(message));
    worker.on('error', (err) => this.failAll(err));
    this.exited = new Promise((resolve) => {
      worker.once('exit', () => {
        this.failAll(new Error('the echo writer stopped'));
        this.worker = null;
        resolve();
      });
    });
    this.worker = worker;
    return worker;
  }
}

const echo = new EchoWriterClient(config.dbPath);
const store = new Proxy(real, {
  get(target, name, receiver) {
    if (name === 'record') return (input, claim) => echo.record(input, claim);
    if (name === 'close') return () => echo.close().then(() => target.close());
    return Reflect.get(target, name, receiver);
  },
});
const running = await startServer(config, store, logger);
console.log(JSON.stringify({ port: running.port }));
process.on('SIGTERM', () => void running.stop('SIGTERM').then(() => process.exit(0)));
