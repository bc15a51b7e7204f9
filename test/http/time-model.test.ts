/**
 * One clock: a deployment dated ahead of the server's receipt takes effect
 * at receipt, so every view agrees at every instant. First the issue's own
 * case, then a property test: random writes with skewed, back-dated, equal
 * and out-of-order instants, after which every view matches one reference
 * computation over the events.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import request from 'supertest';
import type { Deployment, DeploymentStatus, RecordDeploymentResponse } from '@svt/client';
import { compareVersions } from '../../server/src/version-order.js';
import { testApp, type TestApp } from '../helpers/app.js';
import { removeTempDirs } from '../helpers/tmp.js';

afterAll(removeTempDirs);

const MINUTE = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

async function record(t: TestApp, body: Record<string, unknown>) {
  const res = await request(t.callback).post('/api/v1/deployments').send(body).expect(201);
  return res.body as RecordDeploymentResponse;
}

async function versionsAt(t: TestApp, env: string, at?: string): Promise<string[]> {
  const res = await request(t.callback)
    .get(`/api/v1/environments/${env}`)
    .query(at === undefined ? {} : { at })
    .expect(200);
  return (res.body.deployments as Deployment[]).map((d) => `${d.app}@${d.version}`);
}

describe('one "now"', () => {
  it('the issue: 1.0.0 a minute ago, 2.0.0 four minutes ahead, then 3.0.0 undated', async () => {
    const t = await testApp();
    const start = Date.now();
    await record(t, { env: 'qa', app: 'api', version: '1.0.0', deployedAt: iso(start - MINUTE) });
    const ahead = await record(t, {
      env: 'qa',
      app: 'api',
      version: '2.0.0',
      deployedAt: iso(start + 4 * MINUTE),
    });
    // Accepted, and it takes effect at receipt, not four minutes from now.
    const aheadAt = Date.parse(ahead.deployment.deployedAt);
    expect(aheadAt).toBeGreaterThanOrEqual(start);
    expect(aheadAt).toBeLessThanOrEqual(Date.parse(ahead.deployment.recordedAt));
    expect([ahead.current, ahead.previous?.version]).toEqual([true, '1.0.0']);
    const third = await record(t, { env: 'qa', app: 'api', version: '3.0.0' });
    expect([third.current, third.previous?.version]).toEqual([true, '2.0.0']);
    const now = iso(Date.now());
    expect(await versionsAt(t, 'qa')).toEqual(['api@3.0.0']);
    expect(await versionsAt(t, 'qa', now)).toEqual(['api@3.0.0']);
    expect(await versionsAt(t, 'qa', iso(aheadAt))).toEqual(['api@2.0.0']);
    expect(await versionsAt(t, 'qa', iso(aheadAt - 1))).toEqual(['api@1.0.0']);
    const changes = await request(t.callback)
      .get('/api/v1/changes')
      .query({ env: 'qa', since: iso(start - 2 * MINUTE) })
      .expect(200);
    const untilNow = await request(t.callback)
      .get('/api/v1/changes')
      .query({ env: 'qa', since: iso(start - 2 * MINUTE), until: iso(Date.now() + 1) })
      .expect(200);
    expect(changes.body.items.map((d: Deployment) => d.version)).toEqual([
      '3.0.0',
      '2.0.0',
      '1.0.0',
    ]);
    expect(untilNow.body.items).toEqual(changes.body.items);
    const badge = await request(t.callback).get('/badge/qa/api.svg').expect(200);
    expect(String(badge.body)).toContain('>3.0.0<');
    await t.store.close();
  });
});

/** One write of the property: an app, a version, a status, and how its instant is given. */
interface Op {
  app: string;
  version: string;
  status: DeploymentStatus;
  /** none: server time; ahead/back: ms from now; same: the instant sent by an earlier write. */
  when: { kind: 'none' } | { kind: 'ahead' | 'back'; ms: number } | { kind: 'same'; of: number };
}

const op: fc.Arbitrary<Op> = fc.record({
  app: fc.constantFrom('api', 'web'),
  version: fc.constantFrom(
    '1.0.0',
    '1.1.0',
    '2.0.0',
    '1.1.0+b.2',
    '2026.11.28-3',
    '2026.11.28',
    'f00d',
  ),
  status: fc.constantFrom<DeploymentStatus>(
    'success',
    'success',
    'success',
    'failure',
    'started',
    'rolled_back',
  ),
  when: fc.oneof(
    fc.constant({ kind: 'none' as const }),
    fc.record({
      kind: fc.constant('ahead' as const),
      ms: fc.integer({ min: 1, max: 5 * MINUTE - 2000 }),
    }),
    fc.record({ kind: fc.constant('back' as const), ms: fc.integer({ min: 0, max: 60 * MINUTE }) }),
    fc.record({ kind: fc.constant('same' as const), of: fc.nat() }),
  ),
});

/** The instant a write sends (epoch ms), or null to let the server date it. */
function instantOf(when: Op['when'], now: number, sent: number[]): number | null {
  switch (when.kind) {
    case 'none':
      return null;
    case 'ahead':
      return now + when.ms;
    case 'back':
      return now - when.ms;
    case 'same':
      return sent[when.of % Math.max(1, sent.length)] ?? now;
  }
}

