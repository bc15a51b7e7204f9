/**
 * Who may post to the GitOps hooks: the same decision as any write (a
 * token whose write scope covers the address's environment, closed once a
 * token exists), and for Flux, with SVT_FLUX_HMAC_KEY set, a valid
 * `X-Signature` over the exact body bytes, computed here as Flux's
 * forwarder computes it (HMAC-SHA256 of the body, hex, `sha256=` prefix).
 */
import { afterAll, beforeEach, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { type TestApp, testApp } from '../helpers/app.js';
import { fixture, fluxVariant, postHook, signature } from '../helpers/gitops.js';
import { removeTempDirs } from '../helpers/tmp.js';
import { issueToken } from '../helpers/tokens.js';

afterAll(removeTempDirs);

const KEY = 'a-long-random-key-shared-with-flux';
const install = fixture('flux/helmrelease-install-succeeded.json');

async function count(t: TestApp): Promise<number> {
  return (await t.store.history({ limit: 100 })).items.length;
}

describe('SVT_FLUX_HMAC_KEY set: X-Signature', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await testApp({ SVT_FLUX_HMAC_KEY: KEY });
  });

  const flux = (body: Buffer, headers: Record<string, string> = {}) =>
    postHook(t.callback, 'flux', body, { headers });

  it('a good signature over the exact bytes: recorded', async () => {
    const res = await flux(install, { 'X-Signature': signature(install, KEY) }).expect(201);
    expect(res.body.deployment.version).toBe('6.5.1');
    // Upper-case hex and the other hashes Flux documents are read as well.
    const upgrade = fixture('flux/helmrelease-upgrade-succeeded.json');
    const upper = signature(upgrade, KEY, 'sha512').replace(
      /=(.*)$/,
      (_, hex: string) => `=${hex.toUpperCase()}`,
    );
    await flux(upgrade, { 'X-Signature': upper }).expect(201);
    expect(await count(t)).toBe(2);
  });

  it.each([
    [
      'missing',
      undefined,
      'signature-missing',
      /has no X-Signature header: use a Flux Provider of type generic-hmac/,
    ],
    [
      'made with another key',
      signature(install, 'another-key'),
      'signature-mismatch',
      /does not match the body/,
    ],
    [
      'malformed',
      'sha256:0123abcd',
      'signature-malformed',
      /must be "<hash>=<hex HMAC of the body>"/,
    ],
    [
      'of an unknown hash',
      `md5=${'ab'.repeat(16)}`,
      'signature-unsupported',
      /uses the hash "md5"/,
    ],
    ['empty hex', 'sha256=', 'signature-malformed', /must be/],
    // Found by a breaker: decoded as bytes, an odd last digit was dropped.
    [
      'with one hex digit more',
      `${signature(install, KEY)}0`,
      'signature-mismatch',
      /does not match the body/,
    ],
  ])('a signature %s: 401 problem saying so, nothing recorded', async (_, header, code, detail) => {
    const res = await flux(install, header === undefined ? {} : { 'X-Signature': header })
      .expect(401)
      .expect('Content-Type', /application\/problem\+json/);
    expect(res.body).toMatchObject({
      status: 401,
      title: 'Unauthorized',
      type: `urn:svt:problem:${code}`,
    });
    expect(res.body.detail).toMatch(detail);
    expect(res.body.detail).not.toContain(KEY);
    expect(await count(t)).toBe(0);
  });

  it('a body changed after it was signed: 401 (one byte is enough)', async () => {
    const changed = fluxVariant('helmrelease-install-succeeded', (e) => {
      e.metadata.revision = '6.5.9';
    });
    expect(changed.length).toBe(install.length);
    await flux(changed, { 'X-Signature': signature(install, KEY) }).expect(401);
    // The same JSON with other whitespace is other bytes too: the signature is over bytes, not values.
    const spaced = Buffer.from(JSON.stringify(JSON.parse(install.toString()), null, 1));
    await flux(spaced, { 'X-Signature': signature(install, KEY) }).expect(401);
    expect(await count(t)).toBe(0);
  });

  it('an event that is not a deployment needs the signature too', async () => {
    const progressing = fixture('flux/kustomization-progressing.json');
    await flux(progressing).expect(401);
    await flux(progressing, { 'X-Signature': signature(progressing, KEY) }).expect(202);
  });

  it('the key as a Secret with a trailing newline gives it, against Flux before and after v1.7 (trimmed or not)', async () => {
    const withNewline = await testApp({ SVT_FLUX_HMAC_KEY: `${KEY}\n` });
    const upgrade = fixture('flux/helmrelease-upgrade-succeeded.json');
    await postHook(withNewline.callback, 'flux', install, {
      headers: { 'X-Signature': signature(install, `${KEY}\n`) },
    }).expect(201);
    await postHook(withNewline.callback, 'flux', upgrade, {
      headers: { 'X-Signature': signature(upgrade, KEY) },
    }).expect(201);
    await withNewline.store.close();
  });

  it('SVT_AUTH=off leaves the signature required', async () => {
    const open = await testApp({ SVT_FLUX_HMAC_KEY: KEY, SVT_AUTH: 'off' });
    await postHook(open.callback, 'flux', install).expect(401);
    await open.store.close();
  });
});

