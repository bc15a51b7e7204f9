/** This server's version, from its package.json: `svt-server --version` and `/openapi.json` say it. */
import { readFileSync } from 'node:fs';

export function packageVersion(): string {
  const url = new URL('../package.json', import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
}
