// The worked examples of spec/SIGNING.md, reproduced from the "request as sent" blocks alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import {
  SigningKey,
  canonicalRequest,
  parseAuthorization,
  parseQuery,
  parseSdkDate,
  signature,
  stringToSign,
  canonicalQuery,
  encodeComponent,
  canonicalUri,
  signedPayloadHash,
  verifiedPayloadHash,
} from '#src/auth/canonical-request.ts';

const PY = { ak: 'HPUAEXAMPLEAK0000001', sk: 'ExampleSecretKey0000000000000000000000001' };
const NODE = { ak: 'EXAMPLEAK0123456789', sk: 'example-secret-key-not-real' };
const project = '0123456789abcdef0123456789abcdef';
const EMPTY = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

function verify(opts: {
  sk: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  authorization: string;
  expectCanonical?: string;
  expectStringToSign?: string;
}): void {
  const u = new URL(opts.url, 'http://placeholder');
  const auth = parseAuthorization(opts.authorization);
  assert.ok(auth);
  // Signer and verifier agree on the payload hash of these requests.
  const payloadHash = signedPayloadHash(opts.headers, opts.body);
  assert.equal(verifiedPayloadHash(opts.headers, auth.signedHeaders, opts.body, false), payloadHash);
  const canonical = canonicalRequest({
    method: opts.method,
    rawPath: opts.url.split('?')[0]!,
    query: parseQuery(u.search.slice(1)),
    headers: opts.headers,
    signedHeaders: auth.signedHeaders,
    payloadHash,
  });
  if (opts.expectCanonical) assert.equal(canonical, opts.expectCanonical);
  const sts = stringToSign(opts.headers['x-sdk-date']!, canonical);
  if (opts.expectStringToSign) assert.equal(sts, opts.expectStringToSign);
  assert.equal(signature(opts.sk, sts), auth.signature);
  // The server's verifier agrees, and refuses the signature of a different text.
  assert.ok(new SigningKey(opts.sk).matches(sts, auth.signature));
  assert.ok(!new SigningKey(opts.sk).matches(`${sts} `, auth.signature));
}

const pyHeaders = (ct: string) => ({
  'content-type': ct,
  host: '127.0.0.1:8000',
  'user-agent': 'huaweicloud-usdk-python/3.0',
  'x-project-id': project,
  'x-sdk-date': '20250101T000000Z',
});
const pySigned = 'content-type;host;user-agent;x-project-id;x-sdk-date';

test('example 1: GET with query (Python SDK)', () => {
  verify({
    sk: PY.sk,
    method: 'GET',
    url: `/v2/${project}/datasets?limit=10&offset=0`,
    headers: pyHeaders('application/json;charset=utf-8'),
    authorization: `SDK-HMAC-SHA256 Access=${PY.ak}, SignedHeaders=${pySigned}, Signature=a104494027f4d4b2bc6353af0f1e4c080feb2b8d0d2611ac33f775fbf35fd51a`,
    expectCanonical: [
      'GET',
      `/v2/${project}/datasets/`,
      'limit=10&offset=0',
      'content-type:application/json;charset=utf-8',
      'host:127.0.0.1:8000',
      'user-agent:huaweicloud-usdk-python/3.0',
      `x-project-id:${project}`,
      'x-sdk-date:20250101T000000Z',
      '',
      pySigned,
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    ].join('\n'),
    expectStringToSign: 'SDK-HMAC-SHA256\n20250101T000000Z\nf41ffc6b94f1c8e64e4feaea6d06be52fd5bbca4f414714f67fb0f8d3bc4a72c',
  });
});

test('example 2: POST with a JSON body (Python SDK)', () => {
  const body = '{"labels": [{"name": "Cat", "property": {"@modelarts:color": "#3399ff"}}]}';
  assert.equal(Buffer.byteLength(body), 74);
  verify({
    sk: PY.sk,
    method: 'POST',
    url: `/v2/${project}/datasets/WxCREuCkBSAlQr9xrde/data-annotations/labels`,
    headers: pyHeaders('application/json;charset=utf-8'),
    body,
    authorization: `SDK-HMAC-SHA256 Access=${PY.ak}, SignedHeaders=${pySigned}, Signature=61d428c65971c6ef2f9f2b59a260b18074de788833783d08c9dbdc8f9812346a`,
    expectStringToSign: 'SDK-HMAC-SHA256\n20250101T000000Z\ned10a7780b43d79134cf6c63c47abd04f1d66f5cf34cd234caca1d719dd5fdb1',
  });
});

