import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AtelierClient } from '#src/client/index.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';

describe('first contact: GET /, unknown paths, /docs', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  test('GET / says what the server is and where to go, to anyone', async () => {
    for (const headers of [{}, { 'X-Auth-Token': 'not-a-token' }] as Array<Record<string, string>>) {
      const res = await fetch(`${t.url}/`, { headers });
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
      assert.match(res.headers.get('x-request-id') ?? '', /^[0-9a-f]{32}$/);
      const body = (await res.json()) as Record<string, string>;
      assert.equal(body.name, 'Atelier');
      assert.match(body.about!, /ModelArts/);
      assert.equal(body.docs, '/docs');
      assert.equal(body.openapi, '/openapi.json');
      assert.match(body.authentication!, /POST \/v3\/auth\/tokens/);
      assert.match(body.authentication!, /X-Auth-Token/);
      assert.ok(!JSON.stringify(body).includes('app-auth'));
    }
    const docs = await fetch(`${t.url}/docs`, { redirect: 'follow' });
    assert.equal(docs.status, 200, 'where it points to answers');
  });

  test('an unknown path is "no such API", with the same answer signed, with a bad token, or with nothing', async () => {
    const callers = [
      t.client,
      new AtelierClient(t.url, { kind: 'token', token: 'not-a-token', projectId: t.creds.project_id }),
      new AtelierClient(t.url, { kind: 'none', projectId: t.creds.project_id }),
    ];
    for (const [method, path] of [
      ['GET', '/no-such-api'],
      ['POST', '/v2/{project_id}/no-such-api'],
      ['DELETE', '/health'],
    ] as const) {
      const answers: unknown[] = [];
      for (const c of callers) {
        const res = await c.http.raw(method, path, method === 'POST' ? { body: { a: 1 } } : {});
        assert.equal(res.status, 404, `${method} ${path}`);
        assert.ok(res.headers.get('x-request-id'));
        answers.push(res.json);
      }
      const [first] = answers as Array<{ error_code: string; error_msg: string }>;
      assert.equal(first!.error_code, 'ModelArts.4901');
      assert.equal(first!.error_msg, `No such API: ${method} ${path.replace('{project_id}', t.creds.project_id)}. The APIs served are listed at /docs.`);
      for (const a of answers) assert.deepEqual(a, first, 'nothing depends on who asks');
    }
  });

  test('a known path still asks for credentials', async () => {
    const res = await new AtelierClient(t.url, { kind: 'none', projectId: t.creds.project_id }).http.raw('GET', '/v2/{project_id}/authorizations');
    assert.equal(res.status, 401);
  });

  test('/docs tells how to authenticate from a browser: a token from POST /v3/auth/tokens, sent as X-Auth-Token', async () => {
    const doc = (await (await fetch(`${t.url}/openapi.json`)).json()) as {
      info: { description?: string };
      components: { securitySchemes: Record<string, { name: string; description?: string }> };
    };
    const text = doc.info.description ?? '';
    assert.match(text, /POST \/v3\/auth\/tokens/);
    assert.match(text, /X-Subject-Token/);
    assert.match(text, /Authorize/);
    assert.match(text, /X-Auth-Token/);
    assert.equal(doc.components.securitySchemes.token!.name, 'X-Auth-Token');
    assert.match(doc.components.securitySchemes.token!.description ?? '', /\/v3\/auth\/tokens/);

    // What the page says works: the login it shows, then the token as X-Auth-Token.
    const login = await fetch(`${t.url}/v3/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: {
            methods: ['password'],
            password: { user: { name: t.creds.user_name, password: t.creds.password, domain: { name: t.creds.domain_name } } },
          },
          scope: { project: { name: t.creds.project_name } },
        },
      }),
    });
    assert.equal(login.status, 201);
    const token = login.headers.get('x-subject-token');
    assert.ok(token);
    const res = await fetch(`${t.url}/v2/${t.creds.project_id}/authorizations`, { headers: { 'X-Auth-Token': token } });
    assert.equal(res.status, 200);
  });
});
