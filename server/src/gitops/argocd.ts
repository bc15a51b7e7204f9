/**
 * Argo CD Applications into SVT deployments. The shipped
 * `deploy/argocd/argocd-notifications-cm.yaml` sends the Application itself
 * (a bounded part of it, through one `toJson`), and the mapping lives here,
 * tested, rather than in a template every user copies: see the README's
 * "Argo CD" section for why. The whole Application (`{{ toJson .app }}`) is
 * accepted as well, within the 64 KB body limit. Field names: argo-cd
 * `pkg/apis/application/v1alpha1/types.go`.
 */
import type { DeploymentStatus } from '@svt/client';
import type Joi from 'joi';
import { repositoryPage } from '../forges.js';
import { check, J, takeReservedKeys } from '../validation/joi.js';
import { isHttpUrl, isReservedKey, RESERVED_KEY_RULE } from '../validation/rules.js';
import { type HookQuery, type Verdict, attributesOf, gitVersion, ignored, str } from './verdict.js';

interface Source {
  repoURL?: string | null;
  path?: string | null;
  targetRevision?: string | null;
  chart?: string | null;
}

/** The fields of an Application SVT reads; absent ones may be null (what `dict` makes of them). */
export interface ArgoCdApplication {
  metadata: {
    name: string;
    namespace?: string | null;
    uid?: string | null;
    labels?: Record<string, string> | null;
  };
  spec?: {
    project?: string | null;
    destination?: {
      server?: string | null;
      name?: string | null;
      namespace?: string | null;
    } | null;
    source?: Source | null;
    sources?: Source[] | null;
  } | null;
  status: {
    sync?: { revision?: string | null; revisions?: string[] | null } | null;
    summary?: { images?: string[] | null } | null;
    operationState?: {
      phase?: string | null;
      message?: string | null;
      startedAt?: string | null;
      finishedAt?: string | null;
      operation?: {
        initiatedBy?: { username?: string | null; automated?: boolean | null } | null;
      } | null;
      syncResult?: {
        revision?: string | null;
        revisions?: string[] | null;
        source?: Source | null;
        sources?: Source[] | null;
      } | null;
    } | null;
  };
  context?: { argocdUrl?: string | null } | null;
}

const text = () => J.string().allow('', null);
const object = (keys: Record<string, Joi.Schema>) => J.object(keys).unknown(true).allow(null);
const source = () =>
  object({ repoURL: text(), path: text(), targetRevision: text(), chart: text() });
const strings = () => J.array().items(J.string()).allow(null);
/** Several sources: each an object (a null one would pair no revision with no source). */
const sourceList = () => J.array().items(source().invalid(null)).allow(null);

/** The body of `POST /api/v1/hooks/argocd`: an Application, or the part the shipped template sends. */
export const argoCdApplicationBody: Joi.ObjectSchema<ArgoCdApplication> =
  J.object<ArgoCdApplication>({
    metadata: J.object({
      name: J.string().required(),
      namespace: text(),
      uid: text(),
      labels: J.object().pattern(/^/, text()).allow(null),
    })
      .unknown(true)
      .required(),
    spec: object({
      project: text(),
      destination: object({ server: text(), name: text(), namespace: text() }),
      source: source(),
      sources: sourceList(),
    }),
    status: J.object({
      sync: object({ revision: text(), revisions: strings() }),
      summary: object({ images: strings() }),
      operationState: object({
        phase: text().description('Running, Succeeded, Failed, Error, Terminating'),
        message: text(),
        startedAt: text(),
        finishedAt: text(),
        operation: object({
          initiatedBy: object({ username: text(), automated: J.boolean().allow(null) }),
        }),
        syncResult: object({
          revision: text(),
          revisions: strings(),
          source: source(),
          sources: sourceList(),
        }),
      }),
    })
      .unknown(true)
      .required(),
    context: object({ argocdUrl: text() }).description(
      "the template's `.context`: its argocdUrl links the app",
    ),
  })
    .unknown(true)
    .meta({ messages: { 'object.base': 'the body must be a JSON object: an Argo CD Application' } })
    .description(
      'An Argo CD Application, whole or as deploy/argocd/argocd-notifications-cm.yaml sends it',
    );

/** The operation phases (gitops-engine `OperationPhase`) that are deployments. */
const PHASES = new Map<string, DeploymentStatus>([
  ['Succeeded', 'success'],
  ['Failed', 'failure'],
  ['Error', 'failure'],
  ['Running', 'started'],
]);

const COMMIT = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/**
 * The revision and source of the sync: the sync result's (what was
 * applied), else the Application's `status.sync` (what was last compared,
 * which moves with every commit of a monorepo: a fallback only). With
 * several sources, the first Helm chart's, else the first source's.
 */
