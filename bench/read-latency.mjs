// Read latencies as curl sees them: sequential transfers on one keep-alive
// connection, each timed by curl itself (time_total). A C client keeps its
// own work and garbage collection out of the figure, which matters when
// answers are hundreds of kilobytes (a Node client added 2-3 ms at p99 here).
// The first WARMUP_GETS of each call are not counted: the first GET after a
// start prepares statements and reads cold pages (30-130 ms at 2.6M), which
// alone made a p99 of 300.
import { execFile } from 'node:child_process';

const WARMUP_GETS = 10;

/**
 * Sorted latencies (ms) of `count` GETs of `url`. With `writeBefore` (a URL
 * and a function giving a JSON body), each GET follows a POST of that body
 * on the same connection, and only the GETs are counted. `headers` ("Name:
 * value" lines) go with every GET, e.g. an Accept-Encoding: curl saves the
 * answer as it comes, compressed or not.
 */
export function readLatencies(url, count, writeBefore, headers = []) {
  const transfers = [];
  const get = (write) => [
    ...headers.flatMap((h) => ['-H', h]),
    '-o',
    '/dev/null',
    '-w',
    write,
    url,
  ];
  for (let i = 0; i < WARMUP_GETS; i++) transfers.push(get('warm\\n'));
  for (let i = 0; i < count; i++) {
    if (writeBefore) {
      transfers.push([
        '--json',
        writeBefore.body(i),
        '-o',
        '/dev/null',
        '-w',
        'post %{time_total}\\n',
        writeBefore.url,
      ]);
    }
    transfers.push(get('get %{time_total}\\n'));
  }
  const args = [
    '--silent',
    '--show-error',
    '--fail',
    ...transfers.flatMap((t, i) => (i > 0 ? ['--next', ...t] : t)),
  ];
  return new Promise((resolve, reject) => {
    execFile('curl', args, { maxBuffer: 64 * 1024 * 1024 }, (err, stdout) => {
      if (err) {
        reject(new Error(`curl failed (is curl installed?): ${err.message.slice(0, 300)}`));
        return;
      }
      const ms = stdout
        .split('\n')
        .filter((line) => line.startsWith('get '))
        .map((line) => Number(line.slice(4)) * 1000);
      resolve(ms.sort((a, b) => a - b));
    });
  });
}
