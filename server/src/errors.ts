/**
 * The one error type that reaches the HTTP edge. Routes and validation throw
 * it; the problem middleware turns it into RFC 9457 problem+json. Anything
 * else thrown becomes a 500 whose details only go to the log.
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

export class HttpProblem extends Error {
  override name = 'HttpProblem';
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string | undefined;
  readonly errors: FieldError[] | undefined;
  readonly headers: Record<string, string>;

  constructor(status: number, init: ProblemInit) {
    super(init.detail ?? init.title);
    this.status = status;
    this.code = init.code;
    this.title = init.title;
    this.detail = init.detail;
    this.errors = init.errors;
    this.headers = init.headers ?? {};
  }
}

/** 400 for a request whose fields break the rules; one entry per offending field. */
export function validationProblem(errors: FieldError[]): HttpProblem {
  const first = errors[0];
  const detail =
    errors.length === 1 && first !== undefined
      ? `${first.path}: ${first.message}`
      : `${errors.length} fields are invalid: ${errors.map((e) => e.path).join(', ')}`;
  return new HttpProblem(400, { code: 'validation', title: 'Invalid request', detail, errors });
}

export function badRequest(code: string, detail: string): HttpProblem {
  return new HttpProblem(400, { code, title: 'Bad request', detail });
}

export function notFound(detail: string): HttpProblem {
  return new HttpProblem(404, { code: 'not-found', title: 'Not found', detail });
}