test('example 3: encoding of query values (Python SDK)', () => {
  verify({
    sk: PY.sk,
    method: 'GET',
    url: `/v1/${project}/notebooks?limit=5&name=nb%20one%2F%C3%A9&offset=0`,
    headers: pyHeaders('application/json'),
    authorization: `SDK-HMAC-SHA256 Access=${PY.ak}, SignedHeaders=${pySigned}, Signature=baba4927f052a7a1d8817891bc73493994c7d5ada31411469f4f6b74031ee642`,
    expectStringToSign: 'SDK-HMAC-SHA256\n20250101T000000Z\ne077716da252f9464dac9327829b0d885b0d36c7730bac21471348783cdcfc3c',
  });
});

const nodeHeaders = {
  'content-type': 'application/json',
  host: '127.0.0.1:18080',
  'x-project-id': project,
  'x-sdk-date': '20260102T030405Z',
};
const nodeSigned = 'content-type;host;x-project-id;x-sdk-date';

test('example 4: Node SDK, unsorted wire query with a literal *', () => {
  verify({
    sk: NODE.sk,
    method: 'GET',
    url: `/v1/${project}/notebooks?limit=10&name=my%20nb*&sort_dir=DESC`,
    headers: nodeHeaders,
    authorization: `SDK-HMAC-SHA256 Access=${NODE.ak}, SignedHeaders=${nodeSigned}, Signature=7fbc9a845bcc951b55f331d5117ae432122a3b9bff8b13bec7d3fb62404128a8`,
    expectStringToSign: 'SDK-HMAC-SHA256\n20260102T030405Z\n297c1a641c748bd230b4199f1ce07c253f780080fb03632dfc83370e38de6a25',
  });
});

test('example 5: Node SDK POST body', () => {
  verify({
    sk: NODE.sk,
    method: 'POST',
    url: `/v2/${project}/algorithms`,
    headers: nodeHeaders,
    body: '{"metadata":{"name":"algo-1"},"job_config":{"code_dir":"/bucket/code/","boot_file":"/bucket/code/train.py"}}',
    authorization: `SDK-HMAC-SHA256 Access=${NODE.ak}, SignedHeaders=${nodeSigned}, Signature=6ccbd5aed88790e5f449b3501230014a6ae2ad1ee7608dfe18a495449a65abcd`,
  });
});

test('example 6: Node SDK, query sorted for signing', () => {
  assert.equal(canonicalQuery(parseQuery('limit=3&pool_id=pool-1&offset=5')), 'limit=3&offset=5&pool_id=pool-1');
  verify({
    sk: NODE.sk,
    method: 'GET',
    url: `/v1/${project}/notebooks?limit=3&pool_id=pool-1&offset=5`,
    headers: nodeHeaders,
    authorization: `SDK-HMAC-SHA256 Access=${NODE.ak}, SignedHeaders=${nodeSigned}, Signature=4f62768f7b17a4509edb6a2abacdbb3f36334331245582ce4d5bbab22990e1e5`,
  });
});

test('encoding follows quote(safe="~"), not encodeURIComponent', () => {
  assert.equal(encodeComponent("a!'()*~b"), 'a%21%27%28%29%2A~b');
  assert.equal(canonicalUri('/v1/p/x%2Fy'), '/v1/p/x/y/');
  assert.equal(canonicalUri('/v1/'), '/v1/');
});

test('a malformed Authorization header does not parse', () => {
  const sig = 'a'.repeat(64);
  assert.equal(parseAuthorization('SDK-HMAC-SHA256 Access=AK'), undefined);
  assert.equal(parseAuthorization('Bearer xyz'), undefined);
  assert.equal(parseAuthorization(`SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature=${'A'.repeat(64)}`), undefined, 'upper-case hex');
  assert.equal(parseAuthorization(`SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature=${sig.slice(1)}`), undefined, 'short signature');
  assert.equal(parseAuthorization(`SDK-HMAC-SHA256 Access=A K, SignedHeaders=host, Signature=${sig}`), undefined, 'blank in the key');
  assert.equal(parseAuthorization(`SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature=${sig}, x=y`), undefined, 'a fourth part');
  assert.equal(parseAuthorization(`SDK-HMAC-SHA256 SignedHeaders=host, Access=AK, Signature=${sig}`), undefined, 'parts out of order');
  assert.equal(parseAuthorization(`SDK-HMAC-SHA256 Access=, SignedHeaders=host, Signature=${sig}`), undefined, 'empty key');
  assert.deepEqual(parseAuthorization(`SDK-HMAC-SHA256 Access=AK ,  SignedHeaders=Host;X-Sdk-Date,Signature=${sig}`), {
    access: 'AK',
    signedHeaders: ['host', 'x-sdk-date'],
    signature: sig,
  });
});

