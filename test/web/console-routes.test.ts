// How the server answers for the console, without a browser: a page to requests that accept HTML
// outside the server's paths, never cached; its hashed assets cached for a year; every other
// request answered as before the console existed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { buildConsole } from './browser.ts';

const HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

describe('console routes', () => {
  let t: TestApp;
  before(async () => {
    buildConsole();
    t = await startTestApp();
  });
  after(() => t.close());

  const get = (path: string, accept: string, method = 'GET') => fetch(t.url + path, { method, headers: { accept } });

  test('a browser gets the console page at / and at any page path, never cached', async () => {
    for (const path of ['/', '/sign-in', '/projects/p1/datasets/d1?tab=versions', '/no/such/page']) {
      const res = await get(path, HTML);
      assert.equal(res.status, 200, path);
      assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
      assert.equal(res.headers.get('cache-control'), 'no-cache');
      assert.match(await res.text(), /<div id="root"><\/div>/);
    }
    assert.equal((await get('/sign-in', HTML, 'HEAD')).status, 200);
  });

  test('clients that do not ask for HTML get the JSON landing and the JSON 404s as before', async () => {
    const landing = await get('/', '*/*');
    assert.equal(landing.status, 200);
    assert.equal(((await landing.json()) as { name: string }).name, 'Atelier');
    const unknown = await get('/no/such/page', 'application/json');
    assert.equal(unknown.status, 404);
    assert.equal(((await unknown.json()) as { error_code: string }).error_code, 'ModelArts.4901');
  });

  test('under the server paths a browser gets the JSON answers too', async () => {
    for (const path of ['/v1/x/nothing', `/v2/${t.creds.project_id}/no-such-api`, '/v3/nothing', '/objects', '/atelier/nothing', '/docs/nothing']) {
      const res = await get(path, HTML);
      assert.equal(res.status, 404, path);
      assert.equal(((await res.json()) as { error_code: string }).error_code, 'ModelArts.4901', path);
    }
    const health = await get('/health', HTML);
    assert.deepEqual(await health.json(), { status: 'ok' });
    const api = await get(`/v2/${t.creds.project_id}/datasets?limit=1`, HTML);
    assert.equal(api.status, 401, 'an API path asks for credentials, whatever the Accept');
  });

  test('assets named in the page are served with their type and a year of caching; others are 404', async () => {
    const html = await (await get('/', HTML)).text();
    const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
    assert.ok(assets.some((a) => a.endsWith('.js')) && assets.some((a) => a.endsWith('.css')), html);
    for (const a of assets) {
      const res = await get(a, '*/*');
      assert.equal(res.status, 200, a);
      assert.match(res.headers.get('content-type') ?? '', a.endsWith('.js') ? /^text\/javascript/ : /^text\/css/);
      assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable');
      assert.equal(Number(res.headers.get('content-length')), (await res.arrayBuffer()).byteLength);
    }
    for (const path of ['/assets/none.js', '/assets/..%2findex.html', '/assets/x.txt']) {
      const res = await get(path, HTML);
      assert.equal(res.status, 404, path);
      assert.equal(((await res.json()) as { error_code: string }).error_code, 'ModelArts.4901', path);
    }
    // Sent as is (fetch would resolve the dots before sending).
    for (const path of ['/assets/../index.html', '/assets/%2e%2e/index.html', '/assets/../../package.json']) {
      const status = await new Promise<number | undefined>((resolve, reject) => {
        request(t.url + '/', { path, headers: { accept: '*/*' } }, (res) => {
          res.resume();
          resolve(res.statusCode);
        })
          .on('error', reject)
          .end();
      });
      assert.equal(status, 404, path);
    }
  });
});
