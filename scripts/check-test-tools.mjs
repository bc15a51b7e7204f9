#!/usr/bin/env node
/**
 * First step of `npm test`: the system tools the test suites drive, checked
 * before anything else runs, so that a fresh machine fails in a second with
 * one line instead of minutes later with `spawn /usr/sbin/nginx ENOENT`.
 *
 * - On PATH: git, curl, jq (the Jenkins steps), rsync (gitlab-ci-local),
 *   openssl (certificates for the TLS tests).
 * - At a path: nginx (SVT_TEST_NGINX, else /usr/sbin/nginx) and Chromium
 *   (SVT_TEST_CHROMIUM, else /usr/bin/chromium), read as the tests read them
 *   (test/process/nginx-tls.test.ts, test/helpers/browser.ts).
 * - python3, make and g++ only when better-sqlite3's native binding does not
 *   load (no prebuilt binary for this Node, or `npm ci --ignore-scripts`):
 *   then it must be compiled, and is, with `npm rebuild better-sqlite3`.
 *
 * What is missing is installed with `apt-get install -y` when running as
 * root where apt-get exists (Debian, Ubuntu), unless SVT_TEST_NO_INSTALL=1;
 * otherwise the script stops with one line naming what is missing and the
 * command that installs it.
 *
 * Exit codes: 0 all present (prints nothing), 1 something missing or could
 * not be installed, 2 a bad setting.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');

/** The tools, in the order messages list them. `setting` may give a path. */
const ON_PATH = ['git', 'curl', 'jq', 'rsync', 'openssl'];
const AT_PATH = [
  { tool: 'nginx', setting: 'SVT_TEST_NGINX', fallback: '/usr/sbin/nginx' },
  { tool: 'chromium', setting: 'SVT_TEST_CHROMIUM', fallback: '/usr/bin/chromium' },
];
const TOOLCHAIN = ['python3', 'make', 'g++'];
/** The Debian (and Ubuntu) package that provides each tool. */
const PACKAGE = {
  git: 'git',
  curl: 'curl',
  jq: 'jq',
  rsync: 'rsync',
  openssl: 'openssl',
  nginx: 'nginx',
  chromium: 'chromium',
  python3: 'python3',
  make: 'make',
  'g++': 'g++',
};

/** One line, then the exit code. */
function stop(line, code) {
  process.stderr.write(`${line}\n`);
  process.exit(code);
}

/**
 * The settings this script reads, from the environment, in one place.
 * Exits 2 with one line on a bad value.
 */
function parseSettings(env) {
  const noInstall = env.SVT_TEST_NO_INSTALL ?? '';
  if (!['', '0', '1'].includes(noInstall))
    stop(`SVT_TEST_NO_INSTALL must be 1 (never install) or 0, got "${noInstall}"`, 2);
  const paths = {};
  for (const { tool, setting, fallback } of AT_PATH) {
    // An empty value means unset, as in the tests (`||`, not `??`).
    const given = env[setting] ?? '';
    if (given !== '' && !isExecutable(given))
      stop(
        `${setting} must be the path of an executable ${tool}, got "${given}" (unset it to use ${fallback})`,
        2,
      );
    paths[tool] = given || fallback;
  }
  return { noInstall: noInstall === '1', paths, searchPath: env.PATH ?? '' };
}

