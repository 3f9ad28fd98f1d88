import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../helpers/app.ts';

describe('request bodies', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  const errorOf = (json: unknown) => json as { error_code: string; error_msg: string };

  test('an empty JSON body counts as {} (the Node SDK sends DELETE like that)', async () => {
    const res = await t.client.http.raw('POST', '/v2/{project_id}/agency', { rawBody: '' });
    assert.equal(res.status, 200);
    assert.deepEqual(res.json, { agency_name: 'modelarts_agency' });
    const del = await t.client.http.raw('DELETE', '/v2/{project_id}/authorizations', { rawBody: '' });
    assert.equal(errorOf(del.json).error_code, 'ModelArts.0429', 'reached the service, not a parse error');
  });

  test('a body of another media type is refused, naming the header', async () => {
    const res = await t.client.http.raw('POST', '/v2/{project_id}/agency', { rawBody: '{}', headers: { 'content-type': 'text/plain' } });
    assert.equal(res.status, 400);
    assert.equal(errorOf(res.json).error_code, 'ModelArts.0104');
    assert.match(errorOf(res.json).error_msg, /content-type/);
  });

  test('JSON that is not an object, and mandatory fields missing from an empty body', async () => {
    for (const rawBody of ['null', '[]', '"x"', '12']) {
      const res = await t.client.http.raw('POST', '/v2/{project_id}/agency', { rawBody });
      assert.equal(res.status, 400, rawBody);
      assert.equal(errorOf(res.json).error_code, 'ModelArts.0104');
    }
    const res = await t.client.http.raw('POST', '/v2/{project_id}/authorizations', { rawBody: '' });
    assert.equal(res.status, 400);
    assert.match(errorOf(res.json).error_msg, /body\.content is required/);
  });

  test('a JSON body with a charset parameter is parsed', async () => {
    const res = await t.client.http.raw('POST', '/v2/{project_id}/agency', {
      body: { agency_name_suffix: 'cs' },
      headers: { 'content-type': 'application/json;charset=utf-8' },
    });
    assert.deepEqual(res.json, { agency_name: 'ma_agency_cs' });
  });

  test('a NUL in a body, a path or a query string is a 400 naming the field, on every database', async () => {
    const cases: Array<[string, string, { rawBody?: string }, RegExp]> = [
      ['POST', '/v2/{project_id}/workforces', { rawBody: '{"workforce_name":"team1","description":"a\\u0000b"}' }, /body\.description must not contain a NUL/],
      ['GET', '/v2/{project_id}/datasets/ab%00cd', {}, /path\.dataset_id must not contain a NUL/],
      ['GET', '/v2/{project_id}/datasets?search_content=a%00', {}, /query\.search_content must not contain a NUL/],
    ];
    for (const [method, path, opts, message] of cases) {
      const res = await t.client.http.raw(method, path, opts);
      assert.equal(res.status, 400, path);
      assert.equal(errorOf(res.json).error_code, 'ModelArts.0104', path);
      assert.match(errorOf(res.json).error_msg, message);
    }
    const list = await t.client.http.raw('GET', '/v2/{project_id}/workforces');
    assert.equal((list.json as { total_number: number }).total_number, 0, 'nothing was stored');
  });
});
