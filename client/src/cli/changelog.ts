/**
 * `svt changelog`: the commits between two deployments, read from the git
 * clone the command runs in. SVT knows which commit each deployment is;
 * the clone knows what is between them. Git runs without a shell, on
 * commit ids checked to be hex, so nothing recorded reaches a command line
 * as anything but an argument.
 */
import { execFile } from 'node:child_process';
import type { SvtClient } from '../client.js';
import { repositoryWebUrl } from '../repository.js';
import type { Deployment } from '../types.js';
import type { CliIo } from './main.js';
import { UsageError } from './settings.js';

/** One commit of a changelog. `date` is the author date, ISO 8601 with its offset. */
export interface ChangelogCommit {
  sha: string;
  author: string;
  date: string;
  subject: string;
}

/** What `svt changelog --json` prints. */
export interface Changelog {
  /**
   * `deployed`: what the current deployment of an app brought over the one
   * before it, in one environment; `waiting`: what runs in one environment
   * and not yet in the next (`--from staging --to prod`).
   */
  kind: 'deployed' | 'waiting';
  app: string;
  /** The older side: the previous deployment, or the environment promoted into. */
  from: Pick<Deployment, 'env' | 'version' | 'commit' | 'deployedAt'>;
  /** The newer side: the current deployment, or the environment promoted from. */
  to: Pick<Deployment, 'env' | 'version' | 'commit' | 'deployedAt'>;
  /** In `to` and not in `from`, newest first. */
  commits: ChangelogCommit[];
  /** In `from` and not in `to` (a rollback, or a side that moved past the other), newest first. */
  removed: ChangelogCommit[];
}

/** A changelog that cannot be made, and what would make it: printed as is, exit code 1. */
export class ChangelogError extends Error {
  override name = 'ChangelogError';
}

const HEX = /^[0-9a-f]{7,64}$/i;

function git(args: readonly string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', [...args], { cwd, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err === null) resolve(stdout);
      else reject(new ChangelogError(stderr.trim() || err.message));
    });
  });
}

async function isShallow(cwd: string): Promise<boolean> {
  return (await git(['rev-parse', '--is-shallow-repository'], cwd)).trim() === 'true';
}

/** What to run so that this clone has `sha`: depends on whether it is shallow. */
async function fetchHint(sha: string, cwd: string): Promise<string> {
  if (await isShallow(cwd)) {
    return (
      `commit ${sha} is not in this shallow clone: fetch the history with \`git fetch --unshallow\` ` +
      '(GitHub Actions: actions/checkout with `fetch-depth: 0`; GitLab CI: `GIT_DEPTH: 0`; Jenkins: turn off "shallow clone")'
    );
  }
  return `commit ${sha} is not in this clone: fetch it with \`git fetch origin ${sha}\``;
}

function commitOf(d: Pick<Deployment, 'env' | 'app' | 'version' | 'commit'>): string {
  if (d.commit === null) {
    throw new ChangelogError(
      `${d.app} ${d.version} in ${d.env} was recorded without a commit: nothing to compare (record with --commit, or from CI)`,
    );
  }
  if (!HEX.test(d.commit)) {
    throw new ChangelogError(
      `${d.app} ${d.version} in ${d.env} names commit ${JSON.stringify(d.commit)}, which is not a commit id`,
    );
  }
  return d.commit;
}

async function log(range: string, cwd: string): Promise<ChangelogCommit[]> {
  const out = await git(['log', '--format=%H%x1f%an%x1f%aI%x1f%s%x1e', range, '--'], cwd);
  return out
    .split('\x1e')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      const [sha = '', author = '', date = '', subject = ''] = entry.split('\x1f');
      return { sha, author, date, subject };
    });
}

/**
 * The commits from `from`'s commit to `to`'s, read in the git clone at
 * `cwd`. Warns (through `warn`) when the clone's `origin` is another
 * repository than the deployments name. Throws a ChangelogError, whose
 * message says what to do: outside a clone, a deployment without a commit,
 * a commit this clone lacks (a shallow one says how to deepen it).
 */