function synced(app: ArgoCdApplication): {
  revision: string | null;
  source: Source | null;
  from: string;
} {
  const result = app.status.operationState?.syncResult ?? null;
  const sources = result?.sources ?? app.spec?.sources ?? [];
  const revisions = result?.revisions ?? app.status.sync?.revisions ?? [];
  if (sources.length > 0 && revisions.length > 0) {
    const chart = sources.findIndex((s) => str(s.chart) !== null);
    const i = chart >= 0 && chart < revisions.length ? chart : 0;
    const at = result?.revisions
      ? 'status.operationState.syncResult.revisions'
      : 'status.sync.revisions';
    return { revision: str(revisions[i]), source: sources[i] ?? null, from: `${at}[${i}]` };
  }
  const fromResult = str(result?.revision);
  return {
    revision: fromResult ?? str(app.status.sync?.revision),
    source: result?.source ?? app.spec?.source ?? null,
    from:
      fromResult !== null ? 'status.operationState.syncResult.revision' : 'status.sync.revision',
  };
}

/** Images joined by spaces, as many whole ones as fit in an attribute. */
function imageList(images: readonly string[]): string {
  let out = '';
  for (const image of images) {
    const next = out === '' ? image : `${out} ${image}`;
    if (next.length > 1024) break;
    out = next;
  }
  return out;
}

/**
 * What an Application notification is to SVT. Throws a 400 HttpProblem
 * naming each field when the body is not an Application. A deployment: an
 * operation that Succeeded (success), Failed or Errored (failure), or is
 * Running (started), with a revision. The app is the Application's name,
 * or its label `query.appKey` when given and set.
 */
export function argoCdVerdict(body: unknown, query: HookQuery): Verdict {
  takeReservedKeys(body, isReservedKey, RESERVED_KEY_RULE);
  const app = check(argoCdApplicationBody, body);
  const { name, namespace, uid } = app.metadata;
  const label = `Application ${str(namespace) ?? ''}${str(namespace) === null ? '' : '/'}${name}`;
  const op = app.status.operationState ?? null;
  const phase = str(op?.phase);
  if (op === null || phase === null)
    return ignored(`${label}: no sync operation in status.operationState`);
  const status = PHASES.get(phase);
  if (status === undefined)
    return ignored(`${label}: operation phase ${phase} is not a deployment`);
  const { revision, source, from } = synced(app);
  if (revision === null) return ignored(`${label}: no revision synced, so no version to record`);

  const chart = str(source?.chart);
  const commit = chart === null && COMMIT.test(revision) ? revision : null;
  const target = str(source?.targetRevision);
  const ref = commit !== null && target !== null && target !== revision ? target : null;
  const labelled = query.appKey === undefined ? null : str(app.metadata.labels?.[query.appKey]);
  const repoUrl = str(source?.repoURL);
  const argocdUrl = str(app.context?.argocdUrl);
  // A name that is not well-formed Unicode cannot be put in a URL (and is
  // refused as an app name by the deployment's own validation).
  const link =
    argocdUrl === null || !name.isWellFormed()
      ? null
      : `${argocdUrl.replace(/\/+$/, '')}/applications/${encodeURIComponent(name)}`;
  const initiatedBy = op.operation?.initiatedBy ?? null;
  const destination = app.spec?.destination ?? null;
  const deployedAt = str(op.finishedAt) ?? (status === 'started' ? str(op.startedAt) : null);
  return {
    kind: 'deployment',
    body: {
      env: query.env,
      app: labelled ?? name,
      version: commit === null ? revision : gitVersion(ref, commit),
      status,
      ...(deployedAt === null ? {} : { deployedAt }),
      commit,
      ref,
      repository: chart === null && repoUrl !== null ? repositoryPage(repoUrl) : null,
      url: link !== null && isHttpUrl(link) ? link : null,
      actor:
        str(initiatedBy?.username) ?? (initiatedBy?.automated === true ? 'automated sync' : null),
      source: 'argocd',
      attributes: attributesOf([
        ['argocdApp', label.slice('Application '.length)],
        ['argocdProject', app.spec?.project],
        ['helmChart', chart],
        ['destinationServer', destination?.server],
        ['destinationName', destination?.name],
        ['destinationNamespace', destination?.namespace],
        ['images', imageList(app.status.summary?.images ?? [])],
        ['argocdMessage', status === 'failure' ? op.message : null],
      ]),
    },
    from: {
      env: 'env (the address query)',
      app: labelled === null ? 'metadata.name' : `metadata.labels.${query.appKey ?? ''}`,
      version: from,
      commit: from,
      ref: 'syncResult.source.targetRevision',
      // The field the instant came from: a sync in progress has no end yet.
      deployedAt:
        str(op.finishedAt) === null && status === 'started'
          ? 'status.operationState.startedAt'
          : 'status.operationState.finishedAt',
      url: 'context.argocdUrl',
      actor: 'status.operationState.operation.initiatedBy.username',
    },
    identity: {
      env: query.env,
      app: labelled ?? name,
      object: str(uid) ?? label,
      phase,
      // One sync operation: its start; a body without one (a hand-written
      // template) by its end, so that a later sync of an earlier revision
      // (a rollback) is not taken for a resend of the first.
      startedAt: str(op.startedAt) ?? str(op.finishedAt) ?? '',
      revision,
    },
  };
}
