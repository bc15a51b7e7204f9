/**
 * What each read route takes: its path parameters and its query string, one
 * joi schema each, built from the rules of rules.ts. The routes validate
 * with them (http/query.ts) and the OpenAPI document derives its parameters
 * from them, so that a rule changes both at once.
 */
import type Joi from 'joi';
import type { DeploymentStatus } from '@svt/client';
import { MAX_WINDOW_DAYS, parseWindow } from '../dora.js';
import { EVENT_ID } from '../store/outbox-types.js';
import { STAGES } from '../stages.js';
import { J, quote } from './joi.js';
import {
  APP_RULE,
  ENV_PATTERN,
  ENV_RULE,
  type Keys,
  appName,
  envName,
  queryInstant,
  statusName,
  text,
} from './rules.js';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 100;

/** A route's parameters: the path's and the query string's, each an object schema. */
export interface RouteParams<P, Q> {
  path: Joi.ObjectSchema<P>;
  query: Joi.ObjectSchema<Q>;
  /**
   * Query parameters that may be given more than once, as a form's
   * checkboxes send them (`env=dev&env=prod`): their values are joined
   * with commas into one list (`env=dev,prod`) before validation. Any
   * other parameter given twice is refused. Default: none.
   */
  lists?: readonly string[];
}

// An empty value (`?env=`) means the parameter is absent, as a form sends it.
const optional = <T extends Joi.AnySchema>(schema: T): T => schema.empty('');

/** A query string of these keys; any other parameter is refused, so a typo is not silently ignored. */
const queryOf = <Q>(keys: Keys) =>
  J.object<Q>(keys).meta({ messages: { 'object.unknown': 'is not a known parameter' } });
const pathOf = <P>(keys: Keys) => J.object<P>(keys);
const none = J.object<Record<string, never>>({}).meta({
  messages: {
    'object.unknown': 'is not a known parameter',
  },
});

const ENV = { env: envName().required() };
const APP = { app: appName().required() };
const cursor = () => J.string().description("the previous page's `next`");
const format = () =>
  J.string()
    .valid('json', 'csv')
    .default('json')
    .meta({ messages: { 'any.only': 'must be json or csv' } })
    .description('`csv` for a spreadsheet');
const limit = () =>
  J.number()
    .integer()
    .min(1)
    .max(MAX_LIMIT)
    .default(DEFAULT_LIMIT)
    .meta({
      messages: {
        'number.base': `must be an integer 1-${MAX_LIMIT}`,
        'number.integer': `must be an integer 1-${MAX_LIMIT}`,
        'number.min': `must be an integer 1-${MAX_LIMIT}`,
        'number.max': `must be an integer 1-${MAX_LIMIT}`,
      },
    })
    .description('page size');

export interface HistoryParams {
  env?: string;
  app?: string;
  status?: DeploymentStatus;
  since?: number;
  until?: number;
  limit: number;
  cursor?: string;
  format: 'json' | 'csv';
}
const historyKeys = (): Keys => ({
  env: optional(envName()),
  app: optional(appName()),
  status: optional(statusName()),
  since: optional(queryInstant('start, inclusive, on deployedAt')),
  until: optional(queryInstant('end, exclusive')),
  limit: optional(limit()),
  cursor: optional(cursor()),
  format: optional(format()),
});

/** `GET /api/v1/deployments`. */
export const historyParams: RouteParams<object, HistoryParams> = {
  path: pathOf({}),
  query: queryOf(historyKeys()),
};

/** `GET /api/v1/changes`: history with the environment and the start of the window required. */
export const changesParams: RouteParams<object, HistoryParams & { env: string; since: number }> = {
  path: pathOf({}),
  query: queryOf({
    ...historyKeys(),
    env: envName().required(),
    since: queryInstant('start of the window, inclusive')
      .required()
      .meta({ messages: { 'any.required': 'is required: the start of the window (inclusive)' } }),
  }),
};

/** A deployment id in a path: a ULID, as the server makes them and import accepts. */
export const DEPLOYMENT_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** `GET /api/v1/deployments/{id}` and `/deployments/{id}/changes`. */
export const deploymentParams: RouteParams<{ id: string }, Record<string, never>> = {
  path: pathOf({
    id: J.string()
      .pattern(DEPLOYMENT_ID)
      .required()
      .meta({
        messages: { 'string.pattern.base': 'must be a deployment id: 26 characters, a ULID' },
      })
      .description("a deployment's id"),
  }),
  query: none,
};

