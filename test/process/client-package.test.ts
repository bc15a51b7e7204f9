/**
 * `@svt/client` is not on the registry; the README tells people to build its
 * tarball with `npm pack -w client` and install that. This does exactly so,
 * in a project of its own, and uses what it installed against a real server:
 * the library from an ES module, and the `svt` bin through npx. The tarball's
 * two dependencies come from npm's cache, which `npm ci` filled.
 */
import { describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { useListeningApp } from '../helpers/listen.js';
import { ROOT, runNode } from '../helpers/run-node.js';
import { tempDir } from '../helpers/tmp.js';
import { VERSION } from '../../client/src/version.js';

const run = promisify(execFile);
const svt = useListeningApp();

describe('the client package, packed and installed as the README says', () => {
  test('records and reads from a project of its own, library and bin', async () => {
    const project = tempDir('svt-client-package-');
    await run('npm', ['pack', '-w', 'client', '--pack-destination', project], { cwd: ROOT });
    const tarball = readdirSync(project).find((f) => f.endsWith('.tgz'));
    expect(tarball).toBe(`svt-client-${VERSION}.tgz`);
    writeFileSync(join(project, 'package.json'), '{"name": "uses-svt", "private": true}\n');
    await run(
      'npm',
      ['install', '--prefer-offline', '--no-audit', '--no-fund', `./${tarball ?? ''}`],
      { cwd: project },
    );

    // No source, no maps: what the package ships is its build, its bin and README.
    const shipped = readdirSync(join(project, 'node_modules', '@svt', 'client'));
    expect(shipped.sort()).toEqual(['README.md', 'bin', 'dist', 'package.json']);

    writeFileSync(
      join(project, 'use.mjs'),
      `import { SvtClient, SvtError } from '@svt/client';
const svt = new SvtClient({ baseUrl: process.env.SVT_URL });
const { deployment, previous } = await svt.record({ env: 'prod', app: 'api', version: '1.4.2' });
const prod = await svt.current('prod');
let refused = '';
try { await svt.record({ env: 'prod', app: 'api', version: '' }); } catch (e) { refused = e instanceof SvtError ? String(e.status) : 'other'; }
console.log(JSON.stringify({ version: deployment.version, previous, now: prod.deployments.map((d) => d.version), refused }));
`,
    );
    const used = await runNode(join(project, 'use.mjs'), [], { SVT_URL: svt().url }, project);
    expect(used.stderr).toBe('');
    expect(JSON.parse(used.stdout)).toEqual({
      version: '1.4.2',
      previous: null,
      now: ['1.4.2'],
      refused: '400',
    });

    const bin = await run('npx', ['--no-install', 'svt', 'list', 'prod'], {
      cwd: project,
      env: { ...process.env, SVT_URL: svt().url },
    });
    expect(bin.stdout).toMatch(/^api\s+1\.4\.2\b/m);
  }, 120_000);
});
