/**
 * The body of `POST /api/v1/deployments`, as a joi schema built from the
 * rules of rules.ts, and its reading into a NewDeployment. The same fields
 * serve `svt-server import` (exported.ts), with the instants taken as they
 * were stored.
 */
import type { AttributeValue, DeploymentStatus } from '@svt/client';
import type { NewDeployment } from '../store/types.js';
import { check, contextValue, J, takeReservedKeys } from './joi.js';
import {
  type Keys,
  RESERVED_KEY_RULE,
  appName,
  attributes,
  bodyInstant,
  commitId,
  envName,
  httpUrl,
  isReservedKey,
  repositoryUrl,
  statusName,
  text,
  versionName,
} from './rules.js';

/** A body's fields once valid; instants in epoch ms; null and absent alike. */
export interface DeploymentFields {
  env: string;
  app: string;
  version: string;
  status?: DeploymentStatus | null;
  deployedAt?: number | null;
  commit?: string | null;
  committedAt?: number | null;
  ref?: string | null;
  repository?: string | null;
  url?: string | null;
  pipelineUrl?: string | null;
  actor?: string | null;
  source?: string | null;
  attributes?: Record<string, AttributeValue> | null;
}

/**
 * The write fields. `plausible`: the instants must be plausible for a new
 * record (not before 2000, a commit at most 5 minutes after its deployment);
 * off for history being imported as it was stored.
 */
export function deploymentKeys(plausible: boolean): Keys {
  const deployedAt = bodyInstant()
    .notFuture()
    .description('default: time of receipt; at most 5 min ahead of the server');
  const committedAt = bodyInstant().description(
    'at most 5 min after deployedAt (or the time of receipt): a commit precedes its deployment',
  );
  return {
    env: envName().required(),
    app: appName().required(),
    version: versionName()
      .custom((v: string, helpers) => {
        const pattern: unknown = contextValue('versionPattern');
        return pattern instanceof RegExp && !pattern.test(v) ? helpers.error('version.pattern') : v;
      }, 'SVT_VERSION_PATTERN')
      .meta({
        messages: { 'version.pattern': 'must match the pattern set in SVT_VERSION_PATTERN' },
      })
      .required(),
    status: statusName().allow(null).description('default: success'),
    deployedAt: (plausible ? deployedAt.plausible() : deployedAt).allow(null),
    commit: commitId().allow(null),
    committedAt: (plausible ? committedAt.plausible().notAfter('deployedAt') : committedAt).allow(
      null,
    ),
    ref: text(256).allow(null),
    repository: repositoryUrl().allow(null),
    url: httpUrl().allow(null),
    pipelineUrl: httpUrl().allow(null),
    actor: text(128).allow(null),
    source: text(64).allow(null),
    attributes: attributes().allow(null),
  };
}

const bodyOf = (plausible: boolean) =>
  J.object<DeploymentFields>(deploymentKeys(plausible)).meta({
    messages: {
      'object.base': 'the body must be a JSON object',
      'object.unknown': 'is not a known field (extra data goes under "attributes")',
    },
  });

/** The body of `POST /api/v1/deployments`. */
export const deploymentBody = bodyOf(true);
const storedBody = bodyOf(false);

export interface ValidateOptions {
  /** The operator's SVT_VERSION_PATTERN, applied on top of the general rule. */
  versionPattern: RegExp | null;
  /** The server's clock, in epoch ms: deployedAt when the body has none. */
  now: number;
  recordedBy: string | null;
  /** History imported as it was stored (import-legacy): no 2000 floor, no commit order. Default false. */
  asStored?: boolean;
}

/** The NewDeployment that valid fields describe; deployedAt defaults to `now`. */
export function toNewDeployment(
  d: DeploymentFields,
  now: number,
  recordedBy: string | null,
): NewDeployment {
  return {
    env: d.env,
    app: d.app,
    version: d.version,
    status: d.status ?? 'success',
    deployedAt: d.deployedAt ?? now,
    commit: d.commit ?? null,
    committedAt: d.committedAt ?? null,
    ref: d.ref ?? null,
    repository: d.repository ?? null,
    url: d.url ?? null,
    pipelineUrl: d.pipelineUrl ?? null,
    actor: d.actor ?? null,
    source: d.source ?? null,
    attributes: d.attributes ?? {},
    recordedBy,
  };
}

/**
 * Validates a parsed JSON body against `deploymentBody`; throws a 400
 * HttpProblem listing every bad field (`path`, `message`), reserved keys
 * (`__proto__`, `constructor`, `prototype`, `$...`) at any depth included.
 * Removes those keys from `body`.
 */
export function parseDeployment(body: unknown, options: ValidateOptions): NewDeployment {
  const errors = takeReservedKeys(body, isReservedKey, RESERVED_KEY_RULE);
  const fields = check(options.asStored === true ? storedBody : deploymentBody, body, {
    context: { now: options.now, versionPattern: options.versionPattern },
    errors,
  });
  return toNewDeployment(fields, options.now, options.recordedBy);
}
