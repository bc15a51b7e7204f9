/**
 * POST /api/v1/hooks/flux with the bodies Flux's generic provider sends
 * (test/fixtures/flux, README there for their sources): each kind and
 * reason either records the deployment SVT's own route would, or is
 * acknowledged (202) and not recorded; resends and no-change runs record
 * once. Expected values are read off the fixtures by hand.
 */
import { afterAll, beforeEach, describe, expect, it } from '@jest/globals';
import { type TestApp, testApp } from '../helpers/app.js';
import { fixture, fluxVariant, postHook } from '../helpers/gitops.js';
import { removeTempDirs } from '../helpers/tmp.js';

afterAll(removeTempDirs);

const flux = (t: TestApp, name: string, query?: string) =>
  postHook(t.callback, 'flux', fixture(`flux/${name}.json`), { query });

async function stored(t: TestApp) {
  return (await t.store.history({ limit: 100 })).items;
}

const SHA1 = '86f7e437faa5a7fce15d1ddcb9eaeaea377667b8';

describe('POST /api/v1/hooks/flux: HelmRelease', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await testApp();
  });

  it('InstallSucceeded: a success of the chart version, answered like POST /api/v1/deployments', async () => {
    const res = await flux(t, 'helmrelease-install-succeeded').expect(201);
    expect(res.body.previous).toBeNull();
    expect(res.body.current).toBe(true);
    expect(res.body.links).toEqual({ commit: null, changes: null });
    expect(res.body.deployment).toMatchObject({
      env: 'prod',
      app: 'podinfo',
      version: '6.5.1',
      status: 'success',
      deployedAt: '2026-11-28T09:30:00.000Z',
      ref: null,
      commit: null,
      source: 'flux',
      recordedBy: null,
      rollback: false,
      attributes: {
        fluxObject: 'HelmRelease/apps/podinfo',
        fluxReason: 'InstallSucceeded',
        appVersion: '6.5.1',
        cluster: 'eu-1',
      },
    });
    expect(res.body.deployment.idempotencyKey).toMatch(/^flux:[0-9a-f]{64}$/);
  });

  it('install, upgrade (OCI chart), failed upgrade, rollback: the history Flux lived', async () => {
    const install = (await flux(t, 'helmrelease-install-succeeded').expect(201)).body;
    const upgrade = (await flux(t, 'helmrelease-upgrade-succeeded').expect(201)).body;
    expect(upgrade.deployment).toMatchObject({
      version: '6.5.2+0cc9a8446c95',
      status: 'success',
      attributes: {
        fluxReason: 'UpgradeSucceeded',
        appVersion: '6.5.2',
        ociDigest: 'sha256:0cc9a8446c952d711642b726b04401627ca9fbac32f5c8530fb1903cc4db0225',
        cluster: 'eu-1',
      },
    });
    expect(upgrade.previous.id).toBe(install.deployment.id);

    const failed = (await flux(t, 'helmrelease-upgrade-failed').expect(201)).body;
    expect(failed.current).toBe(false);
    expect(failed.deployment).toMatchObject({ version: '6.6.0', status: 'failure' });
    const message = JSON.parse(fixture('flux/helmrelease-upgrade-failed.json').toString()).message;
    expect(failed.deployment.attributes.fluxMessage).toBe(message);

    // Remediation rolled back to 6.5.2: a new success of the version that ran before the failure.
    const rollback = (await flux(t, 'helmrelease-rollback-succeeded').expect(201)).body;
    expect(rollback.deployment).toMatchObject({
      version: '6.5.2+0cc9a8446c95',
      status: 'success',
      attributes: { fluxReason: 'RollbackSucceeded' },
    });
    expect(rollback.current).toBe(true);

    const current = await t.store.current('prod');
    expect(current?.map((d) => [d.app, d.version])).toEqual([['podinfo', '6.5.2+0cc9a8446c95']]);
    const attempts = await t.store.attempts('prod');
    expect(attempts).toEqual([]);
    expect((await stored(t)).map((d) => `${d.status} ${d.version}`)).toEqual([
      'success 6.5.2+0cc9a8446c95',
      'failure 6.6.0',
      'success 6.5.2+0cc9a8446c95',
      'success 6.5.1',
    ]);
  });

  it('InstallFailed: a failure, the latest attempt of an app that never ran', async () => {
    const res = await flux(t, 'helmrelease-install-failed').expect(201);
    expect(res.body.deployment).toMatchObject({
      app: 'cache',
      version: '19.0.2',
      status: 'failure',
      attributes: {
        fluxObject: 'HelmRelease/apps/cache',
        fluxReason: 'InstallFailed',
        appVersion: '7.2.4',
        fluxMessage:
          'Helm install failed for release apps/cache with chart redis@19.0.2: context deadline exceeded',
      },
    });
    expect((await t.store.attempts('prod')).map((d) => d.app)).toEqual(['cache']);
  });

  it.each([
    [
      'helmrelease-test-succeeded',
      'HelmRelease apps/podinfo TestSucceeded: a Helm test of a release already recorded',
    ],
    [
      'helmrelease-dependency-not-ready',
      'HelmRelease apps/podinfo DependencyNotReady: waiting for dependencies: nothing was deployed',
    ],
  ])('%s: 202, not recorded, and says why', async (name, reason) => {
    const res = await flux(t, name)
      .expect(202)
      .expect('Content-Type', /application\/json/);
    expect(res.body).toEqual({ recorded: false, reason });
    expect(await stored(t)).toEqual([]);
  });

  it('a resend of an event already recorded records nothing: the same answer, or no change', async () => {
    const first = (await flux(t, 'helmrelease-install-succeeded').expect(201)).body;
    // Right after it, the install is the app's latest deployment: no change.
    const again = await flux(t, 'helmrelease-install-succeeded').expect(202);
    expect(again.body.reason).toBe(
      'no change: the latest deployment of podinfo in prod is already 6.5.1 (success, 2026-11-28T09:30:00.000Z)',
    );
    // After the upgrade, a late resend of the install (Flux retries identical bytes) replays its first answer.
    await flux(t, 'helmrelease-upgrade-succeeded').expect(201);
    const late = await flux(t, 'helmrelease-install-succeeded').expect(201);
    expect(late.headers['idempotent-replayed']).toBe('true');
    expect(late.body.deployment).toEqual(first.deployment);
    expect((await stored(t)).map((d) => d.version)).toEqual(['6.5.2+0cc9a8446c95', '6.5.1']);
  });

  it('the same chart installed again later (a new event) is a new deployment once another version ran', async () => {
    await flux(t, 'helmrelease-install-succeeded').expect(201);
    await flux(t, 'helmrelease-upgrade-succeeded').expect(201);
    const reinstall = fluxVariant('helmrelease-install-succeeded', (e) => {
      e.timestamp = '2026-11-28T13:00:00Z';
      e.message = 'Helm install succeeded for release apps/podinfo.v4 with chart podinfo@6.5.1';
    });
    const res = await postHook(t.callback, 'flux', reinstall).expect(201);
    expect(res.headers['idempotent-replayed']).toBeUndefined();
    expect(res.body.deployment.rollback).toBe(true);
    expect(await stored(t)).toHaveLength(3);
  });
});