describe('SVT_FLUX_HMAC_KEY unset', () => {
  it('the token alone authenticates: an X-Signature is not checked', async () => {
    const t = await testApp();
    await postHook(t.callback, 'flux', install, { headers: { 'X-Signature': 'sha256=00' } }).expect(
      201,
    );
    await t.store.close();
  });
});

describe('tokens: the same access decision as POST /api/v1/deployments', () => {
  let t: TestApp;
  let tokens: Record<'prod' | 'staging' | 'read' | 'revoked', string>;
  beforeEach(async () => {
    t = await testApp();
    tokens = {
      prod: await issueToken(t.store, 'flux-prod', ['write:prod']),
      staging: await issueToken(t.store, 'flux-staging', ['write:staging']),
      read: await issueToken(t.store, 'reader', ['read']),
      revoked: await issueToken(t.store, 'old', ['admin']),
    };
    await t.store.revokeToken('old', Date.now());
  });

  const argo = fixture('argocd/body-git-succeeded.json');
  const progressing = fixture('flux/kustomization-progressing.json');

  it.each(['flux', 'argocd'] as const)(
    '%s: a token for the environment records, with its name',
    async (tool) => {
      const res = await postHook(t.callback, tool, tool === 'flux' ? install : argo, {
        token: tokens.prod,
      }).expect(201);
      expect(res.body.deployment.recordedBy).toBe('flux-prod');
    },
  );

  it.each([
    ['no token', undefined, 401],
    ['a revoked token', 'revoked', 401],
    ['a read token', 'read', 403],
    ['a token for another environment', 'staging', 403],
  ] as const)('%s: refused, even for an event SVT would not record', async (_, who, status) => {
    const token = who === undefined ? undefined : tokens[who];
    for (const [tool, body] of [
      ['flux', install],
      ['flux', progressing],
      ['argocd', argo],
    ] as const) {
      await postHook(t.callback, tool, body, { token }).expect(status);
    }
    // The same token writes where its scope says.
    if (who === 'staging') {
      await postHook(t.callback, 'flux', install, { token, query: '?env=staging' }).expect(201);
      expect(await count(t)).toBe(1);
    } else {
      expect(await count(t)).toBe(0);
    }
  });

  it('a 403 names the environment and the scopes', async () => {
    const res = await postHook(t.callback, 'argocd', argo, { token: tokens.staging }).expect(403);
    expect(res.body.detail).toBe(
      'token "flux-staging" may not write to environment "prod" (its scopes: write:staging)',
    );
  });
});

describe('the write path of any write', () => {
  it('SVT_RATE_LIMIT counts each hook request, recorded or not', async () => {
    const t = await testApp({ SVT_RATE_LIMIT: '2' });
    const token = await issueToken(t.store, 'flux-prod', ['write:prod']);
    await postHook(t.callback, 'flux', install, { token }).expect(201);
    await postHook(t.callback, 'flux', fixture('flux/kustomization-progressing.json'), {
      token,
    }).expect(202);
    const limited = await postHook(
      t.callback,
      'argocd',
      fixture('argocd/body-git-succeeded.json'),
      {
        token,
      },
    ).expect(429);
    expect(limited.headers['retry-after']).toMatch(/^\d+$/);
    await t.store.close();
  });

  it('/metrics counts the deployments a hook recorded by source, a replay not twice, and the requests by route', async () => {
    const t = await testApp();
    await postHook(t.callback, 'flux', install).expect(201);
    await postHook(t.callback, 'flux', fixture('flux/helmrelease-upgrade-failed.json')).expect(201);
    await postHook(t.callback, 'flux', install).expect(201); // replayed: the failure is the latest
    await postHook(t.callback, 'argocd', fixture('argocd/body-helm-succeeded.json')).expect(201);
    const text = (await request(t.callback).get('/metrics').expect(200)).text;
    const line = (name: string, labels: string) =>
      text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
    expect(line('svt_deployments_recorded_total', 'source="flux",status="success"')).toMatch(/ 1$/);
    expect(line('svt_deployments_recorded_total', 'source="flux",status="failure"')).toMatch(/ 1$/);
    expect(line('svt_deployments_recorded_total', 'source="argocd",status="success"')).toMatch(
      / 1$/,
    );
    expect(
      line('svt_http_requests_total', 'method="POST",route="/api/v1/hooks/flux",status="201"'),
    ).toMatch(/ 3$/);
    await t.store.close();
  });
});

describe('keys a hook derives', () => {
  it('are its own: an API write with the same Idempotency-Key neither blocks nor replays the event', async () => {
    // The key a Flux event gets (shown on its deployment), from a first server.
    const first = await testApp();
    const key = (await postHook(first.callback, 'flux', install).expect(201)).body.deployment
      .idempotencyKey as string;
    expect(key).toMatch(/^flux:/);
    const t = await testApp();
    await request(t.callback)
      .post('/api/v1/deployments')
      .set('Idempotency-Key', key)
      .send({ env: 'prod', app: 'other', version: '1.0.0' })
      .expect(201);
    const event = await postHook(t.callback, 'flux', install).expect(201);
    expect(event.headers['idempotent-replayed']).toBeUndefined();
    expect(event.body.deployment.app).not.toBe('other');
    expect(await count(t)).toBe(2);
  });
});