/** Routes that take no query parameter: the catalogue lists and an application's state. */
export const noParams: RouteParams<object, Record<string, never>> = {
  path: pathOf({}),
  query: none,
};
export const appParams: RouteParams<{ app: string }, Record<string, never>> = {
  path: pathOf(APP),
  query: none,
};

export interface AtParams {
  at?: number;
  format: 'json' | 'csv';
}
/** `GET /api/v1/environments/{env}`. */
export const environmentParams: RouteParams<{ env: string }, AtParams> = {
  path: pathOf(ENV),
  query: queryOf({
    at: optional(queryInstant('a past instant')),
    format: optional(format()),
  }),
};

export interface CompareParams {
  from?: string;
  to?: string;
  at?: number;
}
/** The view choices of the pages that list applications: a filter and differences only. */
export interface ViewChoices {
  /** Only the applications whose name matches this (pages/fuzzy.ts), as the filter box does. */
  q?: string;
  /** Only the applications that differ (false when absent). */
  diff: boolean;
}
const viewKeys = (differ: string): Keys => ({
  q: optional(
    text(200)
      .trim()
      .description('only the applications whose name matches: `pay svc` finds `payment-service`'),
  ),
  diff: optional(
    J.boolean()
      .truthy('1', 'on')
      .falsy('0', 'off')
      .default(false)
      .meta({ messages: { 'boolean.base': 'must be 1 or 0' } })
      .description(`1: only the applications ${differ}`),
  ),
});
const compareKeys = (required: boolean): Keys => {
  const env = () => (required ? envName().required() : optional(envName()));
  return {
    from: env().description('one environment'),
    to: env().description('the other'),
    at: optional(queryInstant('a past instant')),
  };
};
/** `GET /api/v1/compare`. */
export const compareParams: RouteParams<object, CompareParams & { from: string; to: string }> = {
  path: pathOf({}),
  query: queryOf(compareKeys(true)),
};

export interface DoraParams {
  env?: string;
  app?: string;
  window: string;
  until?: number;
}
/** `GET /api/v1/dora` and the DORA page. */
export const doraParams: RouteParams<object, DoraParams> = {
  path: pathOf({}),
  query: queryOf({
    env: optional(envName().description('only this environment (default: all)')),
    app: optional(appName().description('only this application (default: all)')),
    window: optional(
      J.string()
        .pattern(/^[1-9][0-9]{0,3}[hdw]$/)
        .custom((v: string, helpers) =>
          parseWindow(v) === null ? helpers.error('any.invalid') : v,
        )
        .default('30d')
        .meta({
          messages: {
            'string.pattern.base': `must be a number of hours, days or weeks such as 24h, 30d or 12w, at most ${MAX_WINDOW_DAYS} days`,
            'any.invalid': `must be a number of hours, days or weeks such as 24h, 30d or 12w, at most ${MAX_WINDOW_DAYS} days`,
          },
        })
        .description(`24h, 30d, 12w; at most ${MAX_WINDOW_DAYS} days`),
    ),
    until: optional(queryInstant('end of the window, exclusive (default: now)')),
  }),
};

/** `GET /list?env=` and `/list/{env}`: the seed's routes, which never refused other parameters. */
export const legacyListParams: RouteParams<object, { env: string }> = {
  path: pathOf({}),
  query: J.object<{ env: string }>({ env: envName().required() }).unknown(true),
};
export const legacyListPathParams: RouteParams<{ env: string }, object> = {
  path: pathOf(ENV),
  query: J.object({}).unknown(true),
};

/** `GET /badge/{env}/{app}.svg`. */
export const badgeParams: RouteParams<{ env: string; file: string }, Record<string, never>> = {
  path: pathOf({
    ...ENV,
    file: J.string()
      .pattern(/\.svg$/)
      .custom((v: string, helpers) => {
        const { error } = appName().validate(v.slice(0, -4));
        return error === undefined ? v : helpers.error('badge.app');
      })
      .meta({
        messages: { 'string.pattern.base': 'must be <app>.svg', 'badge.app': `<app> ${APP_RULE}` },
      })
      .description('`<app>.svg`')
      .required(),
  }),
  query: none,
};

