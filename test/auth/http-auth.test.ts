import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AtelierClient } from '#src/client/index.ts';
import type { Clock } from '#src/core/time.ts';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';

const LIST = '/v2/{project_id}/authorizations';

/** A clock tests can move forward. */
class TestClock implements Clock {
  offset = 0;
  now(): number {
    return Date.now() + this.offset;
  }
}

describe('authentication', () => {
  let t: TestApp;
  const clock = new TestClock();
  before(async () => {
    t = await startTestApp({ ATELIER_BODY_LIMIT: '4096' }, { clock });
  });
  after(() => t.close());

  test('health is public and every response has X-Request-Id', async () => {
    const res = await fetch(`${t.url}/health`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'ok' });
    assert.match(res.headers.get('x-request-id') ?? '', /^[0-9a-f]{32}$/);
  });

  test('HEAD of an API needs credentials like its GET; request ids differ per request', async () => {
    const head = await fetch(`${t.url}/v2/${t.creds.project_id}/authorizations`, { method: 'HEAD' });
    assert.equal(head.status, 401);
    const ids = new Set<string>();
    for (let i = 0; i < 3; i++) ids.add((await t.client.http.raw('GET', LIST)).headers.get('x-request-id') ?? '');
    assert.equal(ids.size, 3);
    for (const id of ids) assert.match(id, /^[0-9a-f]{32}$/);
  });

  test('no credentials: 401 with a ModelArts error body', async () => {
    const res = await fetch(`${t.url}/v2/${t.creds.project_id}/authorizations`);
    assert.equal(res.status, 401);
    const body = (await res.json()) as Record<string, string>;
    assert.equal(body.error_code, 'ModelArts.0205');
    assert.equal(typeof body.error_msg, 'string');
    assert.ok(res.headers.get('x-request-id'));
  });

  test('a signed GET is accepted with either JSON content type', async () => {
    for (const ct of ['application/json', 'application/json;charset=utf-8']) {
      const res = await t.client.http.raw('GET', LIST, { headers: { 'content-type': ct }, query: { limit: 10, offset: 0 } });
      assert.equal(res.status, 200, ct);
    }
  });

  test('wrong SK, unknown AK: 401', async () => {
    const wrongSk = t.client.http.withAuth({ kind: 'aksk', ak: t.creds.ak, sk: 'x'.repeat(40), projectId: t.creds.project_id });
    await assert.rejects(wrongSk.call('GET', LIST), apiFailure(401, 'ModelArts.0208', 'signature'));
    const unknownAk = t.client.http.withAuth({ kind: 'aksk', ak: 'NOSUCHAK000000000000', sk: t.creds.sk, projectId: t.creds.project_id });
    await assert.rejects(unknownAk.call('GET', LIST), apiFailure(401, 'ModelArts.0208', 'access key'));
  });

  test('a signature over a different body is refused and nothing is stored', async () => {
    const signed = t.client.http.prepare('POST', '/v2/{project_id}/agency', { body: { agency_name_suffix: 'one' } });
    const res = await t.client.http.send({ ...signed, body: JSON.stringify({ agency_name_suffix: 'two' }) });
    assert.equal(res.status, 401);
    assert.equal((res.json as { error_code: string }).error_code, 'ModelArts.0208');
    // The agency of the refused request was never created, so an authorization naming it fails.
    await assert.rejects(
      t.client.authorizations.create({ user_id: await adminId(t), type: 'agency', content: 'ma_agency_two' }),
      apiFailure(400, 'ModelArts.6376'),
    );
  });

  test('a tampered query string is refused', async () => {
    const signed = t.client.http.prepare('GET', LIST, { query: { limit: 10 } });
    const res = await t.client.http.send({ ...signed, url: signed.url.replace('limit=10', 'limit=11') });
    assert.equal(res.status, 401);
  });

  test('an old X-Sdk-Date (a replay) and a far-future one are refused', async () => {
    for (const skew of [-16 * 60_000, 16 * 60_000]) {
      const res = await t.client.http.raw('GET', LIST, { date: new Date(Date.now() + skew) });
      assert.equal(res.status, 401);
      assert.equal((res.json as { error_code: string }).error_code, 'ModelArts.0208');
    }
    const ok = await t.client.http.raw('GET', LIST, { date: new Date(Date.now() - 10 * 60_000) });
    assert.equal(ok.status, 200, 'inside the 15 minute window');
  });

  test('malformed Authorization and missing signed headers: 401', async () => {
    const res = await fetch(`${t.url}/v2/${t.creds.project_id}/authorizations`, { headers: { authorization: 'Basic abc' } });
    assert.equal(res.status, 401);
    assert.equal(((await res.json()) as { error_code: string }).error_code, 'ModelArts.0206');
    const signed = t.client.http.prepare('GET', LIST);
    const noHost = signed.headers.authorization!.replace('host;', '');
    const r2 = await fetch(signed.url, { headers: { ...signed.headers, authorization: noHost } });
    assert.equal(r2.status, 401);
    assert.equal(((await r2.json()) as { error_code: string }).error_code, 'ModelArts.0206');
  });

  test("another tenant's project id in the path: 403", async () => {
    const other = await t.newTenant('tenant-b');
    const intruder = other.http.withAuth({ ...(other.http.auth as { kind: 'aksk'; ak: string; sk: string }), projectId: t.creds.project_id, kind: 'aksk' });
    await assert.rejects(intruder.call('GET', LIST), apiFailure(403, 'ModelArts.0210'));
    // X-Project-Id that disagrees with the path.
    const res = await t.client.http.raw('GET', LIST, { headers: { 'x-project-id': other.projectId } });
    assert.equal(res.status, 403);
  });

  test('tokens: password login, use, wrong password, other project, expiry', async () => {
    const { token, body } = await t.client.iam.issueToken({
      domain: t.creds.domain_name,
      user: t.creds.user_name,
      password: t.creds.password,
      project: { name: t.creds.project_name },
    });
    assert.equal(body.token.project.id, t.creds.project_id);
    assert.equal(body.token.user.name, t.creds.user_name);
    const ttl = Date.parse(body.token.expires_at) - Date.parse(body.token.issued_at);
    assert.equal(ttl, 24 * 3600 * 1000);
    const tokenClient = new AtelierClient(t.url, { kind: 'token', token, projectId: t.creds.project_id });
    assert.equal((await tokenClient.authorizations.list()).total_count, 0);

    await assert.rejects(
      t.client.iam.issueToken({ domain: t.creds.domain_name, user: t.creds.user_name, password: 'wrong-password', project: { name: t.creds.project_name } }),
      apiFailure(401, 'ModelArts.0208'),
    );
    const other = await t.newTenant('tenant-c');
    const elsewhere = new AtelierClient(t.url, { kind: 'token', token, projectId: other.projectId });
    await assert.rejects(elsewhere.authorizations.list(), apiFailure(403, 'ModelArts.0210'));
    const garbage = new AtelierClient(t.url, { kind: 'token', token: 'not-a-token', projectId: t.creds.project_id });
    await assert.rejects(garbage.authorizations.list(), apiFailure(401, 'ModelArts.0203'));

    clock.offset = 25 * 3600 * 1000;
    try {
      await assert.rejects(tokenClient.authorizations.list(), apiFailure(401, 'ModelArts.0202'));
    } finally {
      clock.offset = 0;
    }
  });

  test('token request validation: missing fields are a 400 naming the field', async () => {
    const res = await t.client.http.raw('POST', '/v3/auth/tokens', {
      body: { auth: { identity: { methods: ['password'] }, scope: { project: { name: 'default' } } } },
    });
    assert.equal(res.status, 400);
    const body = res.json as { error_code: string; error_msg: string };
    assert.equal(body.error_code, 'ModelArts.0104');
    assert.match(body.error_msg, /body\.auth\.identity\.password is required/);
  });

  test('unknown routes: 404 with a code', async () => {
    const res = await t.client.http.raw('GET', '/v2/{project_id}/no-such-api');
    assert.equal(res.status, 404);
    assert.equal((res.json as { error_code: string }).error_code, 'ModelArts.4901');
    assert.match(res.headers.get('x-request-id') ?? '', /^[0-9a-f]{32}$/);
  });

  test('a body that fails to parse on an unknown route still gets an X-Request-Id', async () => {
    const res = await fetch(`${t.url}/v2/${t.creds.project_id}/no-such-api`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a": ',
    });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error_code: string }).error_code, 'ModelArts.4105');
    assert.match(res.headers.get('x-request-id') ?? '', /^[0-9a-f]{32}$/);
  });

  test('a path Fastify cannot route (a malformed percent-escape): 400 in the ModelArts form', async () => {
    const res = await fetch(`${t.url}/v2/%zz/authorizations`);
    assert.equal(res.status, 400);
    const body = (await res.json()) as Record<string, string>;
    assert.deepEqual(Object.keys(body).sort(), ['error_code', 'error_msg']);
    assert.equal(body.error_code, 'ModelArts.0104');
    assert.match(res.headers.get('x-request-id') ?? '', /^[0-9a-f]{32}$/);
  });

  test('invalid JSON: 400; over the body limit: 413', async () => {
    const bad = await t.client.http.raw('POST', '/v2/{project_id}/agency', { rawBody: '{"agency_name_suffix": ' });
    assert.equal(bad.status, 400);
    assert.equal((bad.json as { error_code: string }).error_code, 'ModelArts.4105');
    const big = await t.client.http.raw('POST', '/v2/{project_id}/agency', { body: { agency_name_suffix: 'x'.repeat(5000) } });
    assert.equal(big.status, 413);
    assert.equal((big.json as { error_code: string }).error_code, 'ModelArts.4104');
  });

  test('metrics count requests per route; OpenAPI lists every route; the API page is served', async () => {
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    assert.match(metrics, /atelier_http_requests_total\{[^}]*route="\/v2\/:project_id\/authorizations"[^}]*operation="GetAuthorizations"/);
    assert.match(metrics, /atelier_http_request_duration_seconds_bucket/);
    const doc = (await (await fetch(`${t.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, { operationId?: string }>> };
    assert.equal(doc.paths['/v2/{project_id}/authorizations']?.get?.operationId, 'GetAuthorizations');
    assert.ok(doc.paths['/v1/{project_id}/quotas']?.get);
    assert.ok(doc.paths['/v3/auth/tokens']?.post);
    const page = await fetch(`${t.url}/docs/`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /swagger/i);
  });
});

describe('unexpected failures', () => {
  test('a broken database gives a 500 with a code and the request id only', async () => {
    const t = await startTestApp();
    try {
      await t.atelier.context.database.close();
      const res = await t.client.http.raw('GET', LIST);
      assert.equal(res.status, 500);
      const body = res.json as Record<string, string>;
      assert.deepEqual(Object.keys(body).sort(), ['error_code', 'error_msg']);
      assert.equal(body.error_code, 'ModelArts.0010');
      assert.ok(body.error_msg!.includes(res.headers.get('x-request-id')!));
      assert.doesNotMatch(res.text, /at .*\.ts:\d+/);
    } finally {
      await t.close();
    }
  });
});

async function adminId(t: TestApp): Promise<string> {
  return (await t.atelier.context.identity.user(t.creds.domain_name, t.creds.user_name)).id;
}
