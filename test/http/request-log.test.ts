import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AtelierClient, type RawResponse } from '#src/client/index.ts';
import { loggedUrl } from '#src/http/request-log.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { logCapture, repeatedKeys, waitFor } from './log-lines.ts';

type Line = Record<string, unknown>;

describe('request log: one JSON line per request', () => {
  let t: TestApp;
  const logs = logCapture();
  before(async () => {
    t = await startTestApp({ ATELIER_LOG_LEVEL: 'info' }, { logStream: logs.stream });
  });
  after(() => t.close());

  const parsed = (): Line[] => logs.lines().map((l) => JSON.parse(l) as Line);
  /** The lines naming the answer's request id, once its request line is there. */
  const linesOf = async (res: RawResponse | Response): Promise<Line[]> => {
    const id = res.headers.get('x-request-id');
    assert.ok(id, 'the answer has an X-Request-Id');
    await waitFor(() => parsed().find((l) => l.reqId === id && l.msg === 'request completed'), `the line of ${id}`);
    return parsed().filter((l) => l.reqId === id || JSON.stringify(l).includes(id));
  };

  test('a signed call: method, url, status, response time, operation id and request id, once', async () => {
    const res = await t.client.http.raw('GET', '/v2/{project_id}/authorizations', { query: { limit: 5 } });
    assert.equal(res.status, 200);
    const lines = await linesOf(res);
    assert.equal(lines.length, 1, JSON.stringify(lines));
    const [line] = lines;
    assert.equal(line!.method, 'GET');
    assert.equal(line!.url, `/v2/${t.creds.project_id}/authorizations?limit=5`);
    assert.equal(line!.status, 200);
    assert.equal(line!.operation, 'GetAuthorizations');
    assert.equal(typeof line!.responseTime, 'number');
    assert.equal(line!.level, 30);
    assert.equal(line!.errorCode, undefined);
  });

  test('a refusal is the same one line, with the error code and message', async () => {
    const res = await new AtelierClient(t.url, { kind: 'none', projectId: t.creds.project_id }).http.raw('GET', '/v2/{project_id}/authorizations');
    assert.equal(res.status, 401);
    const lines = await linesOf(res);
    assert.equal(lines.length, 1, JSON.stringify(lines));
    assert.equal(lines[0]!.status, 401);
    assert.equal(lines[0]!.errorCode, 'ModelArts.0205');
    assert.equal(typeof lines[0]!.errorMsg, 'string');
    assert.equal(lines[0]!.operation, 'GetAuthorizations');

    const invalid = await t.client.http.raw('GET', '/v2/{project_id}/authorizations', { query: { limit: 'many' } });
    assert.equal(invalid.status, 400);
    const [line] = await linesOf(invalid);
    assert.equal(line!.errorCode, 'ModelArts.0104');
  });

  test('unknown paths and URLs no route can take get their line too', async () => {
    const unknown = await fetch(`${t.url}/no/such/thing`);
    assert.equal(unknown.status, 404);
    const [line] = await linesOf(unknown);
    assert.equal(line!.url, '/no/such/thing');
    assert.equal(line!.errorCode, 'ModelArts.4901');
    assert.equal(line!.operation, undefined);

    const badUrl = await fetch(`${t.url}/v2/%zz/authorizations`);
    assert.equal(badUrl.status, 400);
    const lines = await linesOf(badUrl);
    assert.equal(lines.length, 1, JSON.stringify(lines));
    assert.equal(lines[0]!.status, 400);
  });

  test('credentials in the query are not logged', async () => {
    const res = await fetch(`${t.url}/objects/some-bucket/a.jpg?Expires=1&Signature=c2VjcmV0LXNpZw&x-image-process=image/resize`);
    const [line] = await linesOf(res);
    assert.equal(line!.url, '/objects/some-bucket/a.jpg?Expires=1&Signature=[redacted]&x-image-process=image/resize');
    assert.ok(!logs.lines().some((l) => l.includes('c2VjcmV0LXNpZw')), 'the signature is nowhere in the logs');
  });

  test('no line has a key twice, and Fastify logs no lines of its own per request', async () => {
    await t.client.authorizations.list();
    await fetch(`${t.url}/`);
    const lines = logs.lines();
    assert.ok(lines.length > 5);
    for (const line of lines) assert.deepEqual(repeatedKeys(line), [], line);
    assert.ok(!lines.some((l) => /incoming request|"msg":"request refused"/.test(l)));
  });
});

test('loggedUrl masks the values of credential-like query parameters only', () => {
  assert.equal(loggedUrl('/a/b'), '/a/b');
  assert.equal(loggedUrl('/a?limit=1&offset=2'), '/a?limit=1&offset=2');
  assert.equal(loggedUrl('/o/b/k?Expires=9&Signature=abc'), '/o/b/k?Expires=9&Signature=[redacted]');
  assert.equal(
    loggedUrl('/x?token=t&X-Auth-Token=t2&sk_secret=s&password=p&signature'),
    '/x?token=[redacted]&X-Auth-Token=[redacted]&sk_secret=[redacted]&password=[redacted]&signature',
  );
  assert.equal(loggedUrl('/x?%53ignature=abc&q='), '/x?%53ignature=[redacted]&q=', 'an encoded name is read decoded');
  assert.equal(loggedUrl('/x?%E0%A4%A=1'), '/x?%E0%A4%A=1', 'a name that does not decode stays as sent');
});

test('repeatedKeys finds a key given twice at any depth', () => {
  assert.deepEqual(repeatedKeys('{"a":1,"b":{"c":[{"d":1,"d":2}],"e":"x"},"a":"y"}'), ['b.c.[].d', 'a']);
  assert.deepEqual(repeatedKeys('{"msg":"a \\" b","n":-1.5e3,"t":true,"z":null,"l":[]}'), []);
});
