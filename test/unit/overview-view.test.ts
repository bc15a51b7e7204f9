/**
 * What the overview shows, apart from how: the filter rule shared with
 * app.js, the environments chosen, their stage groups, the rows and marks,
 * and the address of a view.
 */
import { describe, expect, it } from '@jest/globals';
import { fuzzyMatcher } from '../../server/src/pages/fuzzy.js';
import { overviewHref } from '../../server/src/pages/overview-form.js';
import {
  chooseEnvironments,
  matrixRows,
  stageGroups,
} from '../../server/src/pages/overview-view.js';
import { clientDeployment } from '../helpers/deployments.js';

describe('fuzzyMatcher', () => {
  it.each([
    ['pay svc', 'payment-service', true],
    ['PAY', 'payment-service', true],
    ['svc pay', 'payment-service', false], // words in order
    ['pays', 'payment-service', true], // letters may be skipped: p-a-y-...-s
    ['payx', 'payment-service', false],
    ['', 'anything', true],
    ['   ', 'anything', true],
    ['app-012', 'app-0120', true],
    ['app-012', 'app-0210', false],
  ])('%j against %j: %s', (query, name, expected) => {
    expect(fuzzyMatcher(query)(name)).toBe(expected);
  });

  it('a query that extends another matches a subset of its names (app.js narrows in place)', () => {
    const names = ['payment-service', 'pay', 'api', 'paypal-sync', 'spy', 'p a y'];
    for (const [shorter, longer] of [
      ['pay', 'pay s'],
      ['pa', 'pay'],
      ['p', 'p y'],
      ['pay ', 'pay sv'],
    ] as const) {
      const wide = names.filter(fuzzyMatcher(shorter));
      const narrow = names.filter(fuzzyMatcher(longer));
      expect(narrow.every((n) => wide.includes(n))).toBe(true);
    }
  });
});

const ORDERED = ['dev', 'qa', 'staging', 'prod', 'prod-eu', 'prod-us', 'sandbox', 'k8s'];

describe('chooseEnvironments', () => {
  it('every one when nothing is listed', () => {
    expect(chooseEnvironments(ORDERED)).toEqual({ shown: ORDERED, unknown: [] });
  });

  it('the listed stages and environments add up, in display order whatever the list order', () => {
    expect(chooseEnvironments(ORDERED, ['prod'], ['sandbox', 'dev']).shown).toEqual([
      'dev',
      'prod',
      'prod-eu',
      'prod-us',
      'sandbox',
    ]);
    expect(chooseEnvironments(ORDERED, ['other']).shown).toEqual(['sandbox', 'k8s']);
    expect(chooseEnvironments(ORDERED, ['uat']).shown).toEqual([]);
  });

  it('names never seen are returned apart, not an error', () => {
    expect(chooseEnvironments(ORDERED, [], ['prod', 'gone'])).toEqual({
      shown: ['prod'],
      unknown: ['gone'],
    });
  });
});

describe('stageGroups', () => {
  it('neighbours of one stage form a group; one per run when an order interleaves stages', () => {
    expect(stageGroups(ORDERED)).toEqual([
      { stage: 'dev', envs: ['dev'] },
      { stage: 'qa', envs: ['qa'] },
      { stage: 'staging', envs: ['staging'] },
      { stage: 'prod', envs: ['prod', 'prod-eu', 'prod-us'] },
      { stage: 'other', envs: ['sandbox', 'k8s'] },
    ]);
    expect(stageGroups(['prod', 'dev', 'prod-eu']).map((g) => g.stage)).toEqual([
      'prod',
      'dev',
      'prod',
    ]);
    expect(stageGroups([])).toEqual([]);
  });
});

describe('matrixRows', () => {
  const d = (env: string, app: string, version: string) => clientDeployment({ env, app, version });
  const envs = ['dev', 'staging', 'prod'];
  // api: 2, 1, 1 (staging waits); web: 3, 3, 3; db: -, 5, 4 (prod waits);
  // job: 1, -, - (staging waits, not prod: nothing to its left runs it).
  const states = new Map([
    ['dev', [d('dev', 'api', '2'), d('dev', 'web', '3'), d('dev', 'job', '1')]],
    ['staging', [d('staging', 'api', '1'), d('staging', 'web', '3'), d('staging', 'db', '5')]],
    ['prod', [d('prod', 'api', '1'), d('prod', 'web', '3'), d('prod', 'db', '4')]],
  ]);
  const marks = (rows: ReturnType<typeof matrixRows>['rows']) =>
    rows.map((r) => [
      r.app,
      r.cells.map((c) => (c.waiting ? `${c.waiting.env}:${c.waiting.version}` : '-')),
    ]);

  it('every app that runs in a shown environment, in reading order, marked as the legend says', () => {
    const { rows, total } = matrixRows(envs, states, { diff: false });
    expect(total).toBe(4);
    expect(marks(rows)).toEqual([
      ['api', ['-', 'dev:2', '-']],
      ['db', ['-', '-', 'staging:5']],
      ['job', ['-', 'dev:1', '-']],
      ['web', ['-', '-', '-']],
    ]);
  });

  it('differences only: the rows with a mark; q filters by name first; total stays all', () => {
    expect(matrixRows(envs, states, { diff: true }).rows.map((r) => r.app)).toEqual([
      'api',
      'db',
      'job',
    ]);
    const filtered = matrixRows(envs, states, { q: 'b', diff: true });
    expect(filtered.rows.map((r) => r.app)).toEqual(['db', 'job']);
    expect(filtered.total).toBe(4);
  });

  it('marks follow the shown columns: without staging, dev -> prod is the step', () => {
    const { rows } = matrixRows(['dev', 'prod'], states, { diff: true });
    expect(marks(rows)).toEqual([
      ['api', ['-', 'dev:2']],
      ['job', ['-', 'dev:1']],
    ]);
  });
});

describe('overviewHref', () => {
  const none = { q: '', stages: [], envs: [], diff: false, at: null };
  it('/ for nothing chosen; the parameters in one order, lists with commas, at as written', () => {
    expect(overviewHref(none)).toBe('/');
    expect(
      overviewHref({
        q: 'pay svc',
        stages: ['staging', 'prod'],
        envs: ['dev'],
        diff: true,
        at: '2026-11-01T12:00:00.000Z',
      }),
    ).toBe('/?q=pay+svc&stage=staging,prod&env=dev&diff=1&at=2026-11-01T12%3A00Z');
    expect(overviewHref({ ...none, q: 'a&b=c' })).toBe('/?q=a%26b%3Dc');
  });
});
