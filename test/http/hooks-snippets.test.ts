/**
 * The configuration SVT ships for the two tools (deploy/flux/svt.yaml,
 * deploy/argocd/argocd-notifications-cm.yaml) says what SVT expects: each
 * is read as YAML, its parts checked against each other, and a request
 * built from it (address, headers, secret, signature) is accepted.
 *
 * Argo CD renders the body with Go's text/template, which cannot run here
 * in the test suite: the template text must be the one
 * test/fixtures/argocd/body-*.json were rendered from (with Go and Sprig,
 * by test/fixtures/argocd/render.go, README there), and those bodies are
 * what the endpoint is tested with.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { testApp } from '../helpers/app.js';
import { fixture, postHook, signature } from '../helpers/gitops.js';
import { ROOT } from '../helpers/run-node.js';
import { removeTempDirs } from '../helpers/tmp.js';
import { issueToken } from '../helpers/tokens.js';

afterAll(removeTempDirs);

type Doc = Record<string, unknown>;

function documents(file: string): Doc[] {
  return parseAllDocuments(readFileSync(join(ROOT, 'deploy', file), 'utf8')).map(
    (d) => d.toJS() as Doc,
  );
}

/** The value at a dotted path of a parsed document (`spec.address`); undefined where there is none. */
function at(doc: unknown, path: string): unknown {
  let value = doc;
  for (const key of path === '' ? [] : path.split('.')) {
    value = typeof value === 'object' && value !== null ? (value as Doc)[key] : undefined;
  }
  return value;
}
const text = (doc: unknown, path: string): string => {
  const value = at(doc, path);
  if (typeof value !== 'string') throw new Error(`${path} is not a string`);
  return value;
};

describe('deploy/argocd/argocd-notifications-cm.yaml', () => {
  const [cm, secret] = documents('argocd/argocd-notifications-cm.yaml') as [Doc, Doc];
  // ConfigMap keys hold dots (`service.webhook.svt`): looked up whole.
  const data = (key: string): unknown => parse(text((at(cm, 'data') as Doc)[key], ''));
  const service = data('service.webhook.svt') as Doc;
  const template = data('template.svt-deployment');

  it('a webhook service to the hook with the environment in its query, JSON, the token from the secret', () => {
    expect(cm).toMatchObject({ kind: 'ConfigMap', metadata: { name: 'argocd-notifications-cm' } });
    const url = new URL(text(service, 'url'));
    expect(url.pathname).toBe('/api/v1/hooks/argocd');
    expect(url.searchParams.get('env')).toBe('prod');
    expect(service.headers).toEqual([
      { name: 'Content-Type', value: 'application/json' },
      { name: 'Authorization', value: 'Bearer $svt-token' },
    ]);
    expect(secret).toMatchObject({
      kind: 'Secret',
      metadata: { name: 'argocd-notifications-secret' },
      stringData: { 'svt-token': expect.any(String) },
    });
  });

  it('a template for that service: POST, no path (a path would replace the query), the body rendered into the fixtures', () => {
    expect(Object.keys(at(template, 'webhook') as Doc)).toEqual(['svt']);
    expect(at(template, 'webhook.svt.method')).toBe('POST');
    expect(at(template, 'webhook.svt.path')).toBeUndefined();
    expect(at(template, 'webhook.svt.body')).toBe(
      readFileSync(join(ROOT, 'test', 'fixtures', 'argocd', 'body.tmpl'), 'utf8'),
    );
  });

  it('triggers on sync running, succeeded and failed, once per operation, subscribed for every Application', () => {
    const running = data('trigger.svt-on-sync-running');
    const succeeded = data('trigger.svt-on-sync-succeeded');
    const failed = data('trigger.svt-on-sync-failed');
    expect(running).toEqual([
      {
        when: "app.status.operationState != nil and app.status.operationState.phase in ['Running']",
        oncePer: 'app.status.operationState?.startedAt',
        send: ['svt-deployment'],
      },
    ]);
    expect(succeeded).toEqual([
      {
        when: "app.status.operationState != nil and app.status.operationState.phase in ['Succeeded']",
        oncePer: 'app.status.operationState?.startedAt',
        send: ['svt-deployment'],
      },
    ]);
    expect(failed).toEqual([
      {
        when: "app.status.operationState != nil and app.status.operationState.phase in ['Error', 'Failed']",
        oncePer: 'app.status.operationState?.startedAt',
        send: ['svt-deployment'],
      },
    ]);
    expect(data('subscriptions')).toEqual([
      {
        recipients: ['svt'],
        triggers: ['svt-on-sync-running', 'svt-on-sync-succeeded', 'svt-on-sync-failed'],
      },
    ]);
  });

  it('what it sends, to where it sends it, with its headers, is recorded', async () => {
    const t = await testApp();
    const token = await issueToken(t.store, 'argocd', ['write:prod']);
    const url = new URL(text(service, 'url'));
    const headers = Object.fromEntries(
      (service.headers as { name: string; value: string }[]).map((h) => [
        h.name,
        h.value.replace('$svt-token', token),
      ]),
    );
    const bodies = [
      'git-succeeded',
      'helm-succeeded',
      'git-failed',
      'multisource-succeeded',
      'git-running',
    ];
    for (const name of bodies) {
      const res = await postHook(t.callback, 'argocd', fixture(`argocd/body-${name}.json`), {
        query: url.search,
        headers,
      });
      expect([name, res.status]).toEqual([name, 201]);
      expect(res.body.deployment.recordedBy).toBe('argocd');
    }
    // A sync's first Running notification may come before its sync result: recorded too.
    const first = await testApp();
    const res = await postHook(
      first.callback,
      'argocd',
      fixture('argocd/body-git-running-start.json'),
      {
        query: url.search,
        headers: {
          ...headers,
          Authorization: 'Bearer ' + (await issueToken(first.store, 'argocd', ['write:prod'])),
        },
      },
    );
    expect([res.status, res.body.deployment?.status]).toEqual([201, 'started']);
    await first.store.close();
    await t.store.close();
  });
});

