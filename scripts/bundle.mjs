// Bundles the single-file artifacts with esbuild:
//   cli     client/src/svt.ts     -> client/dist/svt.mjs  (built by `npm ci`, served at /cli/svt.mjs)
//   action  action/src/index.ts   -> action/dist/index.js (committed: GitHub runs it as is)
// Usage: node scripts/bundle.mjs <cli|action>... ; `bundle(name, { write: false })`
// returns the text instead, which the freshness test compares with action/dist.
import { build } from 'esbuild';
import { chmodSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// CommonJS dependencies (undici, tunnel) call require(): give ESM output one.
const requireShim =
  "import { createRequire as __svtCreateRequire } from 'node:module';\n" +
  'const require = __svtCreateRequire(import.meta.url);';

// @actions/http-client imports undici (780 KB bundled) only for
// getAgentDispatcher(), the fetch-style proxy hook, which SVT never calls:
// its requests go through node:http, with proxies handled by `tunnel`.
// Resolve undici to a stub that says so if it is ever reached.
const undiciStub = {
  name: 'undici-stub',
  setup(b) {
    b.onResolve({ filter: /^undici$/ }, () => ({ path: 'undici', namespace: 'undici-stub' }));
    b.onLoad({ filter: /.*/, namespace: 'undici-stub' }, () => ({
      contents:
        'export class ProxyAgent { constructor() { throw new Error("undici is not bundled: SVT does not use getAgentDispatcher()"); } }',
      loader: 'js',
    }));
  },
};

// `tunnel` (@actions/http-client's proxy tunnels) encodes the proxy's
// credentials with `new Buffer()`. Node warns (DEP0005) about that call
// except from inside node_modules, which a bundle no longer is: every
// record through a proxy with a user and password printed a deprecation
// warning in the CI log. The same bytes with Buffer.from; the build stops
// if tunnel ever changes that line, rather than let the warning back.
const tunnelBufferFrom = {
  name: 'tunnel-buffer-from',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]tunnel[\\/]lib[\\/]tunnel\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      const call = 'new Buffer(connectOptions.proxyAuth)';
      if (!text.includes(call))
        throw new Error(`${args.path} no longer has ${call}: see bundle.mjs`);
      return {
        contents: text.replace(call, 'Buffer.from(connectOptions.proxyAuth)'),
        loader: 'js',
      };
    });
  },
};

export const TARGETS = {
  cli: {
    entryPoints: ['client/src/svt.ts'],
    outfile: 'client/dist/svt.mjs',
    banner: `#!/usr/bin/env node\n// svt: the SVT command-line client, one file, no dependency. \`node svt.mjs --help\`\n${requireShim}`,
  },
  action: {
    entryPoints: ['action/src/index.ts'],
    // From the client's sources, not its build: the bundle depends on nothing built before it.
    alias: { '@svt/client': './client/src/index.ts' },
    outfile: 'action/dist/index.js',
    banner: `// The SVT GitHub Action, bundled by \`npm run build:action\`. Do not edit.\n${requireShim}`,
  },
};

/** Bundles one target; with `write: false`, resolves with the bundle's text instead. */
export async function bundle(name, { write = true } = {}) {
  const target = TARGETS[name];
  if (target === undefined)
    throw new Error(`unknown bundle ${name}; expected one of ${Object.keys(TARGETS).join(', ')}`);
  const result = await build({
    absWorkingDir: root,
    entryPoints: target.entryPoints,
    alias: target.alias ?? {},
    outfile: target.outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    banner: { js: target.banner },
    legalComments: 'eof',
    plugins: [undiciStub, tunnelBufferFrom],
    logLevel: 'warning',
    write,
  });
  if (!write) return result.outputFiles[0].text;
  chmodSync(join(root, target.outfile), 0o755);
  return undefined;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const name of process.argv.slice(2)) await bundle(name);
}
