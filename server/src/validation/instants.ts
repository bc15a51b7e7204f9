/**
 * ISO 8601 instants, read by hand rather than with `Date.parse` or joi's
 * `date().iso()`: both take a zone-less string as the server's local time
 * (whose local time?) and roll 2026-02-30 over into March, and `Date.UTC`
 * maps the years 0-99 to 1900-1999. Years 0000-9999 are read as written.
 */

/** 2000-01-01T00:00:00Z: body instants before it are refused as implausible (a typo, a unit error). */
export const PLAUSIBLE_FLOOR = Date.UTC(2000, 0, 1);

/** Clock skew allowed: a deployment at most this far ahead of the server, a commit after its deployment. */
export const MAX_SKEW_MS = 5 * 60 * 1000;

/** 0000-01-01T00:00:00Z, the earliest instant that ISO 8601's four-digit years can write. */
export const EARLIEST_INSTANT = utc(0, 1, 1, 0, 0, 0, 0);
/** 9999-12-31T23:59:59.999Z, the latest. */
export const LATEST_INSTANT = utc(9999, 12, 31, 23, 59, 59, 999);

const INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?([Zz]|([+-])(\d{2}):?(\d{2}))$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

// An offset's "+" pasted unencoded into a query string reads as a space:
// `...T10:30:00+01:00` arrives as `...T10:30:00 01:00`. Only a space right
// after a time and before a two-digit hour offset (HH:MM or HHMM) is taken
// for it: nothing else can be meant there.
const PASTED_OFFSET =
  /^(\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?) (\d{2}:?\d{2})$/;

/** Epoch ms of a UTC date and time, with years 0-99 taken as written (`Date.UTC` adds 1900). */
function utc(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  ms: number,
): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, ms);
  return date.getTime();
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysIn(year: number, month: number): number {
  if (month === 2) return isLeap(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * Parses an ISO 8601 instant that names its zone (`Z` or an offset `+01:00`
 * or `-0530`; `T`, `t` or a space between date and time; at most nine
 * fractional digits, cut to milliseconds) into epoch milliseconds, negative
 * before 1970. With `allowDate`, a plain date `2026-11-28` means 00:00 UTC.
 * Returns null for anything else: no zone, a day or hour out of range
 * (2026-02-30, 24:00), an instant outside the years 0000-9999 once its
 * offset is applied (it could not be written back as an ISO 8601 instant).
 */
export function parseInstant(text: string, allowDate = false): number | null {
  const date = allowDate ? DATE.exec(text) : null;
  const m = date ?? INSTANT.exec(text);
  if (m === null) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return null;
  if (date !== null) return utc(year, month, day, 0, 0, 0, 0);
  const [hour, minute, second] = [Number(m[4]), Number(m[5]), Number(m[6] ?? 0)];
  if (hour > 23 || minute > 59 || second > 59) return null;
  const millis = Number((m[7] ?? '0').padEnd(3, '0').slice(0, 3));
  let offset = 0;
  if (m[9] !== undefined) {
    const [oh, om] = [Number(m[10]), Number(m[11])];
    if (oh > 23 || om > 59) return null;
    offset = (m[9] === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
  }
  const ms = utc(year, month, day, hour, minute, second, millis) - offset;
  return ms >= EARLIEST_INSTANT && ms <= LATEST_INSTANT ? ms : null;
}

/**
 * A query string's instant as its author wrote it: `2026-11-28T10:30:00 01:00`
 * (an unencoded `+` decoded to a space) becomes `2026-11-28T10:30:00+01:00`;
 * any other text is returned unchanged.
 */
export function repairPastedOffset(text: string): string {
  const m = PASTED_OFFSET.exec(text);
  return m === null ? text : `${m[1]}+${m[2]}`;
}