export async function changelog(
  kind: Changelog['kind'],
  from: Deployment,
  to: Deployment,
  cwd: string,
  warn: (text: string) => void,
): Promise<Changelog> {
  // The newer side first: a reader asks about it, so it is the one to name.
  const newer = commitOf(to);
  const older = commitOf(from);
  try {
    await git(['rev-parse', '--is-inside-work-tree'], cwd);
  } catch {
    const where = to.repository ?? from.repository;
    throw new ChangelogError(
      `${cwd} is not inside a git clone: run svt changelog in a clone${where === null ? '' : ` of ${where}`}`,
    );
  }
  const origin = await git(['remote', 'get-url', 'origin'], cwd).catch(() => '');
  const here = repositoryWebUrl(origin.trim());
  const named = to.repository ?? from.repository;
  if (here !== null && named !== null && here !== named) {
    warn(`svt: this clone's origin is ${here}, the deployments name ${named}`);
  }
  for (const sha of [older, newer]) {
    try {
      await git(['cat-file', '-e', `${sha}^{commit}`], cwd);
    } catch {
      throw new ChangelogError(await fetchHint(sha, cwd));
    }
  }
  const side = (d: Deployment) => ({
    env: d.env,
    version: d.version,
    commit: d.commit,
    deployedAt: d.deployedAt,
  });
  return {
    kind,
    app: to.app,
    from: side(from),
    to: side(to),
    commits: await log(`${older}..${newer}`, cwd),
    removed: await log(`${newer}..${older}`, cwd),
  };
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** The changelog for people: a heading line, then one line per commit. */
export function changelogText(c: Changelog): string {
  const short = (sha: string | null) => (sha ?? '').slice(0, 7);
  const version = (side: Changelog['from']) => `${side.version} (${short(side.commit)})`;
  const line = (commit: ChangelogCommit) =>
    `${short(commit.sha)} ${commit.subject} (${commit.author}, ${commit.date.slice(0, 10)})`;
  const count = plural(c.commits.length, 'commit');
  const lines = [
    c.kind === 'deployed'
      ? `${c.app} in ${c.to.env}: ${version(c.from)} -> ${version(c.to)}, ${count}`
      : `${c.app}: ${count} in ${c.to.env} ${version(c.to)} waiting to be promoted to ${c.from.env} ${version(c.from)}`,
    ...c.commits.map(line),
  ];
  if (c.removed.length > 0) {
    const where =
      c.kind === 'deployed'
        ? `Left out by the deployment (a rollback): ${plural(c.removed.length, 'commit')}`
        : `In ${c.from.env} and not in ${c.to.env}: ${plural(c.removed.length, 'commit')}`;
    lines.push(where, ...c.removed.map(line));
  }
  return lines.join('\n');
}

/** `svt changelog`'s own options. */
export interface ChangelogFlags {
  from?: string | undefined;
  to?: string | undefined;
}

/**
 * `svt changelog <env> <app>` (what the current deployment brought over the
 * success before it) or `svt changelog --from staging --to prod <app>` (what
 * runs in staging and not yet in prod), in the clone of the working directory.
 * Throws a UsageError for bad arguments, a ChangelogError for what the
 * server or the clone cannot give.
 */
export async function changelogOf(
  names: readonly string[],
  flags: ChangelogFlags,
  client: SvtClient,
  io: CliIo,
): Promise<Changelog> {
  const successes = async (env: string, app: string, limit: number) =>
    (await client.history({ env, app, status: 'success', limit })).items;
  if (flags.from !== undefined || flags.to !== undefined) {
    const [app, ...rest] = names;
    if (
      flags.from === undefined ||
      flags.to === undefined ||
      app === undefined ||
      rest.length > 0
    ) {
      throw new UsageError(
        'with --from and --to, name one application: svt changelog --from staging --to prod <app>',
      );
    }
    const [[waiting], [running]] = await Promise.all([
      successes(flags.from, app, 1),
      successes(flags.to, app, 1),
    ]);
    if (waiting === undefined) throw new ChangelogError(`${app} never succeeded in ${flags.from}`);
    if (running === undefined) {
      throw new ChangelogError(
        `${app} never succeeded in ${flags.to}: all of ${flags.from}'s history is new there`,
      );
    }
    return changelog('waiting', running, waiting, process.cwd(), io.err);
  }
  const [env, app, ...rest] = names;
  if (env === undefined || app === undefined || rest.length > 0) {
    throw new UsageError('name an environment and an application: svt changelog <env> <app>');
  }
  const [current, previous] = await successes(env, app, 2);
  if (current === undefined) throw new ChangelogError(`${app} never succeeded in ${env}`);
  if (previous === undefined) {
    throw new ChangelogError(
      `${app} ${current.version} is the first success in ${env}: nothing before it to compare`,
    );
  }
  return changelog('deployed', previous, current, process.cwd(), io.err);
}
