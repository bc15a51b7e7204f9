/**
 * The `repository` of a deployment through the API: validated, stored
 * without credentials, returned everywhere a deployment is (JSON, CSV,
 * export), and the record answer's links to its forge.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { testApp } from '../helpers/app.js';
import { removeTempDirs } from '../helpers/tmp.js';

afterAll(removeTempDirs);

const A = '1111111aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const B = '2222222bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';

describe('repository', () => {
  it('is stored as the web page, without credentials, and shown wherever the deployment is', async () => {
    const t = await testApp();
    const res = await request(t.callback)
      .post('/api/v1/deployments')
      .send({
        env: 'prod',
        app: 'api',
        version: '1.0.0',
        commit: A,
        repository: 'https://ci:glpat-secret@GitLab.com/acme/api.git/',
      })
      .expect(201);
    expect(res.body.deployment.repository).toBe('https://gitlab.com/acme/api');
    expect(JSON.stringify(res.body)).not.toContain('glpat-secret');
    const prod = await request(t.callback).get('/api/v1/environments/prod').expect(200);
    expect(prod.body.deployments[0].repository).toBe('https://gitlab.com/acme/api');
    const csv = await request(t.callback).get('/api/v1/deployments?format=csv').expect(200);
    const [header, row] = csv.text.split('\r\n');
    expect(header?.endsWith('"attributes","repository"')).toBe(true);
    expect(row?.endsWith(',"https://gitlab.com/acme/api"')).toBe(true);
    // A deployment without one keeps working, and says null.
    const plain = await request(t.callback)
      .post('/api/v1/deployments')
      .send({ env: 'prod', app: 'web', version: '1.0.0' })
      .expect(201);
    expect(plain.body.deployment.repository).toBeNull();
    expect(plain.body.links).toEqual({ commit: null, changes: null });
  });

  it.each([
    ['git@github.com:acme/api.git', 'an SSH clone URL'],
    ['javascript:alert(1)//x/y', 'a script URL'],
    ['https://github.com/acme', 'no repository in the path'],
    [42, 'a number'],
  ])(
    'refuses %j (%s) with a problem naming the field',
    async (repository: string | number, _kind: string) => {
      const t = await testApp();
      const res = await request(t.callback)
        .post('/api/v1/deployments')
        .send({ env: 'prod', app: 'api', version: '1.0.0', repository })
        .expect(400)
        .expect('Content-Type', /application\/problem\+json/);
      expect(res.body.errors).toEqual([
        {
          path: 'repository',
          message:
            typeof repository === 'number'
              ? 'must be a string'
              : `must be the http or https URL of a repository's web page, such as https://github.com/acme/api; got ${JSON.stringify(repository)}`,
        },
      ]);
      expect((await request(t.callback).get('/api/v1/deployments')).body.items).toEqual([]);
    },
  );

  it('links the commit and the changes since the deployment it replaced, on a known forge', async () => {
    const t = await testApp({ SVT_FORGES: 'git.example.org=gitea' });
    const record = async (version: string, commit: string, repository: string) =>
      (
        await request(t.callback)
          .post('/api/v1/deployments')
          .send({ env: 'prod', app: 'api', version, commit, repository })
          .expect(201)
      ).body as { links: unknown };
    const github = 'https://github.com/acme/api';
    expect((await record('1.0.0', A, github)).links).toEqual({
      commit: `${github}/commit/${A}`,
      changes: null,
    });
    expect((await record('1.1.0', B, github)).links).toEqual({
      commit: `${github}/commit/${B}`,
      changes: `${github}/compare/${A}...${B}`,
    });
    // The repository moved: no compare across two repositories.
    const gitea = 'https://git.example.org/team/api';
    expect((await record('1.2.0', A, gitea)).links).toEqual({
      commit: `${gitea}/commit/${A}`,
      changes: null,
    });
    // A host SVT does not know: no link rather than a wrong one.
    expect((await record('1.3.0', B, 'https://git.unknown.test/team/api')).links).toEqual({
      commit: null,
      changes: null,
    });
  });

  it('GET /api/v1/deployments/{id}: the deployment, the success it followed, its links', async () => {
    const t = await testApp();
    const github = 'https://github.com/acme/api';
    const record = async (version: string, commit: string, deployedAt: string) =>
      (
        await request(t.callback)
          .post('/api/v1/deployments')
          .send({ env: 'prod', app: 'api', version, commit, repository: github, deployedAt })
          .expect(201)
      ).body.deployment as { id: string };
    const first = await record('1.0.0', A, '2026-11-20T10:00:00Z');
    const second = await record('1.1.0', B, '2026-11-22T10:00:00Z');
    // Back-dated between the two: it follows 1.0.0, and 1.1.0 now follows it.
    const between = await record('1.0.5', B, '2026-11-21T10:00:00Z');
    const detail = await request(t.callback).get(`/api/v1/deployments/${between.id}`).expect(200);
    expect(detail.body.deployment.id).toBe(between.id);
    expect(detail.body.previous.id).toBe(first.id);
    expect(detail.body.links).toEqual({
      commit: `${github}/commit/${B}`,
      changes: `${github}/compare/${A}...${B}`,
    });
    const latest = await request(t.callback).get(`/api/v1/deployments/${second.id}`).expect(200);
    // From 1.0.5 to 1.1.0: the same commit, nothing to compare.
    expect([latest.body.previous.id, latest.body.links.changes]).toEqual([between.id, null]);
    const oldest = await request(t.callback).get(`/api/v1/deployments/${first.id}`).expect(200);
    expect([oldest.body.previous, oldest.body.links.changes]).toEqual([null, null]);

    await request(t.callback).get('/api/v1/deployments/01K0000000000000000000000A').expect(404);
    const bad = await request(t.callback).get('/api/v1/deployments/nope').expect(400);
    expect(bad.body.errors[0]).toMatchObject({ path: 'id' });

    // The pages' way to the forge: a redirect, or a page that says why there is none.
    const go = await request(t.callback).get(`/deployments/${between.id}/changes`).expect(302);
    expect(go.headers.location).toBe(`${github}/compare/${A}...${B}`);
    const none = await request(t.callback).get(`/deployments/${first.id}/changes`).expect(404);
    expect(none.text).toContain('api 1.0.0 in prod is the first success there');
  });
});
