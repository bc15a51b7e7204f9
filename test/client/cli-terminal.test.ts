/**
 * The CLI's output as a terminal and a GitHub Actions log read it:
 * recorded text cannot carry control sequences (escaped as `\uXXXX`) nor,
 * in GitHub Actions, a workflow command. Checked on the helpers and
 * through `svt list` / `svt history --json` against a real server holding
 * hostile values that validation lets through.
 */
import { describe, expect, test } from '@jest/globals';
import request from 'supertest';
import { run } from '../../client/src/cli/main.js';
import { terminalText, withoutWorkflowCommands } from '../../client/src/cli/terminal.js';
import { useListeningApp } from '../helpers/listen.js';

const svt = useListeningApp();

/** Runs the CLI, collecting what it writes. */
async function cli(argv: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, {
    env: { SVT_URL: svt().url, ...env },
    out: (text) => out.push(text),
    err: (text) => err.push(text),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** Nothing a terminal would act on in any line: no C0, DEL or C1 control, no bidi control. */
function expectInert(text: string): void {
  for (const line of text.split('\n'))
    expect(line).not.toMatch(/[\p{Cc}\u202a-\u202e\u2066-\u2069]/u);
}

describe('CLI output in a terminal', () => {
  test('terminalText escapes control and reordering characters, and only them', () => {
    expect(terminalText('\u001b[2J\u001b]0;owned\u0007')).toBe('\\u001b[2J\\u001b]0;owned\\u0007');
    expect(terminalText('a\rb\tc\u007f\u009b31m')).toBe('a\\u000db\\u0009c\\u007f\\u009b31m');
    expect(terminalText('evil\u202egnp.exe')).toBe('evil\\u202egnp.exe');
    // Lines, accents, emoji joined by U+200D and other scripts stay.
    expect(terminalText('jörg 👩‍💻 名前\nnext')).toBe('jörg 👩‍💻 名前\nnext');
  });

  test('withoutWorkflowCommands wraps text only when a line would be a command', () => {
    expect(withoutWorkflowCommands('api 1.0.0\n:: not at the start? yes it is', () => 't')).toBe(
      '::stop-commands::t\napi 1.0.0\n:: not at the start? yes it is\n::t::',
    );
    expect(withoutWorkflowCommands('APP\n  ::error::x', () => 't')).toBe(
      '::stop-commands::t\nAPP\n  ::error::x\n::t::',
    );
    expect(withoutWorkflowCommands('api a::b', () => 't')).toBe('api a::b');
  });

  test('svt list and history show hostile values inert; --json still parses to them', async () => {
    const attributes = { note: '\u001b[2J\u001b]0;owned\u0007', csi: '\u009b31mred' };
    await request(svt().callback)
      .post('/api/v1/deployments')
      .send({
        env: 'term',
        app: '::error title=x::pwned',
        version: '1.0.0',
        actor: 'evil\u202egnp.exe',
        attributes,
      })
      .expect(201);

    const list = await cli(['list', 'term']);
    expect(list.code).toBe(0);
    expectInert(list.out);
    expect(list.out).toContain('evil\\u202egnp.exe');
    expect(list.out.split('\n')[1]).toMatch(/^::error title=x::pwned {2}1\.0\.0 /);

    // In GitHub Actions, the same table between stop-commands markers.
    const gh = await cli(['list', 'term'], { GITHUB_ACTIONS: 'true' });
    const lines = gh.out.split('\n');
    const token = /^::stop-commands::([0-9a-f-]{36})$/.exec(lines[0] ?? '')?.[1];
    expect(token).toBeDefined();
    expect(lines.at(-1)).toBe(`::${token ?? ''}::`);
    expect(lines.slice(1, -1).join('\n')).toBe(list.out);

    const json = await cli(['history', '--env', 'term', '--json']);
    expectInert(json.out);
    const parsed = JSON.parse(json.out) as {
      items: { actor: string; attributes: Record<string, string> }[];
    };
    expect(parsed.items[0]?.attributes).toEqual(attributes);
    expect(parsed.items[0]?.actor).toBe('evil\u202egnp.exe');
  });
});
