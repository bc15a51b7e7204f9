// `node bench/pair-cpu.mjs [A script] [B script]`: the CPU each of two
// servers spends per ingest request, paired. Both run at once; the ingest
// load of `npm run bench` goes to one, then the other, in short bursts
// (A B, B A, ...), and each burst reads the on-CPU time of every thread of
// the server under load from /proc/<pid>/task/<tid>/schedstat (Linux,
// nanoseconds). Pairing in bursts of a few seconds cancels much of this
// machine's drift, not all of it: three A/A pairings of 10 bursts read
// 1.006, 0.979 and 0.943 for the HTTP thread, where whole runs of the same
// server differ by 25%. Trust differences well beyond 6%. Scripts are
// relative to the repository root; the default is the SVT server for both
// (an A/A). ENV_A and ENV_B (JSON) add settings to each; BURSTS (default
// 16) bursts of SECS (default 2) seconds per side.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { postRequests, ROOT, SERVER_BIN, start, stop } from './process.mjs';

const scripts = [2, 3].map((i) => (process.argv[i] ? join(ROOT, process.argv[i]) : SERVER_BIN));
const bursts = Number(process.env.BURSTS ?? 16);
const seconds = Number(process.env.SECS ?? 2);

const servers = [];
for (const [k, script] of scripts.entries()) {
  const dir = `/tmp/svt-bench-pair-cpu/${k}`;
  rmSync(dir, { recursive: true, force: true });
  servers.push(
    await start(script, {
      SVT_PORT: '0',
      SVT_DB: join(dir, 'svt.db'),
      SVT_RATE_LIMIT: '100000000',
      ...JSON.parse(process.env[`ENV_${'AB'[k]}`] ?? '{}'),
    }),
  );
}

/** On-CPU nanoseconds of each thread of a process, by thread id. */
function onCpu(pid) {
  const out = new Map();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8');
      out.set(tid, Number(stat.split(' ')[0]));
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return out;
}

function load(port, duration) {
  return new Promise((resolve, reject) => {
    autocannon(
      { url: `http://127.0.0.1:${port}`, connections: 50, duration, requests: postRequests() },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
  });
}

for (const { port } of servers) await load(port, 2); // warm-up
const sums = servers.map(() => ({ main: 0, others: 0, cannon: 0, requests: 0, seconds: 0 }));
for (let k = 0; k < bursts; k++) {
  for (const i of k % 2 === 0 ? [0, 1] : [1, 0]) {
    const { proc, port } = servers[i];
    const before = onCpu(proc.pid);
    const own = process.cpuUsage();
    const started = performance.now();
    const result = await load(port, seconds);
    const elapsed = (performance.now() - started) / 1000;
    const after = onCpu(proc.pid);
    const mine = process.cpuUsage(own);
    if (result.non2xx + result.errors + result.timeouts > 0) throw new Error('failed requests');
    const sum = sums[i];
    for (const [tid, ns] of after) {
      const used = ns - (before.get(tid) ?? 0);
      if (tid === String(proc.pid)) sum.main += used;
      else sum.others += used;
    }
    sum.cannon += (mine.user + mine.system) * 1000;
    sum.requests += result.requests.total;
    sum.seconds += elapsed;
  }
}

const us = (ns, n) => (ns / n / 1000).toFixed(1);
console.log('| server | req/s | HTTP thread, us/request | other threads | autocannon |');
console.log('| --- | ---: | ---: | ---: | ---: |');
for (const [i, s] of sums.entries()) {
  console.log(
    `| ${'AB'[i]} ${process.argv[2 + i] ?? 'svt'} | ${(s.requests / s.seconds).toFixed(0)} | ${us(s.main, s.requests)} | ${us(s.others, s.requests)} | ${us(s.cannon, s.requests)} |`,
  );
}
const [a, b] = sums;
const per = (s, key) => s[key] / s.requests;
console.log(
  `B/A: rate ${(b.requests / b.seconds / (a.requests / a.seconds)).toFixed(3)}, ` +
    `HTTP thread ${(per(b, 'main') / per(a, 'main')).toFixed(3)}, ` +
    `server ${((per(b, 'main') + per(b, 'others')) / (per(a, 'main') + per(a, 'others'))).toFixed(3)}`,
);
for (const server of servers) await stop(server);
