/**
 * Flux events into SVT deployments. notification-controller's `generic` and
 * `generic-hmac` providers POST each event as the JSON of fluxcd/pkg
 * `apis/event/v1beta1` `Event`; which of them are deployments, and what SVT
 * records of them, is decided here (the README's "Flux" section says the
 * same for operators).
 */
import type { DeploymentStatus } from '@svt/client';
import type Joi from 'joi';
import { check, takeReservedKeys } from '../validation/joi.js';
import { J } from '../validation/joi.js';
import { isReservedKey, RESERVED_KEY_RULE } from '../validation/rules.js';
import { splitRevision } from './flux-revision.js';
import { type HookQuery, type Verdict, attributesOf, ignored, str } from './verdict.js';

/** The fields of a Flux event SVT reads; others are allowed and ignored. */
export interface FluxEvent {
  involvedObject: { kind: string; name: string; namespace?: string; uid?: string };
  severity?: string;
  timestamp: string;
  message?: string;
  reason: string;
  metadata?: Record<string, string>;
  reportingController?: string;
}

const text = () => J.string().allow('');

/** The body of `POST /api/v1/hooks/flux`: a Flux event (unknown fields allowed, as Flux adds some). */
export const fluxEventBody: Joi.ObjectSchema<FluxEvent> = J.object<FluxEvent>({
  involvedObject: J.object({
    kind: J.string().required().description('HelmRelease, Kustomization, ...'),
    name: J.string().required(),
    namespace: text(),
    uid: text(),
  })
    .unknown(true)
    .required(),
  severity: text().description('info or error'),
  timestamp: J.string().required().description('RFC 3339, when the controller emitted it'),
  message: text(),
  reason: J.string().required().description('UpgradeSucceeded, ReconciliationSucceeded, ...'),
  metadata: J.object()
    .pattern(/^/, text())
    .description("revision, app-version, ... and the Alert's eventMetadata"),
  reportingController: text(),
})
  .unknown(true)
  .meta({ messages: { 'object.base': 'the body must be a JSON object: a Flux event' } })
  .description(
    'A Flux notification-controller event, as its generic and generic-hmac providers send it',
  );

/** The HelmRelease reasons that are deployments (helm-controller `api/v2` condition_types.go). */
const HELM_RELEASE = new Map<string, DeploymentStatus>([
  ['InstallSucceeded', 'success'],
  ['UpgradeSucceeded', 'success'],
  // Remediation: `revision` is the previous chart version, the one that runs again.
  ['RollbackSucceeded', 'success'],
  ['InstallFailed', 'failure'],
  ['UpgradeFailed', 'failure'],
  ['RollbackFailed', 'failure'],
]);

/**
 * The Kustomization reasons that are deployments. Every event of
 * kustomize-controller carries the Ready condition's reason of the moment;
 * these are those of a finished run (fluxcd/pkg `apis/meta`).
 */
const KUSTOMIZATION = new Map<string, DeploymentStatus>([
  ['ReconciliationSucceeded', 'success'],
  ['ReconciliationFailed', 'failure'],
  ['BuildFailed', 'failure'],
  ['HealthCheckFailed', 'failure'],
  ['PruneFailed', 'failure'],
]);

/** Why the other reasons Flux sends are not deployments. */
const NOT_DEPLOYMENTS = new Map<string, string>([
  [
    'Progressing',
    'a progress report (objects applied, pruned, or a health check passed); the deployment is recorded from the ReconciliationSucceeded event that ends the run',
  ],
  ['DependencyNotReady', 'waiting for dependencies: nothing was deployed'],
  ['ArtifactFailed', 'the source artifact could not be fetched: nothing was deployed'],
  ['HealthCheckCanceled', 'a health check canceled by a newer revision'],
  ['TestSucceeded', 'a Helm test of a release already recorded'],
  ['TestFailed', 'a Helm test of a release already recorded'],
  ['UninstallSucceeded', 'an uninstall: SVT records what runs, not removals'],
  ['UninstallFailed', 'an uninstall: SVT records what runs, not removals'],
  [
    'DriftDetected',
    'drift detected in a release already recorded: correcting it deploys no new version',
  ],
]);