function isExecutable(file) {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The first executable `name` in the directories of PATH, or undefined. */
function onPath(name, searchPath) {
  return searchPath
    .split(delimiter)
    .filter((dir) => dir !== '')
    .map((dir) => join(dir, name))
    .find(isExecutable);
}

/**
 * Why better-sqlite3 cannot open a database here, or undefined when it can.
 * `installed` is false when the package itself is absent (no `npm ci` yet).
 */
function sqliteProblem() {
  const require = createRequire(join(ROOT, 'package.json'));
  let Database;
  try {
    Database = require('better-sqlite3');
  } catch (e) {
    return { installed: false, message: e.message.split('\n')[0] };
  }
  try {
    // The binding loads on the first database opened, not on require.
    new Database(':memory:').close();
    return undefined;
  } catch (e) {
    return { installed: true, message: e.message.split('\n')[0] };
  }
}

/** Opens a database with the better-sqlite3 that `require` finds from the working directory. */
const OPEN_SQLITE = "new (require('better-sqlite3'))(':memory:').close()";

function missingTools(settings, needToolchain) {
  const missing = ON_PATH.filter((t) => onPath(t, settings.searchPath) === undefined);
  for (const { tool } of AT_PATH) if (!isExecutable(settings.paths[tool])) missing.push(tool);
  if (needToolchain)
    missing.push(...TOOLCHAIN.filter((t) => onPath(t, settings.searchPath) === undefined));
  return missing;
}

/** Runs apt-get quietly; the last line it printed when it fails. */
function aptGet(args) {
  const run = spawnSync('apt-get', args, {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    encoding: 'utf8',
  });
  if (run.status === 0) return undefined;
  const said = `${run.stdout ?? ''}\n${run.stderr ?? ''}`.trim().split('\n').pop();
  return `exit ${run.status ?? run.signal ?? run.error?.message}: ${said}`;
}

/**
 * Installs `missing` with apt-get, or stops with one line naming them, why
 * they were not installed, and the command that installs them.
 */
function install(missing, settings) {
  const packages = [...new Set(missing.map((t) => PACKAGE[t]))];
  const root = process.getuid?.() === 0;
  const command = `${root ? '' : 'sudo '}apt-get install -y ${packages.join(' ')}`;
  const list = missing.join(' ');
  if (onPath('apt-get', settings.searchPath) === undefined)
    stop(
      `missing for the tests: ${list} (not installed: no apt-get here); install them with the system's package manager (Debian, Ubuntu: ${command})`,
      1,
    );
  let refused;
  if (settings.noInstall) refused = 'SVT_TEST_NO_INSTALL=1';
  else if (!root) refused = 'not running as root';
  if (refused)
    stop(
      `missing for the tests: ${list} (not installed: ${refused}); install them with: ${command}`,
      1,
    );
  console.log(`installing for the tests: ${list} (${command})`);
  const args = ['install', '-y', '-q', ...packages];
  // A fresh machine has no package lists yet: update only when needed.
  const failed = aptGet(args) && (aptGet(['update', '-q']) ?? aptGet(args));
  if (failed) stop(`could not install ${list}: ${command} failed (${failed})`, 1);
}

function main() {
  const settings = parseSettings(process.env);
  const sqlite = sqliteProblem();
  const missing = missingTools(settings, sqlite !== undefined);
  if (missing.length > 0) {
    install(missing, settings);
    const still = missingTools(settings, sqlite !== undefined);
    if (still.length > 0)
      stop(`still missing for the tests after installing: ${still.join(' ')}`, 1);
  }
  if (sqlite === undefined) return;
  if (!sqlite.installed) stop(`better-sqlite3 is not installed (run npm ci): ${sqlite.message}`, 1);
  console.log(
    `building better-sqlite3 for Node ${process.version} (npm rebuild better-sqlite3): ${sqlite.message}`,
  );
  const rebuild = spawnSync('npm', ['rebuild', 'better-sqlite3'], { cwd: ROOT, encoding: 'utf8' });
  // A fresh process, since this one has the old binding's failure behind it.
  const after = spawnSync(process.execPath, ['-e', OPEN_SQLITE], { cwd: ROOT, encoding: 'utf8' });
  if (rebuild.status !== 0 || after.status !== 0) {
    const said = (rebuild.status !== 0 ? rebuild.stderr : after.stderr).trim().split('\n');
    stop(
      `could not build better-sqlite3: npm rebuild better-sqlite3 exited ${rebuild.status}: ${said.find((l) => /^\w*Error\b/.test(l)) ?? said.pop()}`,
      1,
    );
  }
}

main();
