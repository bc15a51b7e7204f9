/**
 * An empty token sends no Authorization header: the CLI as a real process,
 * through a proxy that keeps each request's headers, to a real SVT server
 * on which no token exists yet, so that it accepts tokenless writes from
 * its own machine (and would refuse `Authorization: Bearer `).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { faultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import { useListeningApp } from '../helpers/listen.js';
import { CLI, runNode } from '../helpers/run-node.js';
import { issueToken } from '../helpers/tokens.js';

const svt = useListeningApp();
let proxy: FaultProxy;
beforeAll(async () => {
  proxy = await faultProxy(svt().port, []); // forwards everything
});
afterAll(() => proxy.close());

/** Runs the CLI through the proxy; returns the run and the headers of the requests it made. */
async function viaProxy(args: string[], env: Record<string, string>) {
  const before = proxy.seen.length;
  const run = await runNode(CLI, args, { SVT_URL: proxy.url, ...env });
  return { run, sent: proxy.seen.slice(before).map((s) => s.headers) };
}

const recordArgs = (env: string) => ['record', '--env', env, '--app', 'api', '--version', '1.0.0'];

describe('no token, or an empty one', () => {
  test.each([
    ['SVT_TOKEN empty', {}, { SVT_TOKEN: '' }],
    ['SVT_TOKEN of spaces', {}, { SVT_TOKEN: '   ' }],
    ['SVT_TOKEN unset', {}, {}],
    ['--token "" over a set SVT_TOKEN', { flag: '' }, { SVT_TOKEN: 'svt_would-be-refused' }],
  ])('%s: record sends no Authorization header, and the write is accepted', async (_, f, env) => {
    const args = recordArgs('tokenless');
    if ('flag' in f) args.push('--token', f.flag);
    const { run, sent } = await viaProxy(args, env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Recorded api 1\.0\.0 in tokenless/);
    expect(sent).toHaveLength(1);
    expect(sent[0]).not.toHaveProperty('authorization');
  });

  test('the reads send none either', async () => {
    for (const args of [
      ['list', 'tokenless'],
      ['history'],
      ['compare', 'tokenless', 'tokenless'],
    ]) {
      const { run, sent } = await viaProxy(args, { SVT_TOKEN: '' });
      expect([args, run.code]).toEqual([args, 0]);
      expect(sent.length).toBeGreaterThan(0);
      for (const headers of sent) expect(headers).not.toHaveProperty('authorization');
    }
  });

  // Last: once a token exists, tokenless writes are refused for good.
  test('a token that is set is sent as a bearer, as given', async () => {
    const token = await issueToken(svt().store, 'ci', ['write:*']);
    const { run, sent } = await viaProxy(recordArgs('with-token'), { SVT_TOKEN: ` ${token}\n` });
    expect(run.code).toBe(0);
    expect(sent.map((h) => h.authorization)).toEqual([`Bearer ${token}`]);
    const [d] = (await svt().store.history({ env: 'with-token', limit: 1 })).items;
    expect(d?.recordedBy).toBe('ci');
  });
});