/** Metadata keys SVT reads itself; the others become attributes. `env` would only confuse with the deployment's own. */
const READ_KEYS = new Set([
  'revision',
  'originRevision',
  'app-version',
  'oci-digest',
  'commit_status',
  'token',
  'env',
]);

/**
 * What a Flux event is to SVT. Throws a 400 HttpProblem naming each field
 * when the body is not a Flux event. A deployment: the HelmRelease and
 * Kustomization reasons above, with a `revision` in the metadata; the app
 * is the metadata's `query.appKey` (default `app`: the object's annotation
 * `event.toolkit.fluxcd.io/app`, which Flux hands over as `app`), else the
 * object's name.
 */
export function fluxVerdict(body: unknown, query: HookQuery): Verdict {
  // Foreign bodies: reserved keys are dropped, not refused (nothing here is merged or stored whole).
  takeReservedKeys(body, isReservedKey, RESERVED_KEY_RULE);
  const event = check(fluxEventBody, body);
  const { kind, name, namespace = '', uid = '' } = event.involvedObject;
  const statuses =
    kind === 'HelmRelease' ? HELM_RELEASE : kind === 'Kustomization' ? KUSTOMIZATION : null;
  if (statuses === null) {
    return ignored(
      `${kind} events are not deployments: SVT records those of HelmRelease and Kustomization objects`,
    );
  }
  const status = statuses.get(event.reason);
  if (status === undefined) {
    return ignored(
      `${kind} ${namespace}/${name} ${event.reason}: ${NOT_DEPLOYMENTS.get(event.reason) ?? 'not a deployment event'}`,
    );
  }
  const metadata = event.metadata ?? {};
  const revision = str(metadata.revision);
  if (revision === null) {
    return ignored(
      `${kind} ${namespace}/${name} ${event.reason}: no revision in its metadata, so no version to record`,
    );
  }
  const appKey = query.appKey ?? 'app';
  const appFromMetadata = str(metadata[appKey]);
  // HelmRelease: the revision is the chart version. Kustomization: a source revision.
  const parts =
    kind === 'HelmRelease'
      ? { version: revision, ref: null, commit: null, digest: null }
      : splitRevision(revision, str(metadata.originRevision));
  const app = appFromMetadata ?? name;
  const extra = Object.keys(metadata)
    .filter((k) => !READ_KEYS.has(k) && k !== appKey)
    .sort()
    .map((k) => [k, metadata[k]] as const);
  return {
    kind: 'deployment',
    body: {
      env: query.env,
      app,
      version: parts.version,
      status,
      deployedAt: event.timestamp,
      ref: parts.ref,
      commit: parts.commit,
      source: 'flux',
      attributes: attributesOf([
        ['fluxObject', `${kind}/${namespace}/${name}`],
        ['fluxReason', event.reason],
        ['fluxRevision', revision === parts.version ? null : revision],
        ['appVersion', metadata['app-version']],
        ['ociDigest', metadata['oci-digest']],
        ['digest', parts.digest],
        ['fluxMessage', status === 'failure' ? (event.message ?? null) : null],
        ...extra,
      ]),
    },
    from: {
      env: 'env (the address query)',
      app: appFromMetadata === null ? 'involvedObject.name' : `metadata.${appKey}`,
      version: 'metadata.revision',
      ref: 'metadata.revision',
      commit: 'metadata.revision',
      deployedAt: 'timestamp',
    },
    identity: {
      env: query.env,
      app,
      object: uid !== '' ? uid : `${kind}/${namespace}/${name}`,
      reason: event.reason,
      revision,
      timestamp: event.timestamp,
    },
  };
}