describe('POST /api/v1/hooks/flux: Kustomization', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await testApp();
  });

  it('a run that changed something: Progressing is acknowledged, ReconciliationSucceeded records the commit', async () => {
    const progressing = await flux(t, 'kustomization-progressing').expect(202);
    expect(progressing.body.reason).toMatch(
      /^Kustomization flux-system\/webapp Progressing: a progress report .* recorded from the ReconciliationSucceeded event/,
    );
    const res = await flux(t, 'kustomization-reconciliation-succeeded').expect(201);
    expect(res.body.deployment).toMatchObject({
      app: 'webapp',
      version: SHA1.slice(0, 12),
      status: 'success',
      ref: 'main',
      commit: SHA1,
      deployedAt: '2026-11-28T11:00:19.000Z',
      attributes: {
        fluxObject: 'Kustomization/flux-system/webapp',
        fluxReason: 'ReconciliationSucceeded',
        fluxRevision: `main@sha1:${SHA1}`,
        cluster: 'eu-1',
      },
    });
  });

  it('the next run of the same revision (every interval, a new duration) is no change: 202', async () => {
    await flux(t, 'kustomization-reconciliation-succeeded').expect(201);
    const res = await flux(t, 'kustomization-reconciliation-no-change').expect(202);
    expect(res.body).toEqual({
      recorded: false,
      reason: `no change: the latest deployment of webapp in prod is already ${SHA1.slice(0, 12)} (success, 2026-11-28T11:00:19.000Z)`,
    });
    expect(await stored(t)).toHaveLength(1);
  });

  it('a failed health check of a new revision, repeated while it lasts, records once; then a failed apply', async () => {
    await flux(t, 'kustomization-reconciliation-succeeded').expect(201);
    const failed = await flux(t, 'kustomization-health-check-failed').expect(201);
    expect(failed.body.deployment).toMatchObject({
      version: 'e9d71f5ee7c9',
      status: 'failure',
      commit: 'e9d71f5ee7c92d6dc9e92ffdad17b8bd49418f98',
      ref: 'main',
      attributes: {
        fluxReason: 'HealthCheckFailed',
        fluxMessage:
          "health check failed after 5m0.012s: timeout waiting for: [Deployment/apps/webapp status: 'InProgress']",
      },
    });
    expect(failed.body.current).toBe(false);
    const repeated = fluxVariant('kustomization-health-check-failed', (e) => {
      e.timestamp = '2026-11-28T12:15:40Z';
      e.message = e.message.replace('5m0.012s', '5m0.034s');
    });
    const res = await postHook(t.callback, 'flux', repeated).expect(202);
    expect(res.body.reason).toMatch(/^no change: .* already e9d71f5ee7c9 \(failure, /);

    const apply = await flux(t, 'kustomization-reconciliation-failed').expect(201);
    expect(apply.body.deployment).toMatchObject({
      version: '3f2a6c1b9d8e',
      status: 'failure',
      attributes: { fluxReason: 'ReconciliationFailed' },
    });
    expect((await stored(t)).map((d) => `${d.status} ${d.version}`)).toEqual([
      'failure 3f2a6c1b9d8e',
      'failure e9d71f5ee7c9',
      `success ${SHA1.slice(0, 12)}`,
    ]);
  });

  it('the revision that failed, later reconciled fine, records its success (a recovery is a change)', async () => {
    await flux(t, 'kustomization-health-check-failed').expect(201);
    const recovered = fluxVariant('kustomization-reconciliation-succeeded', (e) => {
      e.timestamp = '2026-11-28T12:20:00Z';
      e.metadata.revision = 'main@sha1:e9d71f5ee7c92d6dc9e92ffdad17b8bd49418f98';
    });
    const res = await postHook(t.callback, 'flux', recovered).expect(201);
    expect(res.body.deployment).toMatchObject({ version: 'e9d71f5ee7c9', status: 'success' });
    expect(res.body.current).toBe(true);
  });

  it('a tag revision records the tag as the version', async () => {
    const tagged = fluxVariant('kustomization-reconciliation-succeeded', (e) => {
      e.metadata.revision = `v2.3.0@sha1:${SHA1}`;
    });
    const res = await postHook(t.callback, 'flux', tagged).expect(201);
    expect(res.body.deployment).toMatchObject({ version: 'v2.3.0', ref: 'v2.3.0', commit: SHA1 });
  });

  it.each([
    [
      'kustomization-dependency-not-ready',
      'Kustomization flux-system/webapp DependencyNotReady: waiting for dependencies: nothing was deployed',
    ],
    [
      'gitrepository-new-artifact',
      'GitRepository events are not deployments: SVT records those of HelmRelease and Kustomization objects',
    ],
  ])('%s: 202, not recorded', async (name, reason) => {
    expect((await flux(t, name).expect(202)).body).toEqual({ recorded: false, reason });
    expect(await stored(t)).toEqual([]);
  });
});

