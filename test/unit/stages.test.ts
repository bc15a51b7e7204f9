import { describe, expect, it } from '@jest/globals';
import { defaultComparison, orderEnvironments, stageOf } from '../../server/src/stages.js';

describe('stageOf', () => {
  it.each([
    ['dev', 'dev'],
    ['development', 'dev'],
    ['dev2', 'dev'],
    ['DEV-01', 'dev'],
    ['VMs-dev', 'dev'],
    ['test', 'test'],
    ['k8s_test', 'test'],
    ['qa', 'qa'],
    ['qa.eu', 'qa'],
    ['staging', 'staging'],
    ['stage', 'staging'],
    ['us-staging', 'staging'],
    ['uat', 'uat'],
    ['preprod', 'uat'],
    ['pre-prod', 'uat'],
    ['PreProd', 'uat'],
    ['pre_production', 'uat'],
    ['prod', 'prod'],
    ['Production', 'prod'],
    ['prod-eu', 'prod'],
    ['eu-prod', 'prod'],
    ['prod1a', 'prod'],
    ['prod-production', 'prod'],
  ])('%s is %s', (name, stage) => {
    expect(stageOf(name)).toBe(stage);
  });

  it.each(['sandbox', 'k8s', 'devtest', 'products', 'staged', 'demo', 'pre', 'dev-prod', 'qa-uat'])(
    '%s says no stage',
    (name) => {
      expect(stageOf(name)).toBeNull();
    },
  );
});

describe('orderEnvironments', () => {
  it('orders by stage, first seen within a stage, stage-less names last in first-seen order', () => {
    expect(orderEnvironments(['prod', 'dev', 'prod-eu', 'staging', 'sandbox', 'qa'])).toEqual([
      'dev',
      'qa',
      'staging',
      'prod',
      'prod-eu',
      'sandbox',
    ]);
    expect(
      orderEnvironments(['eu-prod', 'demo', 'us-staging', 'dev2', 'uat', 'k8s', 'dev', 'test']),
    ).toEqual(['dev2', 'dev', 'test', 'us-staging', 'uat', 'eu-prod', 'demo', 'k8s']);
  });

  it('keeps first-seen order when no name says a stage', () => {
    expect(orderEnvironments(['k8s', 'VMs', 'edge'])).toEqual(['k8s', 'VMs', 'edge']);
  });

  it('puts SVT_ENV_ORDER first, in its order, leaving out names never seen; the rest by stage', () => {
    expect(
      orderEnvironments(
        ['prod', 'sandbox', 'dev', 'prod-eu', 'staging'],
        ['staging', 'dev', 'nope'],
      ),
    ).toEqual(['staging', 'dev', 'prod', 'prod-eu', 'sandbox']);
  });

  it('returns a new array and leaves its input alone', () => {
    const seen = ['prod', 'dev'];
    expect(orderEnvironments(seen)).toEqual(['dev', 'prod']);
    expect(seen).toEqual(['prod', 'dev']);
    expect(orderEnvironments([])).toEqual([]);
  });
});

describe('defaultComparison', () => {
  it('is the step into the last stage seen', () => {
    expect(defaultComparison(['dev', 'qa', 'staging', 'prod', 'prod-eu', 'sandbox'])).toEqual({
      from: 'staging',
      to: 'prod',
    });
    expect(defaultComparison(['dev', 'dev2', 'sandbox'])).toEqual({ from: 'dev', to: 'dev2' });
    expect(defaultComparison(['dev', 'dev-eu', 'qa', 'qa-eu'])).toEqual({
      from: 'dev-eu',
      to: 'qa',
    });
  });

  it('is the last two of SVT_ENV_ORDER seen, when two were', () => {
    expect(
      defaultComparison(['dev', 'staging', 'prod', 'sandbox'], ['dev', 'staging', 'prod']),
    ).toEqual({ from: 'staging', to: 'prod' });
    expect(defaultComparison(['b', 'a', 'c'], ['b', 'a', 'gone'])).toEqual({ from: 'b', to: 'a' });
  });

  it('falls back to the last two environments, and is null with fewer than two', () => {
    expect(defaultComparison(['k8s', 'VMs', 'edge'])).toEqual({ from: 'VMs', to: 'edge' });
    expect(defaultComparison(['prod'])).toBeNull();
    expect(defaultComparison([])).toBeNull();
  });
});
