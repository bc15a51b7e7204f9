/** Structured JSON logs on stdout. */
import { pino, type Logger } from 'pino';
import type { LogLevel } from './config.js';

/** How long a log line may wait in the buffer when traffic is low. */
const FLUSH_MS = 200;

export function createLogger(level: LogLevel): Logger {
  // Asynchronous and buffered. A write to a piped stdout would block the
  // event loop if synchronous; asynchronous, one write per line went
  // through libuv's thread pool and cost about 20 us of CPU per request
  // (measured: 15% of ingest throughput, bench/cpu-per-request.mjs). Lines
  // now go out 4 KB at a time, or FLUSH_MS after they were logged, and pino
  // flushes the rest synchronously when the process exits; a SIGKILL loses
  // at most the last FLUSH_MS of lines.
  const destination = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  setInterval(() => destination.flush(), FLUSH_MS).unref();
  return pino(
    {
      level,
      base: { service: 'svt' },
      // Belt and braces: nothing logs headers, but if a header object ever is, its secrets are hidden.
      redact: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization'],
    },
    destination,
  );
}