test('X-Sdk-Date: exactly YYYYMMDDTHHMMSSZ of a real UTC time', () => {
  assert.equal(parseSdkDate('20250101T000000Z'), Date.UTC(2025, 0, 1));
  assert.equal(parseSdkDate('20241231T235959Z'), Date.UTC(2024, 11, 31, 23, 59, 59));
  // The same text again (served from the one-entry memo) and a leap day.
  assert.equal(parseSdkDate('20241231T235959Z'), Date.UTC(2024, 11, 31, 23, 59, 59));
  assert.equal(parseSdkDate('20240229T120000Z'), Date.UTC(2024, 1, 29, 12));
  for (const bad of [
    '',
    '20250101T000000',
    '20250101 000000Z',
    '2025010XT000000Z',
    '20251301T000000Z',
    '20250230T000000Z',
    '20250101T240000Z',
    '20250101T006000Z',
    '20250101T000060Z',
    '20250100T000000Z',
    '+2025010T000000Z',
  ]) {
    assert.equal(parseSdkDate(bad), undefined, bad);
  }
});

test("the verifier's HMAC-SHA256: RFC 4231 vectors and agreement with createHmac", () => {
  // RFC 4231 test cases 1 and 2 (their keys are text).
  assert.equal(new SigningKey('\x0b'.repeat(20)).hex('Hi There'), 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7');
  assert.equal(new SigningKey('Jefe').hex('what do ya want for nothing?'), '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  // Keys shorter than, as long as and longer than the 64-byte block (hashed first), non-ASCII text.
  for (const keyLength of [0, 1, 40, 63, 64, 65, 200]) {
    const key = randomBytes(keyLength).toString('base64').slice(0, keyLength) + (keyLength > 100 ? 'é' : '');
    for (const text of ['', 'SDK-HMAC-SHA256\n20250101T000000Z\nabc', 'ünïcödé ✓ '.repeat(20), 'x'.repeat(5000)]) {
      const expected = createHmac('sha256', Buffer.from(key, 'utf8')).update(text).digest('hex');
      assert.equal(new SigningKey(key).hex(text), expected, `key of ${keyLength}`);
      assert.ok(new SigningKey(key).matches(text, expected));
      assert.ok(!new SigningKey(`${key}x`).matches(text, expected));
    }
  }
});

test('the verified payload hash: a declared X-Sdk-Content-Sha256 counts only when signed and true', () => {
  const body = '{"a":1}';
  const actual = createHash('sha256').update(body).digest('hex');
  const other = createHash('sha256').update('{"a":2}').digest('hex');
  const signed = ['content-type', 'host', 'x-sdk-content-sha256', 'x-sdk-date'];
  const unsigned = ['content-type', 'host', 'x-sdk-date'];
  const h = (v: string) => ({ 'x-sdk-content-sha256': v });
  // Unsigned: ignored, the body's own hash is used (a signature over another hash cannot match).
  assert.equal(verifiedPayloadHash(h(other), unsigned, body, false), actual);
  assert.equal(verifiedPayloadHash(h('UNSIGNED-PAYLOAD'), unsigned, body, true), actual);
  // Signed: the body's hash (either case), or UNSIGNED-PAYLOAD on a stream route; nothing else.
  assert.equal(verifiedPayloadHash(h(actual), signed, body, false), actual);
  assert.equal(verifiedPayloadHash(h(actual.toUpperCase()), signed, body, false), actual.toUpperCase());
  assert.equal(verifiedPayloadHash(h(other), signed, body, false), 'content-sha256-mismatch');
  assert.equal(verifiedPayloadHash(h(''), signed, body, false), 'content-sha256-mismatch');
  assert.equal(verifiedPayloadHash(h('UNSIGNED-PAYLOAD'), signed, body, false), 'unsigned-payload-not-allowed');
  assert.equal(verifiedPayloadHash(h('UNSIGNED-PAYLOAD'), signed, body, true), 'UNSIGNED-PAYLOAD');
  // No body: the empty hash whatever the header says (the SDKs do the same).
  assert.equal(verifiedPayloadHash(h(other), signed, undefined, false), EMPTY);
  assert.equal(verifiedPayloadHash(h(other), signed, Buffer.alloc(0), false), EMPTY);
  // The signer (the SDKs' rule) takes a declared hash as given.
  assert.equal(signedPayloadHash(h('UNSIGNED-PAYLOAD'), body), 'UNSIGNED-PAYLOAD');
  assert.equal(signedPayloadHash({}, body), actual);
  assert.equal(signedPayloadHash(h(other), ''), EMPTY);
});
