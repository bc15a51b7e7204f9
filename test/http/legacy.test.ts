/** The seed's routes, as its callers use them. */
import { afterAll, beforeEach, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { type TestApp, testApp } from '../helpers/app.js';
import { removeTempDirs } from '../helpers/tmp.js';

afterAll(removeTempDirs);

describe('legacy routes', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await testApp();
  });

  // What `curl -d '{...}'` sends: JSON under a form Content-Type.
  const curlD = (body: string) =>
    request(t.callback)
      .post('/create')
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .send(body);

  it('POST /create takes JSON whatever the Content-Type, and says creation then update', async () => {
    const created = await curlD(
      '{"env":"dev","name":"Test app","version":"5.27.94","url":"http://www.whatever.com:1337/random/url"}',
    ).expect(200);
    expect(created.body.message).toBe('Creation successful');
    expect(created.body.deployment).toMatchObject({
      env: 'dev',
      app: 'Test app',
      version: '5.27.94',
      url: 'http://www.whatever.com:1337/random/url',
      status: 'success',
    });
    const updated = await request(t.callback)
      .post('/create')
      .send({ env: 'dev', name: 'Test app', version: '5.28.0' })
      .expect(200);
    expect(updated.body.message).toBe('Update successful');
  });

  it('POST /create takes a form-encoded body; extra keys become attributes', async () => {
    const res = await curlD('env=dev&name=web&version=1.2.3-rc1&team=core&owner=j%C3%B6rg').expect(
      200,
    );
    expect(res.body.deployment.attributes).toEqual({ team: 'core', owner: 'jörg' });
    const list = await request(t.callback).get('/list/dev').expect(200);
    expect(list.body).toEqual([
      {
        name: 'web',
        version: '1.2.3-rc1',
        date: res.body.deployment.deployedAt,
        team: 'core',
        owner: 'jörg',
      },
    ]);
  });

  it.each([
    ['{"name":"a","version":"1.0.0"}', 'env', 'is required'],
    ['{"env":"","name":"a","version":"1.0.0"}', 'env', 'must not be empty'],
    ['{"env":"dev","name":"a","version":"v1.0"}', 'version', 'must look like 1.2.3'],
    ['{"env":"dev","name":"a","version":"1.0.0","$set":"x"}', '$set', 'is a reserved key'],
    ['{"env":"dev","name":"a","version":"1.0.0","a.b":"x"}', 'a.b', 'must not contain "$" or "."'],
    ['{"env":"dev","name":"a","version":"1.0.0","a$b":"x"}', 'a$b', 'must not contain "$" or "."'],
    // Reserved keys, as the README promises: refused and named, never dropped.
    ['env=dev&name=a&version=1.0.0&__proto__=x', '__proto__', 'is a reserved key and is refused'],
    ['env=dev&name=a&version=1.0.0&constructor=', 'constructor', 'is a reserved key'],
    ['env=dev&name=a&version=1.0.0&prototype=x', 'prototype', 'is a reserved key'],
    ['env=dev&name=a&version=1.0.0&%24x=x', '$x', 'is a reserved key'],
    ['env=dev&name=a&version=1.0.0&%5F%5Fproto%5F%5F=x', '__proto__', 'is a reserved key'],
    [
      '{"env":"dev","name":"a","version":"1.0.0","__proto__":"x"}',
      '__proto__',
      'is a reserved key',
    ],
    [
      '{"env":"dev","name":"a","version":"1.0.0","team":{"constructor":{"prototype":1}}}',
      'team.constructor',
      'is a reserved key',
    ],
    ['{"env":"dev","name":"<script>","version":"1.0.0"}', 'name', 'must not contain "<" or ">"'],
    ['{"env":"dev","name":"a","version":"1.0.0","n":5}', 'n', 'must be a string'],
    ['{"env":"dev","name":"a","version":"1.0.0","o":{"x":"y"}}', 'o', 'must be a string'],
    ['{"env":"dev","name":"a","version":"1.0.0","url":"javascript:x"}', 'url', 'http or https'],
    ['{"env":"dev","name":"a","version":"1.0.0","date":"2020"}', 'date', 'set by the server'],
    ['env=dev&name=a&version=1.0.0&env=prod', 'env', 'must be a string'],
  ])('POST /create refuses %s', async (body, path, message) => {
    const res = await curlD(body).expect(400);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(res.body.errors).toContainEqual({ path, message: expect.stringContaining(message) });
    expect(res.body.detail).toContain(path);
    expect((await t.store.history({ limit: 1 })).items).toEqual([]);
  });

  it('POST /create refuses broken JSON and non-object JSON', async () => {
    await curlD('{"env": ').expect(400);
    await curlD('["env"]').expect(400);
  });

  it('SVT_VERSION_PATTERN replaces the seed pattern on /create', async () => {
    const custom = await testApp({ SVT_VERSION_PATTERN: 'v[0-9]+' });
    await request(custom.callback)
      .post('/create')
      .send({ env: 'dev', name: 'a', version: 'v12' })
      .expect(200);
    const res = await request(custom.callback)
      .post('/create')
      .send({ env: 'dev', name: 'a', version: '1.0.0' })
      .expect(400);
    expect(res.body.errors[0].message).toMatch(/SVT_VERSION_PATTERN/);
  });

  it('GET /list/{env} and /list?env= answer a bare array; an unknown env gives []', async () => {
    await curlD('{"env":"dev","name":"a.b","version":"1.0.0"}').expect(200);
    await curlD('{"env":"dev","name":"axb","version":"2.0.0"}').expect(200);
    const byPath = await request(t.callback).get('/list/dev').expect(200);
    const byQuery = await request(t.callback).get('/list?env=dev').expect(200);
    expect(byPath.body).toEqual(byQuery.body);
    expect(byPath.body.map((x: { name: string }) => x.name)).toEqual(['a.b', 'axb']);
    expect((await request(t.callback).get('/list/other').expect(200)).body).toEqual([]);
    await request(t.callback).get('/list').expect(400);
    await request(t.callback).get('/list/bad%20env').expect(400);
  });

  it('GET /list shows v1 attributes at the top level, never hiding the seed keys', async () => {
    await request(t.callback)
      .post('/api/v1/deployments')
      .send({ env: 'dev', app: 'api', version: '3', attributes: { name: 'spoof', tier: 1 } })
      .expect(201);
    const res = await request(t.callback).get('/list/dev').expect(200);
    expect(res.body).toEqual([{ name: 'api', version: '3', date: expect.any(String), tier: 1 }]);
  });
});
