/** Structured JSON logs on stdout. */
import { pino, type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from './config.js';

/** Lines wait in memory until this many bytes are buffered, or FLUSH_MS has passed. */
const BUFFER_BYTES = 4096;
const FLUSH_MS = 50;

export function createLogger(level: LogLevel): Logger {
  return pino(
    {
      level,
      base: { service: 'svt' },
      // Belt and braces: nothing logs headers, but if a header object ever is, its secrets are hidden.
      redact: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization'],
    },
    bufferedStdout(),
  );
}

/**
 * Asynchronous: on Linux a write to a piped stdout blocks the event loop,
 * one system call per line. Buffered: each asynchronous write is a request
 * to libuv's thread pool; with one per request line, a CPU profile of the
 * ingest load put the log write path at 7.2 us per request, and at 3.6 with
 * blocks (BENCHMARKS.md). Lines go out in blocks of 4 KB, or within
 * FLUSH_MS when traffic is light (an idle server writes nothing). pino
 * writes out what is left when the process exits, including on an uncaught
 * error; a SIGKILL loses at most FLUSH_MS of lines.
 */
function bufferedStdout(): DestinationStream {
  const destination = pino.destination({ dest: 1, sync: false, minLength: BUFFER_BYTES });
  let pending = false;
  setInterval(() => {
    if (!pending) return;
    pending = false;
    try {
      destination.flush();
    } catch {
      // Closed (the process is exiting): pino's exit handler has written it out.
    }
  }, FLUSH_MS).unref();
  return {
    write(line: string) {
      pending = true;
      destination.write(line);
    },
  };
}
