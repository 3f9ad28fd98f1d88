// Requests Node's HTTP parser refuses before Fastify sees them still get a ModelArts error body.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { startTestApp, type TestApp } from '../helpers/app.ts';

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Writes bytes on a new connection and reads until the server closes it. */
function exchange(url: string, bytes: string): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(bytes));
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => (text += d));
    socket.on('error', reject);
    socket.setTimeout(15_000, () => socket.destroy(new Error(`no answer; got ${JSON.stringify(text)}`)));
    socket.on('close', () => {
      const end = text.indexOf('\r\n\r\n');
      const [statusLine = '', ...lines] = text.slice(0, end).split('\r\n');
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: text.slice(end + 4) });
    });
  });
}

describe('errors of the HTTP parser', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  const modelArtsError = (a: RawAnswer) => {
    assert.match(a.headers['content-type'] ?? '', /^application\/json/);
    assert.match(a.headers['x-request-id'] ?? '', /^[0-9a-f]{32}$/);
    assert.equal(Number(a.headers['content-length']), Buffer.byteLength(a.body));
    const body = JSON.parse(a.body) as Record<string, string>;
    assert.deepEqual(Object.keys(body).sort(), ['error_code', 'error_msg']);
    return body;
  };

  test('headers too large: 431 with {error_code, error_msg}', async () => {
    const a = await exchange(t.url, `GET /v2/${t.creds.project_id}/authorizations HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`);
    assert.equal(a.status, 431);
    const body = modelArtsError(a);
    assert.equal(body.error_code, 'ModelArts.0104');
    assert.match(body.error_msg ?? '', /headers are larger/);
  });

  test('the same through fetch, as a client sees it', async () => {
    const res = await fetch(`${t.url}/health`, { headers: { 'x-big': 'b'.repeat(64 * 1024) } });
    assert.equal(res.status, 431);
    assert.equal(((await res.json()) as { error_code: string }).error_code, 'ModelArts.0104');
  });

  test('a request that is not HTTP: 400 with {error_code, error_msg}', async () => {
    for (const bytes of [
      'NOT-A-METHOD / HTTP/1.1\r\nHost: x\r\n\r\n',
      'GET / HTTP/1.1\r\nBad Header\r\n\r\n',
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    ]) {
      const a = await exchange(t.url, bytes);
      assert.equal(a.status, 400, JSON.stringify(bytes));
      assert.equal(modelArtsError(a).error_code, 'ModelArts.0104');
    }
  });

  test('the server goes on answering', async () => {
    const res = await fetch(`${t.url}/health`);
    assert.equal(res.status, 200);
  });
});