/** Ledger order: deployedAt, then id (ids sort by arrival). */
const byLedger = (a: Deployment, b: Deployment) =>
  a.deployedAt < b.deployedAt ? -1 : a.deployedAt > b.deployedAt ? 1 : a.id < b.id ? -1 : 1;

/** The reference: the latest success of an app among `events` at or before `at`. */
function currentOf(events: Deployment[], app: string, at = Infinity): Deployment | undefined {
  return events
    .filter((d) => d.app === app && d.status === 'success' && Date.parse(d.deployedAt) <= at)
    .sort(byLedger)
    .at(-1);
}

/** The reference rollback flags: differs from the one replaced, and older or seen before. */
function referenceRollbacks(events: Deployment[]): Map<string, boolean> {
  const flags = new Map<string, boolean>();
  for (const app of ['api', 'web']) {
    const seen = new Set<string>();
    let replaced: string | null = null;
    for (const d of events.filter((x) => x.app === app && x.status === 'success').sort(byLedger)) {
      flags.set(
        d.id,
        replaced !== null &&
          d.version !== replaced &&
          (seen.has(d.version) || compareVersions(d.version, replaced) < 0),
      );
      seen.add(d.version);
      replaced = d.version;
    }
  }
  return flags;
}

describe('every view agrees with one reference computation over the events', () => {
  it('after random writes with skewed, back-dated, equal and out-of-order instants', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), async (ops) => {
        const t = await testApp();
        try {
          const sent: number[] = [];
          const answers: { answer: RecordDeploymentResponse; before: number; after: number }[] = [];
          for (const o of ops) {
            const now = Date.now();
            const at = instantOf(o.when, now, sent);
            if (at !== null) sent.push(at);
            const body = { env: 'e', app: o.app, version: o.version, status: o.status };
            const answer = await record(t, at === null ? body : { ...body, deployedAt: iso(at) });
            answers.push({ answer, before: now, after: Date.now() });
            // The clock: an instant in the past is kept; one ahead takes effect at receipt.
            const stored = Date.parse(answer.deployment.deployedAt);
            if (at !== null && at <= now) expect(stored).toBe(at);
            else expect(stored).toBeGreaterThanOrEqual(now);
            expect(stored).toBeLessThanOrEqual(
              Math.min(at ?? Infinity, answers.at(-1)?.after ?? 0),
            );
          }
          const events = answers.map((a) => a.answer.deployment);
          const flags = referenceRollbacks(events);
          const apps = [...new Set(events.map((d) => d.app))].sort();

          // Each write's answer: previous, current and what runs instead, as of that write.
          answers.forEach(({ answer }, i) => {
            const upTo = events.slice(0, i + 1);
            const d = answer.deployment;
            const before = upTo.filter((x) => byLedger(x, d) < 0);
            expect(answer.previous?.id ?? null).toBe(currentOf(before, d.app)?.id ?? null);
            const runs = currentOf(upTo, d.app);
            expect(answer.current).toBe(runs?.id === d.id);
            if (!answer.current)
              expect(answer.currentDeployment?.id ?? null).toBe(runs?.id ?? null);
          });

          // History: every event, newest first, each with its reference rollback flag.
          const history = (
            await request(t.callback).get('/api/v1/deployments').query({ env: 'e', limit: 100 })
          ).body.items as Deployment[];
          expect(history.map((d) => d.id)).toEqual(
            [...events]
              .sort(byLedger)
              .reverse()
              .map((d) => d.id),
          );
          for (const d of history) expect(d.rollback).toBe(flags.get(d.id) ?? false);
          const changes = await request(t.callback)
            .get('/api/v1/changes')
            .query({ env: 'e', since: '2000-01-01', limit: 100 });
          expect(changes.body.items).toEqual(history);

          // Current state now, at "now", and at every instant of interest.
          const state = (at: number) =>
            apps.flatMap((app) => {
              const c = currentOf(events, app, at);
              return c === undefined ? [] : [`${app}@${c.version}`];
            });
          const now = Date.now();
          expect(await versionsAt(t, 'e')).toEqual(state(Infinity));
          expect(await versionsAt(t, 'e', iso(now))).toEqual(state(Infinity));
          for (const at of new Set(events.flatMap((d) => [Date.parse(d.deployedAt)]))) {
            for (const x of [at - 1, at])
              expect(await versionsAt(t, 'e', iso(x))).toEqual(state(x));
          }
          // The projection agrees with the events; compare and the badge with current state.
          expect(await t.store.current('e')).toEqual(await t.store.current('e', now));
          const compare = await request(t.callback)
            .get('/api/v1/compare')
            .query({ from: 'e', to: 'e' });
          expect(
            (compare.body.items as { app: string; from: Deployment }[]).map(
              (i) => `${i.app}@${i.from.version}`,
            ),
          ).toEqual(state(Infinity));
          for (const app of apps) {
            const badge = String((await request(t.callback).get(`/badge/e/${app}.svg`)).body);
            expect(badge).toContain(`>${currentOf(events, app)?.version ?? 'none'}<`);
          }
        } finally {
          await t.store.close();
        }
      }),
      { numRuns: 30 },
    );
  }, 120_000); // tens of random histories: about 13 s alone, several times that on a busy machine
});