describe('deploy/flux/svt.yaml', () => {
  const [provider, secret, alert] = documents('flux/svt.yaml') as [Doc, Doc, Doc];

  it('a generic-hmac Provider to the hook with the environment in its address, its Secret, an Alert for it', () => {
    expect(provider).toMatchObject({ kind: 'Provider', spec: { type: 'generic-hmac' } });
    const address = new URL(text(provider, 'spec.address'));
    expect(address.pathname).toBe('/api/v1/hooks/flux');
    expect(address.searchParams.get('env')).toBe('prod');
    expect(secret).toMatchObject({
      kind: 'Secret',
      metadata: { name: at(provider, 'spec.secretRef.name') },
    });
    expect(parse(text(secret, 'stringData.headers'))).toEqual({
      Authorization: expect.stringMatching(/^Bearer svt_/),
    });
    expect(alert).toMatchObject({
      kind: 'Alert',
      spec: { providerRef: { name: at(provider, 'metadata.name') }, eventSeverity: 'info' },
    });
    expect(at(alert, 'spec.eventSources')).toEqual([
      { kind: 'HelmRelease', name: '*' },
      { kind: 'Kustomization', name: '*' },
    ]);
  });

  it('an event sent as that Provider sends it (signed with the Secret token, its headers) is recorded', async () => {
    const key = text(secret, 'stringData.token');
    const t = await testApp({ SVT_FLUX_HMAC_KEY: key });
    const token = await issueToken(t.store, 'flux-prod', ['write:prod']);
    const headers = parse(text(secret, 'stringData.headers').replace(/svt_\S+/, token)) as Record<
      string,
      string
    >;
    const body = fixture('flux/helmrelease-install-succeeded.json');
    const res = await postHook(t.callback, 'flux', body, {
      query: new URL(text(provider, 'spec.address')).search,
      headers: { ...headers, 'X-Signature': signature(body, key) },
    }).expect(201);
    expect(res.body.deployment).toMatchObject({ env: 'prod', recordedBy: 'flux-prod' });
    await t.store.close();
  });
});
