// The signature binds the body: X-Sdk-Content-Sha256 counts only when it is signed and true, and
// UNSIGNED-PAYLOAD only when signed, on a route whose body is a stream (the inference gateway).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { canonicalRequest, formatAuthorization, formatSdkDate, signature, stringToSign } from '#src/auth/canonical-request.ts';
import type { RawResponse } from '#src/client/index.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';

const AGENCY = '/v2/{project_id}/agency';
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const errorOf = (res: RawResponse) => res.json as { error_code: string; error_msg: string };

describe('the signature binds the body', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  /** Whether the agency with this suffix exists: an authorization may name only an existing agency. */
  async function agencyCreated(suffix: string): Promise<boolean> {
    const admin = await t.atelier.context.identity.user(t.creds.domain_name, t.creds.user_name);
    const res = await t.client.http.raw('POST', '/v2/{project_id}/authorizations', {
      body: { user_id: admin.id, type: 'agency', content: `ma_agency_${suffix}` },
    });
    if (res.status !== 200) assert.equal(errorOf(res).error_code, 'ModelArts.6376', 'refused for the missing agency');
    return res.status === 200;
  }

  /**
   * A request signed with the given payload hash over the given signed headers (what a client of
   * its own making could send), then sent with `extra` headers that are not signed.
   */
  async function forged(opts: {
    path: string;
    body: string;
    contentType: string;
    payloadHash: string;
    signed?: Record<string, string>;
    extra?: Record<string, string>;
  }): Promise<RawResponse> {
    const path = opts.path.replace('{project_id}', t.creds.project_id);
    const headers: Record<string, string> = {
      'content-type': opts.contentType,
      host: new URL(t.url).host,
      'x-project-id': t.creds.project_id,
      'x-sdk-date': formatSdkDate(new Date()),
      ...opts.signed,
    };
    const signedHeaders = Object.keys(headers).sort();
    const canonical = canonicalRequest({ method: 'POST', rawPath: path, query: [], headers, signedHeaders, payloadHash: opts.payloadHash });
    const sig = signature(t.creds.sk, stringToSign(headers['x-sdk-date']!, canonical));
    const { host: _host, ...sent } = headers;
    return t.client.http.send({
      method: 'POST',
      url: `${t.url}${path}`,
      headers: { ...sent, ...opts.extra, authorization: formatAuthorization({ access: t.creds.ak, signedHeaders, signature: sig }) },
      body: opts.body,
    });
  }

  test("a replay with another body and the first body's hash in an unsigned header is refused; nothing is stored", async () => {
    const first = JSON.stringify({ agency_name_suffix: 'first' });
    const signed = t.client.http.prepare('POST', AGENCY, { rawBody: first });
    assert.ok(!signed.headers.authorization!.includes('x-sdk-content-sha256'));
    const res = await t.client.http.send({
      ...signed,
      headers: { ...signed.headers, 'x-sdk-content-sha256': sha256(first) },
      body: JSON.stringify({ agency_name_suffix: 'second' }),
    });
    assert.equal(res.status, 401);
    assert.equal(errorOf(res).error_code, 'ModelArts.0208');
    assert.equal(await agencyCreated('second'), false);
    // The same request with its own body goes through: the unsigned header is only ignored.
    const own = await t.client.http.send({ ...signed, headers: { ...signed.headers, 'x-sdk-content-sha256': sha256(first) } });
    assert.equal(own.status, 200);
  });

  test('a signed X-Sdk-Content-Sha256 that is not the hash of the body is refused', async () => {
    const body = JSON.stringify({ agency_name_suffix: 'mismatch' });
    const res = await t.client.http.raw('POST', AGENCY, { rawBody: body, headers: { 'X-Sdk-Content-Sha256': sha256('{"agency_name_suffix":"other"}') } });
    assert.equal(res.status, 401);
    assert.equal(errorOf(res).error_code, 'ModelArts.0208');
    assert.match(errorOf(res).error_msg, /X-Sdk-Content-Sha256/);
    assert.equal(await agencyCreated('mismatch'), false);
  });

  test('a signed X-Sdk-Content-Sha256 equal to the hash of the body is accepted (either case)', async () => {
    for (const [suffix, hash] of [
      ['lower', (b: string) => sha256(b)],
      ['upper', (b: string) => sha256(b).toUpperCase()],
    ] as const) {
      const body = JSON.stringify({ agency_name_suffix: suffix });
      const signed = t.client.http.prepare('POST', AGENCY, { rawBody: body, headers: { 'X-Sdk-Content-Sha256': hash(body) } });
      assert.match(signed.headers.authorization!, /x-sdk-content-sha256/);
      const res = await t.client.http.send(signed);
      assert.equal(res.status, 200, suffix);
      assert.deepEqual(res.json, { agency_name: `ma_agency_${suffix}` });
    }
  });

  test('UNSIGNED-PAYLOAD in an unsigned header is refused, on a JSON route and on the gateway', async () => {
    const json = await forged({
      path: AGENCY,
      body: JSON.stringify({ agency_name_suffix: 'unsigned' }),
      contentType: 'application/json',
      payloadHash: 'UNSIGNED-PAYLOAD',
      extra: { 'x-sdk-content-sha256': 'UNSIGNED-PAYLOAD' },
    });
    assert.equal(json.status, 401);
    assert.equal(errorOf(json).error_code, 'ModelArts.0208');
    assert.equal(await agencyCreated('unsigned'), false);
    const gateway = await forged({
      path: '/v1/infers/no-such-service',
      body: multipart,
      contentType: MULTIPART,
      payloadHash: 'UNSIGNED-PAYLOAD',
      extra: { 'x-sdk-content-sha256': 'UNSIGNED-PAYLOAD' },
    });
    assert.equal(gateway.status, 401);
    assert.equal(errorOf(gateway).error_code, 'ModelArts.0208');
  });

  test('a signed UNSIGNED-PAYLOAD is refused on a JSON route', async () => {
    const res = await t.client.http.raw('POST', AGENCY, {
      rawBody: JSON.stringify({ agency_name_suffix: 'stream' }),
      headers: { 'X-Sdk-Content-Sha256': 'UNSIGNED-PAYLOAD' },
    });
    assert.equal(res.status, 401);
    assert.equal(errorOf(res).error_code, 'ModelArts.0208');
    assert.match(errorOf(res).error_msg, /UNSIGNED-PAYLOAD/);
    assert.equal(await agencyCreated('stream'), false);
  });

  test('a signed UNSIGNED-PAYLOAD is accepted on the gateway: the answer is the missing service, not a 401', async () => {
    const res = await t.client.http.raw('POST', '/v1/infers/{service_id}', {
      params: { service_id: 'no-such-service' },
      rawBody: multipart,
      headers: { 'content-type': MULTIPART, 'X-Sdk-Content-Sha256': 'UNSIGNED-PAYLOAD' },
    });
    assert.equal(res.status, 404);
    assert.equal(errorOf(res).error_code, 'ModelArts.3502');
    // The same body signed over its own hash passes too; a wrong signature still does not.
    const plain = await t.client.http.raw('POST', '/v1/infers/{service_id}/predict', {
      params: { service_id: 'no-such-service' },
      rawBody: multipart,
      headers: { 'content-type': MULTIPART },
    });
    assert.equal(plain.status, 404);
    const signed = t.client.http.prepare('POST', '/v1/infers/{service_id}', {
      params: { service_id: 'no-such-service' },
      rawBody: multipart,
      headers: { 'content-type': MULTIPART, 'X-Sdk-Content-Sha256': 'UNSIGNED-PAYLOAD' },
    });
    const tampered = await t.client.http.send({ ...signed, url: signed.url.replace('no-such-service', 'other-service') });
    assert.equal(tampered.status, 401);
  });
});

const BOUNDARY = 'atelier-test-boundary';
const MULTIPART = `multipart/form-data; boundary=${BOUNDARY}`;
const multipart = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="images"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nhello\r\n--${BOUNDARY}--\r\n`;