describe('POST /api/v1/hooks/flux: the address and the body', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await testApp();
  });

  it.each([
    [
      '',
      'env',
      'is required: the environment to record in, on the address the tool posts to (`?env=prod`)',
    ],
    [
      '?env=pr%20od',
      'env',
      'must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit',
    ],
    ['?env=prod&environment=prod', 'environment', 'is not a known parameter'],
  ])('address query %j: 400 naming %s', async (query, path, message) => {
    const res = await flux(t, 'helmrelease-install-succeeded', query).expect(400);
    expect(res.body.type).toBe('urn:svt:problem:validation');
    expect(res.body.errors).toEqual([{ path, message }]);
    expect(await stored(t)).toEqual([]);
  });

  it('the app from the object annotation event.toolkit.fluxcd.io/app (metadata `app`), or the key ?appKey= names', async () => {
    const annotated = fluxVariant('helmrelease-install-succeeded', (e) => {
      e.metadata = { app: 'frontend', ...e.metadata, service: 'checkout' };
    });
    const a = await postHook(t.callback, 'flux', annotated).expect(201);
    expect(a.body.deployment.app).toBe('frontend');
    expect(a.body.deployment.attributes).not.toHaveProperty('app');
    expect(a.body.deployment.attributes.service).toBe('checkout');
    const b = await postHook(t.callback, 'flux', annotated, { query: '?env=prod&appKey=service' });
    expect(b.status).toBe(201);
    expect(b.body.deployment.app).toBe('checkout');
  });

  it('a value SVT refuses is named as Flux sent it', async () => {
    const strict = await testApp({ SVT_VERSION_PATTERN: '[0-9]+\\.[0-9]+\\.[0-9]+' });
    const res = await flux(strict, 'helmrelease-upgrade-succeeded').expect(400);
    expect(res.body.errors).toEqual([
      {
        path: 'metadata.revision',
        message: 'must match the pattern set in SVT_VERSION_PATTERN (as the version)',
      },
    ]);
    const future = fluxVariant('helmrelease-install-succeeded', (e) => {
      e.timestamp = new Date(Date.now() + 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z');
    });
    const late = await postHook(t.callback, 'flux', future).expect(400);
    expect(late.body.errors[0].path).toBe('timestamp');
    await strict.store.close();
  });

  it('a body that is not a Flux event: 400 naming each missing field; not JSON: 400; not typed JSON: 415', async () => {
    const res = await postHook(t.callback, 'flux', Buffer.from('{"involvedObject":{}}')).expect(
      400,
    );
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'involvedObject.kind',
      'involvedObject.name',
      'reason',
      'timestamp',
    ]);
    const list = await postHook(t.callback, 'flux', Buffer.from('[]')).expect(400);
    expect(list.body.detail).toBe('the body must be a JSON object: a Flux event');
    await postHook(t.callback, 'flux', Buffer.from('{"involvedObject":')).expect(400);
    await postHook(t.callback, 'flux', fixture('flux/helmrelease-install-succeeded.json'), {
      headers: { 'Content-Type': 'application/xml' },
    }).expect(415);
    expect(await stored(t)).toEqual([]);
  });
});
