/**
 * The one error type that reaches the HTTP edge. Routes and validation throw
 * it; the problem middleware turns it into RFC 9457 problem+json. Anything
 * else thrown becomes a 500 whose details only go to the log.
 *
 * A problem echoes the request (paths, keys, quoted values), so what it
 * holds is bounded here, once for every answer (JSON or page): a 64 KB body
 * of a few thousand bad keys, or of reserved keys nested a thousand deep,
 * must not make a 100 MB answer. See ECHO_LIMITS.
 */

export interface FieldError {
  path: string;
  message: string;
}

export interface ProblemInit {
  /** A short, stable, kebab-case code; becomes the problem `type` URI's last segment. */
  code: string;
  title: string;
  detail?: string;
  errors?: FieldError[];
  headers?: Record<string, string>;
}

/**
 * How much of a request one problem may echo back, in bytes of the JSON
 * answer (a control character costs 6, `\u0001`; a CJK one 3).
 */
export const ECHO_LIMITS = {
  /** Field errors listed at most; the detail says how many there were. */
  errors: 20,
  /** Bytes of a field error's path (a key alone may be 60,000 characters long). */
  path: 200,
  /** Bytes of a field error's message. */
  message: 600,
  /** Bytes of the detail. */
  detail: 1000,
  /** Bytes of all listed errors together. */
  listed: 4096,
} as const;

/** Bytes that one UTF-16 code unit takes in a JSON string, UTF-8 encoded (a surrogate: half of 4). */
function jsonBytes(unit: number): number {
  if (unit === 0x22 || unit === 0x5c || unit === 0x08 || unit === 0x09) return 2;
  if (unit === 0x0a || unit === 0x0c || unit === 0x0d) return 2;
  if (unit < 0x20) return 6;
  if (unit < 0x80) return 1;
  if (unit < 0x800 || (unit >= 0xd800 && unit <= 0xdfff)) return 2;
  return 3;
}

/**
 * `text` cut to at most `max` bytes as a JSON string's content, with an
 * ellipsis (3 bytes) when cut; never half of a surrogate pair.
 */
export function cut(text: string, max: number): string {
  let used = 0;
  let end = 0;
  while (end < text.length && used + jsonBytes(text.charCodeAt(end)) <= max) {
    used += jsonBytes(text.charCodeAt(end));
    end++;
  }
  if (end === text.length) return text;
  while (end > 0 && used > max - 3) {
    end--;
    used -= jsonBytes(text.charCodeAt(end));
  }
  const head = text.slice(0, end);
  return `${/[\uD800-\uDBFF]$/.test(head) ? head.slice(0, -1) : head}…`;
}

/** The errors that one answer lists: the first ones, each cut, within ECHO_LIMITS. */
function listed(errors: readonly FieldError[]): FieldError[] {
  const out: FieldError[] = [];
  let size = 0;
  for (const e of errors) {
    if (out.length >= ECHO_LIMITS.errors) break;
    const entry = {
      path: cut(e.path, ECHO_LIMITS.path),
      message: cut(e.message, ECHO_LIMITS.message),
    };
    size += Buffer.byteLength(JSON.stringify(entry)) + 1;
    if (size > ECHO_LIMITS.listed) break;
    out.push(entry);
  }
  return out;
}

export class HttpProblem extends Error {
  override name = 'HttpProblem';
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string | undefined;
  readonly errors: FieldError[] | undefined;
  readonly headers: Record<string, string>;

  /** `detail` and `errors` are cut to ECHO_LIMITS. */
  constructor(status: number, init: ProblemInit) {
    const detail = init.detail === undefined ? undefined : cut(init.detail, ECHO_LIMITS.detail);
    super(detail ?? init.title);
    this.status = status;
    this.code = init.code;
    this.title = init.title;
    this.detail = detail;
    this.errors = init.errors === undefined ? undefined : listed(init.errors);
    this.headers = init.headers ?? {};
  }
}

/**
 * 400 for a request whose fields break the rules; one entry per offending
 * field, the first ones only when there are many (ECHO_LIMITS), and the
 * detail says how many there were.
 */
export function validationProblem(errors: FieldError[]): HttpProblem {
  const shown = listed(errors);
  const first = shown[0];
  const paths = shown.map((e) => e.path).join(', ');
  const detail =
    errors.length === 1 && first !== undefined
      ? // The body itself (a JSON array where an object belongs) has no path to name.
        first.path === ''
        ? first.message
        : `${first.path}: ${first.message}`
      : shown.length < errors.length
        ? `${errors.length} fields are invalid; the first ${shown.length} are listed: ${paths}`
        : `${errors.length} fields are invalid: ${paths}`;
  return new HttpProblem(400, {
    code: 'validation',
    title: 'Invalid request',
    detail,
    errors: shown,
  });
}

export function badRequest(code: string, detail: string): HttpProblem {
  return new HttpProblem(400, { code, title: 'Bad request', detail });
}

export function notFound(detail: string): HttpProblem {
  return new HttpProblem(404, { code: 'not-found', title: 'Not found', detail });
}
