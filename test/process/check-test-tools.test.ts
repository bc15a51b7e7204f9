/**
 * scripts/check-test-tools.mjs, the first step of `npm test`, run as a real
 * process: with a PATH that lacks the tools it stops at once with one line
 * naming them and the command that installs them; with everything present
 * it says nothing and exits 0 quickly. No test lets it install: each sets
 * SVT_TEST_NO_INSTALL=1 or runs it as another user than root, and where a
 * test's PATH holds an apt-get, it is a stand-in that would say so.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, type Run } from '../helpers/run-node.js';
import { skipUnless } from '../helpers/skip.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

afterAll(removeTempDirs);

const SCRIPT = join(ROOT, 'scripts', 'check-test-tools.mjs');
const isRoot = process.getuid?.() === 0;
const sudo = isRoot ? '' : 'sudo ';
/** The nginx and Chromium the suites use, where SVT_TEST_NGINX or SVT_TEST_CHROMIUM name them. */
const TOOL_PATHS: Record<string, string> = {};
for (const name of ['SVT_TEST_NGINX', 'SVT_TEST_CHROMIUM']) {
  const given = process.env[name];
  if (given !== undefined) TOOL_PATHS[name] = given;
}
/** Those, and installing forbidden. */
const NO_INSTALL = { ...TOOL_PATHS, SVT_TEST_NO_INSTALL: '1' };
/** The tools the suites need on PATH, in the order the script names them. */
const PATH_TOOLS = 'git curl jq rsync openssl';

/** Runs `script` with exactly `env` (and as `uid` when given). */
function check(
  env: Record<string, string>,
  { script = SCRIPT, uid }: { script?: string; uid?: number } = {},
): Promise<Run> {
  const started = performance.now();
  const proc = spawn(process.execPath, [script], {
    cwd: join(script, '..', '..'),
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(uid === undefined ? {} : { uid, gid: uid }),
  });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) => {
    proc.on('error', reject);
    proc.on('close', (code) => resolve({ code, stdout, stderr, ms: performance.now() - started }));
  });
}

/** A directory for PATH holding only an apt-get that would say it ran. */
function pathWithFakeAptGet(): string {
  const dir = tempDir('svt-path-');
  // Readable by the other user the non-root test runs as.
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, 'apt-get'), '#!/bin/sh\necho "the stand-in apt-get ran"; exit 1\n', {
    mode: 0o755,
  });
  return dir;
}

/**
 * A directory for PATH holding only a stand-in apt-get that logs each call
 * (with DEBIAN_FRONTEND) to `calls` in it. `works`: the first install fails
 * as on a fresh machine without package lists, and after an update each
 * package "installs" as an executable of its name in the directory. `fails`:
 * every install fails. `does-nothing`: every call succeeds, installing nothing.
 */
function pathWithStandInAptGet(kind: 'works' | 'fails' | 'does-nothing'): string {
  const dir = tempDir('svt-path-');
  const install = {
    works: `[ -f "$d/updated" ] || { echo "E: Unable to locate package jq"; exit 100; }
  for p in "$@"; do
    case "$p" in install|-*) ;; *) printf '#!/bin/sh\n' > "$d/$p"; /bin/chmod 755 "$d/$p" ;; esac
  done`,
    fails: 'echo "E: Unable to locate package chromium"; exit 100',
    'does-nothing': ':',
  }[kind];
  writeFileSync(
    join(dir, 'apt-get'),
    `#!/bin/sh
d="\${0%/*}"
echo "$DEBIAN_FRONTEND $*" >> "$d/calls"
case "$1" in
update) : > "$d/updated" ;;
install)
  ${install} ;;
esac
`,
    { mode: 0o755 },
  );
  return dir;
}

/** What the stand-in apt-get in `dir` was called with, one call a line. */
const calls = (dir: string) => readFileSync(join(dir, 'calls'), 'utf8');

/**
 * A copy of the script in a project of its own, whose better-sqlite3 is a
 * stand-in whose binding does not load (as one built for another Node), or
 * is not there at all (no `npm ci` yet).
 */
function projectWithBrokenSqlite({ absent = false } = {}): string {
  const dir = tempDir('svt-project-');
  mkdirSync(join(dir, 'scripts'));
  copyFileSync(SCRIPT, join(dir, 'scripts', 'check-test-tools.mjs'));
  writeFileSync(join(dir, 'package.json'), '{ "name": "fixture", "private": true }');
  if (absent) return join(dir, 'scripts', 'check-test-tools.mjs');
  const pkg = join(dir, 'node_modules', 'better-sqlite3');
  mkdirSync(pkg, { recursive: true });
  writeFileSync(
    join(pkg, 'package.json'),
    '{ "name": "better-sqlite3", "version": "0.0.0", "main": "index.js" }',
  );
  writeFileSync(
    join(pkg, 'index.js'),
    "module.exports = function Database() { throw new Error('Could not locate the bindings file.'); };\n",
  );
  return join(dir, 'scripts', 'check-test-tools.mjs');
}

describe('with everything present', () => {
  test('says nothing and exits 0, quickly', async () => {
    const run = await check({ PATH: process.env.PATH ?? '', ...NO_INSTALL });
    expect([run.code, run.stdout, run.stderr]).toEqual([0, '', '']);
    // It runs before every `npm test`: a node start and a look around.
    expect(run.ms).toBeLessThan(3000);
  });
});

