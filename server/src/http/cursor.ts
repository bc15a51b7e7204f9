/**
 * History cursors: a position in the history order, signed with HMAC-SHA256
 * under a server key kept in the store (Store.serverKey), so that nobody
 * can forge or alter one, and one issued by any instance over the same
 * store, before or after a restart, is accepted by every other. The
 * signature also covers the filters the cursor was issued for, so that it
 * cannot be replayed on another query.
 *
 * A cursor is `<payload>.<tag>`: the payload is base64url JSON
 * `{"t": deployedAt ms, "i": id}`, the tag the base64url HMAC of the
 * payload and the filters. Neither is secret; only the tag is checked.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { type HttpProblem, validationProblem } from '../errors.js';
import type { HistoryPosition, HistoryQuery, Store } from '../store/types.js';
import { EARLIEST_INSTANT } from '../validation/instants.js';

/** The filters a cursor is bound to: a history query's, without its position and page size. */
export type CursorFilters = Omit<HistoryQuery, 'after' | 'limit'>;

/** The purpose of the cursors' key in the store. */
export const CURSOR_KEY_PURPOSE = 'history-cursor';

const CURSOR = /^([A-Za-z0-9_-]{1,200})\.([A-Za-z0-9_-]{43})$/;
const CURSOR_ID = /^[0-9A-Za-z]{1,64}$/;

function tagOf(key: Buffer, payload: string, f: CursorFilters): string {
  // Version, payload and filters on separate lines: none of them holds a newline.
  const filters = JSON.stringify([f.env, f.app, f.status, f.since, f.until]);
  return createHmac('sha256', key)
    .update(`svt-cursor-v2\n${payload}\n${filters}`)
    .digest('base64url');
}

function invalidCursor(): HttpProblem {
  return validationProblem([
    {
      path: 'cursor',
      message:
        'is not one this server issued for this query (altered, forged, or from other filters); start again without it',
    },
  ]);
}

/** The cursor for `position` under `filters`, signed with `key` (32 bytes). */
export function signCursor(key: Buffer, position: HistoryPosition, filters: CursorFilters): string {
  const payload = Buffer.from(JSON.stringify({ t: position.deployedAt, i: position.id })).toString(
    'base64url',
  );
  return `${payload}.${tagOf(key, payload, filters)}`;
}

/**
 * The position a cursor holds, once its tag is checked against `key` and
 * `filters`. Throws a 400 HttpProblem naming `cursor` for anything this
 * server did not issue for these filters.
 */
export function verifyCursor(key: Buffer, raw: string, filters: CursorFilters): HistoryPosition {
  const parts = CURSOR.exec(raw);
  const payload = parts?.[1];
  const tag = parts?.[2];
  if (payload === undefined || tag === undefined) throw invalidCursor();
  // The tags are compared as text: base64url's last character has spare
  // bits, and another character there decodes to the same bytes.
  const expected = Buffer.from(tagOf(key, payload, filters));
  const given = Buffer.from(tag);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalidCursor();
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  // Signed by this server, so well formed; checked anyway, like all input.
  const { t, i } = (typeof body === 'object' && body !== null ? body : {}) as {
    t?: unknown;
    i?: unknown;
  };
  if (
    typeof t !== 'number' ||
    !Number.isSafeInteger(t) ||
    t < EARLIEST_INSTANT ||
    typeof i !== 'string' ||
    !CURSOR_ID.test(i)
  ) {
    throw invalidCursor();
  }
  return { deployedAt: t, id: i };
}

/**
 * Signs and checks the history cursors of one app. The key is read from the
 * store on first use and kept for the app's life (it never changes); a
 * failed read is not kept, so the next request asks again.
 */
export class HistoryCursors {
  private key: Promise<Buffer> | null = null;

  constructor(private readonly store: Pick<Store, 'serverKey'>) {}

  private loadKey(): Promise<Buffer> {
    this.key ??= this.store.serverKey(CURSOR_KEY_PURPOSE).catch((err: unknown) => {
      this.key = null;
      throw err;
    });
    return this.key;
  }

  /** The cursor of the page that follows `position` under `filters`. Throws what the store throws. */
  async encode(position: HistoryPosition, filters: CursorFilters): Promise<string> {
    return signCursor(await this.loadKey(), position, filters);
  }

  /** The position of a cursor issued for `filters`; a 400 naming `cursor` for any other. */
  async decode(raw: string, filters: CursorFilters): Promise<HistoryPosition> {
    return verifyCursor(await this.loadKey(), raw, filters);
  }
}