/** `GET /api/v1/webhooks/deliveries`: given-up deliveries by default. */
export const deliveriesParams: RouteParams<object, { state: 'failed' | 'pending'; limit: number }> =
  {
    path: pathOf({}),
    query: queryOf({
      state: optional(
        J.string()
          .valid('failed', 'pending')
          .default('failed')
          .meta({ messages: { 'any.only': 'must be failed or pending' } })
          .description('`failed`: given up, latest first; `pending`: waiting, longest first'),
      ),
      limit: optional(limit()),
    }),
  };
/** `POST /api/v1/webhooks/deliveries/{delivery}/redeliver`. */
export const deliveryParams: RouteParams<{ delivery: string }, Record<string, never>> = {
  path: pathOf({
    delivery: J.string()
      .pattern(EVENT_ID)
      .meta({ messages: { 'string.pattern.base': 'must be a delivery id (its X-SVT-Event-Id)' } })
      .description('the delivery (event) id, as in its `X-SVT-Event-Id` header')
      .required(),
  }),
  query: none,
};

// The pages take the API's parameters, as a person's browser sends them.

/** `/env?name=`, the selector's form without JavaScript. */
export const envSelectParams: RouteParams<object, { name: string }> = {
  path: pathOf({}),
  query: queryOf({ name: envName().required() }),
};
/** `/env/{env}`. */
export const envPageParams: RouteParams<{ env: string }, { at?: number }> = {
  path: pathOf(ENV),
  query: queryOf({ at: optional(queryInstant('a past instant')) }),
};
/** `/env/{env}/changes`: since defaults to a week ago. */
export const changesPageParams: RouteParams<
  { env: string },
  { since?: number; until?: number; cursor?: string }
> = {
  path: pathOf(ENV),
  query: queryOf({
    since: optional(queryInstant('start, inclusive (default: 7 days ago)')),
    until: optional(queryInstant('end, exclusive')),
    cursor: optional(cursor()),
  }),
};
/** `/app/{app}`. */
export const appPageParams: RouteParams<
  { app: string },
  { env?: string; status?: DeploymentStatus; cursor?: string }
> = {
  path: pathOf(APP),
  query: queryOf({
    env: optional(envName().description('history filter')),
    status: optional(statusName().description('history filter')),
    cursor: optional(cursor()),
  }),
};
/** `/compare`: both environments optional (the last promotion step by default). */
export const comparePageParams: RouteParams<object, CompareParams & ViewChoices> = {
  path: pathOf({}),
  query: queryOf({
    ...compareKeys(false),
    ...viewKeys('whose versions differ between the two'),
  }),
};

/** The values `?stage=` takes: the promotion stages, and `other` for names that say none. */
export const STAGE_CHOICES: readonly string[] = [...STAGES, 'other'];

/**
 * A list in a query string, `dev,prod` (or the parameter repeated: see
 * RouteParams.lists): its items trimmed, empty ones and repeats dropped,
 * each checked by `valid`; an array of them in that order.
 */
const listOf = (valid: (item: string) => boolean, rule: string, description: string) =>
  J.string()
    .max(4096)
    .custom((value: string, helpers) => {
      const items = [...new Set(value.split(',').map((item) => item.trim()))].filter(
        (item) => item !== '',
      );
      const bad = items.find((item) => !valid(item));
      return bad === undefined ? items : helpers.error('list.item', { got: quote(bad) });
    }, 'list')
    .meta({ messages: { 'list.item': `${rule}; got {#got}` } })
    .description(`${description}, comma-separated (or the parameter repeated)`);

export interface OverviewParams extends ViewChoices {
  /** The stages whose environments to show (STAGE_CHOICES); with `env`, both add up. */
  stage?: string[];
  /** The environments to show, by name. */
  env?: string[];
  at?: number;
}
/** `/`: every environment, or those chosen; now, or at a past instant. */
export const overviewPageParams: RouteParams<object, OverviewParams> = {
  path: pathOf({}),
  query: queryOf({
    ...viewKeys('whose version differs from one shown environment to the next'),
    stage: optional(
      listOf(
        (item) => STAGE_CHOICES.includes(item),
        `each must be a stage: ${STAGE_CHOICES.slice(0, -1).join(', ')} or other`,
        'the stages whose environments to show',
      ),
    ),
    env: optional(
      listOf(
        (item) => ENV_PATTERN.test(item),
        `each name ${ENV_RULE}`,
        'the environments to show; with stage, both add up',
      ),
    ),
    at: optional(queryInstant('a past instant')),
  }),
  lists: ['stage', 'env'],
};