describe('with tools missing from PATH', () => {
  test('stops with one line naming them and the apt-get command, since SVT_TEST_NO_INSTALL=1', async () => {
    const run = await check({ PATH: pathWithFakeAptGet(), ...NO_INSTALL });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    // The C++ toolchain is not named: better-sqlite3's binding loads here.
    expect(run.stderr).toBe(
      `missing for the tests: ${PATH_TOOLS} (not installed: SVT_TEST_NO_INSTALL=1); install them with: ${sudo}apt-get install -y ${PATH_TOOLS}\n`,
    );
  });

  test('stops, not running as root, with the sudo command', async () => {
    // As nobody (uid 65534) where the tests run as root; as themselves elsewhere.
    const run = await check(
      { PATH: pathWithFakeAptGet(), ...TOOL_PATHS },
      isRoot ? { uid: 65534 } : {},
    );
    expect([run.code, run.stdout]).toEqual([1, '']);
    expect(run.stderr).toBe(
      `missing for the tests: ${PATH_TOOLS} (not installed: not running as root); install them with: sudo apt-get install -y ${PATH_TOOLS}\n`,
    );
  });

  test('without apt-get, names the packages for Debian and Ubuntu', async () => {
    const run = await check({ PATH: tempDir('svt-path-'), ...NO_INSTALL });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `missing for the tests: ${PATH_TOOLS} (not installed: no apt-get here); install them with the system's package manager (Debian, Ubuntu: ${sudo}apt-get install -y ${PATH_TOOLS})\n`,
    );
  });
});

// The script installs only as root; the stand-in apt-get installs nothing real.
const asRoot = skipUnless(
  isRoot,
  'Installing with a stand-in apt-get',
  'the tests do not run as root',
);

describe('installing, as root where apt-get exists', () => {
  const INSTALL = `noninteractive install -y -q ${PATH_TOOLS}\n`;

  asRoot.test(
    'one line saying what it installs; apt-get update only when the install fails',
    async () => {
      const dir = pathWithStandInAptGet('works');
      const run = await check({ PATH: dir, ...TOOL_PATHS });
      expect([run.code, run.stdout, run.stderr]).toEqual([
        0,
        `installing for the tests: ${PATH_TOOLS} (apt-get install -y ${PATH_TOOLS})\n`,
        '',
      ]);
      expect(calls(dir)).toBe(`${INSTALL}noninteractive update -q\n${INSTALL}`);
    },
  );

  asRoot.test('an install that fails: one line with what apt-get said last', async () => {
    const dir = pathWithStandInAptGet('fails');
    const run = await check({ PATH: dir, ...TOOL_PATHS });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `could not install ${PATH_TOOLS}: apt-get install -y ${PATH_TOOLS} failed (exit 100: E: Unable to locate package chromium)\n`,
    );
    expect(calls(dir)).toBe(`${INSTALL}noninteractive update -q\n${INSTALL}`);
  });

  asRoot.test('an install that succeeds but leaves a tool missing: says which', async () => {
    const dir = pathWithStandInAptGet('does-nothing');
    const run = await check({ PATH: dir, ...TOOL_PATHS });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`still missing for the tests after installing: ${PATH_TOOLS}\n`);
    expect(calls(dir)).toBe(INSTALL);
  });
});

describe('where better-sqlite3 must be compiled', () => {
  test('python3, make and g++ are needed too', async () => {
    const run = await check(
      { PATH: pathWithFakeAptGet(), ...NO_INSTALL },
      { script: projectWithBrokenSqlite() },
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `missing for the tests: ${PATH_TOOLS} python3 make g++ (not installed: SVT_TEST_NO_INSTALL=1); install them with: ${sudo}apt-get install -y ${PATH_TOOLS} python3 make g++\n`,
    );
  });

  test('with the toolchain present, rebuilds it, and says so when that does not help', async () => {
    const run = await check(
      { PATH: process.env.PATH ?? '', HOME: tempDir('svt-home-'), ...NO_INSTALL },
      { script: projectWithBrokenSqlite() },
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      `building better-sqlite3 for Node ${process.version} (npm rebuild better-sqlite3): Could not locate the bindings file.\n`,
    );
    // npm rebuild succeeds on the stand-in, whose binding still does not load.
    expect(run.stderr).toBe(
      'could not build better-sqlite3: npm rebuild better-sqlite3 exited 0: Error: Could not locate the bindings file.\n',
    );
  }, 30_000);

  test('not installed at all: run npm ci', async () => {
    const run = await check(
      { PATH: process.env.PATH ?? '', ...NO_INSTALL },
      { script: projectWithBrokenSqlite({ absent: true }) },
    );
    expect([run.code, run.stdout]).toEqual([1, '']);
    expect(run.stderr).toBe(
      "better-sqlite3 is not installed (run npm ci): Cannot find module 'better-sqlite3'\n",
    );
  });
});

describe('settings', () => {
  test('SVT_TEST_CHROMIUM or SVT_TEST_NGINX that is not an executable file: one line, exit 2', async () => {
    const path = process.env.PATH ?? '';
    const chromium = await check({ PATH: path, SVT_TEST_CHROMIUM: '/nonexistent/chromium' });
    expect([chromium.code, chromium.stderr]).toEqual([
      2,
      'SVT_TEST_CHROMIUM must be the path of an executable chromium, got "/nonexistent/chromium" (unset it to use /usr/bin/chromium)\n',
    ]);
    const nginx = await check({ PATH: path, SVT_TEST_NGINX: ROOT });
    expect([nginx.code, nginx.stderr]).toEqual([
      2,
      `SVT_TEST_NGINX must be the path of an executable nginx, got "${ROOT}" (unset it to use /usr/sbin/nginx)\n`,
    ]);
  });

  test('SVT_TEST_NO_INSTALL other than 0 or 1: one line, exit 2', async () => {
    const run = await check({ PATH: process.env.PATH ?? '', SVT_TEST_NO_INSTALL: 'yes' });
    expect([run.code, run.stderr]).toEqual([
      2,
      'SVT_TEST_NO_INSTALL must be 1 (never install) or 0, got "yes"\n',
    ]);
  });
});
