/**
 * `svt-server token create|list|revoke`: token administration, done with
 * access to the database (the same SVT_DB or SVT_MONGODB_URL as the server),
 * never over HTTP. A running server sees a change at its next request.
 */
import { generateToken, hashToken, parseScopes, TOKEN_NAME_PATTERN } from './auth/tokens.js';
import { TokenNameTaken } from './store/shared.js';
import type { Store } from './store/types.js';

export interface Output {
  out: (text: string) => void;
  err: (text: string) => void;
}

export class CommandError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2,
  ) {
    super(message);
  }
}

/** Creates a token and prints it once, alone on stdout so that a script can capture it. */
export async function createToken(
  store: Store,
  name: string,
  scope: string,
  io: Output,
): Promise<void> {
  if (!TOKEN_NAME_PATTERN.test(name)) {
    throw new CommandError(
      `--name must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit, got ${JSON.stringify(name)}`,
      2,
    );
  }
  let scopes: string[];
  try {
    scopes = parseScopes(scope);
  } catch (err) {
    throw new CommandError((err as Error).message, 2);
  }
  const token = generateToken();
  try {
    await store.createToken({
      name,
      hash: hashToken(token),
      scopes,
      createdAt: Date.now(),
      lastUsedAt: null,
      revokedAt: null,
    });
  } catch (err) {
    if (err instanceof TokenNameTaken) throw new CommandError(err.message, 1);
    throw err;
  }
  io.out(token);
  io.err(
    `Token "${name}" created with scopes ${scopes.join(', ')}. It is shown only now: ` +
      'store it as a secret (SVT_TOKEN) and send it as "Authorization: Bearer <token>".',
  );
}

const when = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString());

/**
 * Prints every token (revoked ones too) as a table on stdout, never a
 * secret. LAST USED is what the server has written, and it writes uses
 * once a minute (auth/policy.ts TokenUsage): the note on stderr says so.
 */
export async function listTokens(store: Store, io: Output): Promise<void> {
  const tokens = await store.listTokens();
  if (tokens.length === 0) {
    io.err('No token yet: svt-server token create --name <name> --scope <scopes>');
    return;
  }
  const rows = [
    ['NAME', 'SCOPES', 'CREATED', 'LAST USED', 'REVOKED'],
    ...tokens.map((t) => [
      t.name,
      t.scopes.join(','),
      when(t.createdAt),
      when(t.lastUsedAt),
      when(t.revokedAt),
    ]),
  ];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  for (const row of rows)
    io.out(
      row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    );
  io.err(
    'LAST USED is up to a minute behind: a running server records token use once a minute, and when it stops.',
  );
}

export async function revokeToken(store: Store, name: string, io: Output): Promise<void> {
  if (!(await store.revokeToken(name, Date.now()))) {
    throw new CommandError(`no active token named ${JSON.stringify(name)}`, 1);
  }
  io.err(
    `Token "${name}" revoked: requests with it, and its login sessions, are refused from now on.`,
  );
}
