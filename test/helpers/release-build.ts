/**
 * An earlier release's server, compiled from this repository's git history
 * at test time, so that a test can write a database with that release's own
 * code (never a hand-made imitation of its schema). The sources of
 * `server/src` and `client/src` at the commit are transpiled one file at a
 * time with esbuild (types are not checked: they were when released) into
 * node_modules/.cache/svt-releases/<commit>/, kept there so that a rerun
 * reuses them. Bare imports resolve to this checkout's node_modules, except
 * `@svt/client`, which points at that commit's own client sources.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { transformSync } from 'esbuild';
import { ROOT } from './run-node.js';

/** Release 1.0.0 (no tag was made for it). */
export const RELEASE_1_0_0 = 'e2a05a1a2cf48320d01fb930225862c0f678fc46';

/** Where builds of earlier releases, and databases they wrote, are cached. */
export const RELEASE_CACHE = join(ROOT, 'node_modules', '.cache', 'svt-releases');

/** Throws a message that says what to do when the commit is not in this clone. */
function requireCommit(commit: string): void {
  try {
    execFileSync('git', ['-C', ROOT, 'cat-file', '-e', `${commit}^{commit}`], { stdio: 'ignore' });
  } catch {
    throw new Error(
      `commit ${commit} is not in this clone's git history: the migration tests build that ` +
        `release from it. Fetch the full history (git fetch --unshallow) and run them again.`,
    );
  }
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? tsFiles(join(dir, e.name))
      : e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')
        ? [join(dir, e.name)]
        : [],
  );
}

/**
 * The directory holding the release's compiled server and client
 * (`server/src/**.js`, `client/src/**.js`), built on first use.
 * Throws when the commit is missing from git history.
 */
export function releaseBuild(commit: string): string {
  const dir = join(RELEASE_CACHE, commit);
  if (existsSync(join(dir, 'built'))) return dir;
  requireCommit(commit);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const tar = execFileSync('git', ['-C', ROOT, 'archive', commit, 'server/src', 'client/src'], {
    maxBuffer: 256 * 2 ** 20,
  });
  execFileSync('tar', ['-x', '-C', dir], { input: tar });
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  const client = join(dir, 'client', 'src', 'index.js');
  for (const file of tsFiles(dir)) {
    const { code } = transformSync(readFileSync(file, 'utf8'), {
      loader: 'ts',
      format: 'esm',
      target: 'node20',
    });
    const own = relative(dirname(file), client);
    writeFileSync(
      file.replace(/\.ts$/, '.js'),
      code.replace(
        /from ["']@svt\/client["']/g,
        `from ${JSON.stringify(own.startsWith('.') ? own : `./${own}`)}`,
      ),
    );
  }
  writeFileSync(join(dir, 'built'), `${new Date().toISOString()}\n`);
  return dir;
}
