/** Structured JSON logs on stdout. */
import { pino, type Logger } from 'pino';
import type { LogLevel } from './config.js';

export function createLogger(level: LogLevel): Logger {
  return pino(
    {
      level,
      base: { service: 'svt' },
      // Belt and braces: nothing logs headers, but if a header object ever is, its secrets are hidden.
      redact: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization'],
    },
    // Asynchronous: on Linux a write to a piped stdout blocks the event loop,
    // one system call per line. Lines written while one is in flight go out
    // together; pino flushes what is left when the process exits.
    pino.destination({ dest: 1, sync: false }),
  );
}
