/**
 * POST /api/v1/hooks/argocd with the bodies deploy/argocd's template makes
 * of real-shaped Applications (test/fixtures/argocd, rendered with Go's
 * text/template and Sprig: README there), and with a whole Application.
 * Expected values are read off the fixtures by hand.
 */
import { afterAll, beforeEach, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { type TestApp, testApp } from '../helpers/app.js';
import { fixture, postHook } from '../helpers/gitops.js';
import { removeTempDirs } from '../helpers/tmp.js';

afterAll(removeTempDirs);

const body = (name: string) => fixture(`argocd/body-${name}.json`);
/** The parts of an Application fixture the tests change. */
interface Json {
  status: {
    sync: { revision?: string };
    operationState?: {
      phase: string;
      startedAt: string;
      finishedAt?: string;
      syncResult?: { revision: string };
    };
  };
}
const application = (name: string): Json =>
  JSON.parse(fixture(`argocd/application-${name}.json`).toString('utf8')) as Json;
/** The operation of an Application fixture, which they all have. */
function op(app: Json): NonNullable<Json['status']['operationState']> {
  const state = app.status.operationState;
  if (state === undefined) throw new Error('the fixture has no operationState');
  return state;
}
const json = (value: unknown) => Buffer.from(JSON.stringify(value));

async function stored(t: TestApp) {
  return (await t.store.history({ limit: 100 })).items;
}

describe('POST /api/v1/hooks/argocd', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await testApp();
  });
  const argo = (b: Buffer, query?: string) => postHook(t.callback, 'argocd', b, { query });

  it('a git source synced: the commit, its branch, repository, images, destination, a link to the app', async () => {
    const res = await argo(body('git-succeeded')).expect(201);
    expect(res.body.deployment).toMatchObject({
      env: 'prod',
      app: 'payments',
      version: 'a94a8fe5ccb1',
      status: 'success',
      deployedAt: '2026-11-28T14:20:41.000Z',
      commit: 'a94a8fe5ccb19ba61c4c0873d391e987982fbbd3',
      ref: 'main',
      repository: 'https://github.com/acme/deploy',
      url: 'https://argocd.example.com/applications/payments',
      actor: 'automated sync',
      source: 'argocd',
      attributes: {
        argocdApp: 'argocd/payments',
        argocdProject: 'payments',
        destinationServer: 'https://kubernetes.default.svc',
        destinationNamespace: 'payments',
        images: 'ghcr.io/acme/payments-api:2.3.0 docker.io/library/redis:7.2',
      },
    });
    expect(res.body.deployment.idempotencyKey).toMatch(/^argocd:[0-9a-f]{64}$/);
    expect(res.body.links.commit).toBe(
      'https://github.com/acme/deploy/commit/a94a8fe5ccb19ba61c4c0873d391e987982fbbd3',
    );
  });

  it('a Helm chart synced by a person: the chart version, no commit', async () => {
    const res = await argo(body('helm-succeeded')).expect(201);
    expect(res.body.deployment).toMatchObject({
      app: 'podinfo',
      version: '6.5.1',
      commit: null,
      ref: null,
      repository: null,
      actor: 'alice@example.com',
      deployedAt: '2026-11-28T15:01:20.000Z',
      attributes: {
        argocdApp: 'argocd/podinfo',
        argocdProject: 'default',
        helmChart: 'podinfo',
        destinationName: 'in-cluster',
        destinationNamespace: 'podinfo',
        images: 'ghcr.io/stefanprodan/podinfo:6.5.1',
      },
    });
  });

  it('a multi-source app: the version of its chart', async () => {
    const res = await argo(body('multisource-succeeded')).expect(201);
    expect(res.body.deployment).toMatchObject({
      app: 'grafana',
      version: '8.5.2',
      commit: null,
      attributes: { helmChart: 'grafana', argocdProject: 'observability' },
    });
  });

  it('a failed sync: a failure with its message; the success before it stays current', async () => {
    await argo(body('git-succeeded')).expect(201);
    const res = await argo(body('git-failed')).expect(201);
    expect(res.body.current).toBe(false);
    expect(res.body.deployment).toMatchObject({
      version: 'de9f2c7fd25e',
      status: 'failure',
      actor: 'bob',
      attributes: {
        argocdMessage:
          'one or more objects failed to apply, reason: Deployment.apps "payments-api" is invalid: spec.template.spec.containers[0].image: Required value',
      },
    });
    expect((await t.store.current('prod'))?.map((d) => d.version)).toEqual(['a94a8fe5ccb1']);
  });

  it('a notification sent again records once: no change, or after another one the first answer', async () => {
    const first = (await argo(body('git-succeeded')).expect(201)).body;
    expect((await argo(body('git-succeeded')).expect(202)).body.reason).toBe(
      'no change: the latest deployment of payments in prod is already a94a8fe5ccb1 (success, 2026-11-28T14:20:41.000Z)',
    );
    await argo(body('git-failed')).expect(201);
    const late = await argo(body('git-succeeded')).expect(201);
    expect(late.headers['idempotent-replayed']).toBe('true');
    expect(late.body.deployment).toEqual(first.deployment);
    expect(await stored(t)).toHaveLength(2);
  });

  it('a new sync operation of a revision that ran before (a rollback in Argo CD) records anew', async () => {
    await argo(body('git-succeeded')).expect(201);
    const next = application('git-succeeded');
    op(next).syncResult = { revision: 'de9f2c7fd25e1b3afad3e85a0bd17d9b100db4b3' };
    op(next).startedAt = '2026-11-28T18:00:00Z';
    op(next).finishedAt = '2026-11-28T18:00:30Z';
    await argo(json(next)).expect(201);
    const back = application('git-succeeded');
    op(back).startedAt = '2026-11-28T19:00:00Z';
    op(back).finishedAt = '2026-11-28T19:00:20Z';
    const res = await argo(json(back)).expect(201);
    expect(res.body.deployment).toMatchObject({ version: 'a94a8fe5ccb1', rollback: true });
  });

  it('the whole Application (`{{ toJson .app }}`) is read the same, without the link the context gives', async () => {
    const res = await argo(json(application('git-succeeded'))).expect(201);
    expect(res.body.deployment).toMatchObject({
      app: 'payments',
      version: 'a94a8fe5ccb1',
      commit: 'a94a8fe5ccb19ba61c4c0873d391e987982fbbd3',
      url: null,
    });
  });

  it('?appKey= names the label holding the app; an Application without it keeps its name', async () => {
    const query = '?env=prod&appKey=app.kubernetes.io/name';
    expect((await argo(body('git-succeeded'), query).expect(201)).body.deployment.app).toBe(
      'payments-api',
    );
    expect((await argo(body('helm-succeeded'), query).expect(201)).body.deployment.app).toBe(
      'podinfo',
    );
  });

  it('a sync in progress (on-sync-running) is a started deployment, dated when it started', async () => {
    const running = application('git-succeeded');
    op(running).phase = 'Running';
    delete op(running).finishedAt;
    const res = await argo(json(running)).expect(201);
    expect(res.body.deployment).toMatchObject({
      status: 'started',
      deployedAt: '2026-11-28T14:20:05.000Z',
    });
  });

  it('the template sent on-sync-running: a started deployment of the commit synced, then its end', async () => {
    await argo(body('git-succeeded')).expect(201);
    const running = await argo(body('git-running')).expect(201);
    expect(running.body.current).toBe(false);
    expect(running.body.deployment).toMatchObject({
      app: 'payments',
      version: 'c3499c272973',
      status: 'started',
      deployedAt: '2026-11-29T09:00:05.000Z',
      commit: 'c3499c2729730a7f807efb8676a92dcb6f8a3f8f',
      ref: 'main',
      attributes: { images: 'ghcr.io/acme/payments-api:2.4.0 docker.io/library/redis:7.2' },
    });
    // What runs is still the last success; the sync shows as in progress beside it.
    const state = (await request(t.callback).get('/api/v1/environments/prod').expect(200)).body;
    expect(state.deployments.map((d: { version: string }) => d.version)).toEqual(['a94a8fe5ccb1']);
    expect(state.attempts.map((d: { status: string }) => d.status)).toEqual(['started']);
    // The same operation's end (its own notification, on-sync-succeeded) records anew and runs.
    const done = application('git-running');
    op(done).phase = 'Succeeded';
    op(done).finishedAt = '2026-11-29T09:00:48Z';
    const end = await argo(json(done)).expect(201);
    expect(end.headers['idempotent-replayed']).toBeUndefined();
    expect(end.body).toMatchObject({
      current: true,
      deployment: { version: 'c3499c272973', status: 'success' },
    });
    // The running notification sent again (a resend) answers as the first time, and records nothing more.
    const again = await argo(body('git-running')).expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect((await stored(t)).map((d) => d.status)).toEqual(['success', 'started', 'success']);
  });

  it('a re-sync of what runs, or a retry of what failed, is no change from its start to its end', async () => {
    // One operation of a revision: [phase, startedAt, finishedAt].
    const sync = (phase: string, startedAt: string, finishedAt?: string) => {
      const app = application('git-succeeded');
      op(app).phase = phase;
      op(app).startedAt = startedAt;
      if (finishedAt === undefined) delete op(app).finishedAt;
      else op(app).finishedAt = finishedAt;
      return argo(json(app));
    };
    await sync('Running', '2026-11-28T09:00:05Z').expect(201);
    await sync('Succeeded', '2026-11-28T09:00:05Z', '2026-11-28T09:00:40Z').expect(201);
    // Argo CD's self-heal syncs the same revision again: its start and its end are no change.
    expect((await sync('Running', '2026-11-28T11:00:05Z').expect(202)).body.reason).toMatch(
      /^no change: the latest deployment of payments in prod is already a94a8fe5ccb1 \(success,/,
    );
    await sync('Succeeded', '2026-11-28T11:00:05Z', '2026-11-28T11:00:40Z').expect(202);
    // The revision then fails; a retry of it fails again: one failure, not two.
    await sync('Failed', '2026-11-28T12:00:05Z', '2026-11-28T12:00:30Z').expect(201);
    await sync('Running', '2026-11-28T13:00:05Z').expect(202);
    await sync('Failed', '2026-11-28T13:00:05Z', '2026-11-28T13:00:30Z').expect(202);
    expect((await stored(t)).map((d) => d.status)).toEqual(['failure', 'success', 'started']);
    const dora = await request(t.callback)
      .get('/api/v1/dora')
      .query({ env: 'prod', window: '30d', until: '2026-11-29T00:00:00Z' })
      .expect(200);
    expect(dora.body.deployments).toMatchObject({ success: 1, failure: 1, started: 1 });
  });

  it('a sync in progress with a bad start: the 400 names startedAt, where its instant came from', async () => {
    const running = application('git-succeeded');
    op(running).phase = 'Running';
    op(running).startedAt = 'yesterday';
    delete op(running).finishedAt;
    const res = await argo(json(running)).expect(400);
    expect(JSON.stringify(res.body)).toContain('status.operationState.startedAt');
    expect(JSON.stringify(res.body)).not.toContain('finishedAt');
  });

  it('on-sync-running before any sync result: the revision compared; a first deployment shows in progress', async () => {
    const res = await argo(body('git-running-start')).expect(201);
    expect(res.body.deployment).toMatchObject({
      version: 'c3499c272973',
      status: 'started',
      deployedAt: '2026-11-29T09:00:05.000Z',
      commit: 'c3499c2729730a7f807efb8676a92dcb6f8a3f8f',
      ref: null,
    });
    const overview = (await request(t.callback).get('/').expect(200)).text;
    expect(overview).toMatch(
      /<tr data-search="payments">.*<td class="attempt tone-progress" title="2026-11-29T09:00Z">in progress<\/td>/,
    );
  });

  it.each([
    [
      'a sync being terminated',
      (a: Json) => (op(a).phase = 'Terminating'),
      'Application argocd/payments: operation phase Terminating is not a deployment',
    ],
    [
      'no operation (an app never synced)',
      (a: Json) => delete a.status.operationState,
      'Application argocd/payments: no sync operation in status.operationState',
    ],
    [
      'no revision at all',
      (a: Json) => {
        delete op(a).syncResult;
        delete a.status.sync.revision;
      },
      'Application argocd/payments: no revision synced, so no version to record',
    ],
  ])('%s: 202, not recorded', async (_, edit, reason) => {
    const app = application('git-succeeded');
    edit(app);
    expect((await argo(json(app)).expect(202)).body).toEqual({ recorded: false, reason });
    expect(await stored(t)).toEqual([]);
  });

  it('a sync that failed before any result falls back to the revision last compared, and the spec', async () => {
    const app = application('git-failed');
    delete op(app).syncResult;
    op(app).phase = 'Error';
    const res = await argo(json(app)).expect(201);
    expect(res.body.deployment).toMatchObject({
      status: 'failure',
      version: 'de9f2c7fd25e',
      ref: 'main',
    });
  });

  it('a body that is not an Application: 400 naming the fields; env as for Flux', async () => {
    const res = await argo(json({ metadata: {} })).expect(400);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'metadata.name',
      'status',
    ]);
    const noEnv = await argo(body('git-succeeded'), '').expect(400);
    expect(noEnv.body.errors[0].path).toBe('env');
    expect(await stored(t)).toEqual([]);
  });

  // Found by a breaker: each answered 500, or lost a rollback.
  it('a null among several sources, or a name that is not Unicode: refused, never a 500', async () => {
    const base = JSON.parse(body('git-succeeded').toString('utf8')) as Record<string, unknown>;
    const withSources = structuredClone(base) as {
      spec: Record<string, unknown>;
      status: { sync: Record<string, unknown> };
    };
    withSources.spec.sources = [null];
    withSources.status.sync.revisions = ['b'.repeat(40)];
    const nulls = await argo(json(withSources)).expect(400);
    expect(nulls.body.errors[0].path).toBe('spec.sources.0');
    // A lone surrogate, as raw JSON text (JSON.stringify would escape it the same way).
    const text = JSON.stringify(base).replace('"name":"payments"', '"name":"x\\ud800y"');
    const res = await argo(Buffer.from(text)).expect(400);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(await stored(t)).toEqual([]);
  });

  it('a body without startedAt: a later sync back to an earlier revision still records', async () => {
    const base = JSON.parse(body('git-succeeded').toString('utf8')) as {
      status: {
        operationState: Record<string, unknown> & { syncResult: Record<string, unknown> };
        sync: Record<string, unknown>;
      };
    };
    const sync = (revision: string, finishedAt: string) => {
      const b = structuredClone(base);
      delete b.status.operationState.startedAt;
      b.status.operationState.finishedAt = finishedAt;
      b.status.operationState.syncResult.revision = revision;
      b.status.sync.revision = revision;
      return argo(json(b));
    };
    const [a, bb] = ['a'.repeat(40), 'b'.repeat(40)];
    await sync(a, '2026-11-28T10:00:00Z').expect(201);
    await sync(bb, '2026-11-28T11:00:00Z').expect(201);
    const back = await sync(a, '2026-11-28T12:00:00Z').expect(201);
    expect(back.headers['idempotent-replayed']).toBeUndefined();
    expect((await stored(t)).map((d) => d.commit)).toEqual([a, bb, a]);
  });
});
