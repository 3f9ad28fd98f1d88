// Sample sources and previews are signed, expiring URLs served by Atelier: fetchable without AK/SK,
// refused when expired or altered, never serving what the signature does not name.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'node:http';
import sharp from 'sharp';
import { loadMasterKey } from '#src/auth/secret-box.ts';
import { UrlSigner } from '#src/modules/object-urls/url-signer.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { b64, createDataset, objectFile } from './fixtures.ts';

/** A real 640x480 image with some detail (a gradient), as JPEG. */
async function photo(): Promise<Buffer> {
  const w = 640;
  const h = 480;
  const raw = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) raw.set([x % 256, y % 256, (x + y) % 256], (y * w + x) * 3);
  return sharp(raw, { raw: { width: w, height: h, channels: 3 } })
    .jpeg()
    .toBuffer();
}

async function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; body: Buffer }> {
  const res = await fetch(url, { headers });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

/** A GET with headers of our choosing, Host included (fetch sets Host itself). */
function send(url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path: `${u.pathname}${u.search}`, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('signed sample URLs: source, preview and the dataset list url', () => {
  let t: TestApp;
  let ds: { id: string; input: string };
  let image: Buffer;
  before(async () => {
    t = await startTestApp();
    t.atelier.startBackground();
    image = await photo();
    ds = await createDataset(t, { files: { 'cat one #1.jpg': image, 'sub/ünïcode%.jpg': image, [`${'deep-folder-name/'.repeat(20)}long.jpg`]: image } });
  });
  after(() => t.close());

  const first = async (query: Record<string, unknown> = {}) => {
    const list = await t.client.samples.list(ds.id, { order: 'asc', ...query });
    return list.samples.find((s) => s.sample_name === 'cat one #1.jpg')!;
  };

  test('a listed sample has a source URL at the address the client used; it serves the file without credentials', async () => {
    const s = await first();
    const u = new URL(s.source);
    assert.equal(u.origin, t.url, 'the host the client used');
    assert.ok(u.searchParams.get('Expires') && u.searchParams.get('Signature'), s.source);
    const res = await get(s.source);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/jpeg');
    assert.deepEqual(res.body, image);
    assert.ok(Number(u.searchParams.get('Expires')) * 1000 - Date.now() >= 3600_000 - 5_000, 'lives the configured hour');
    assert.ok(Number(u.searchParams.get('Expires')) * 1000 - Date.now() <= 3660_000 + 5_000);
    const described = await t.client.samples.describe(ds.id, s.sample_id);
    assert.deepEqual((await get(described.source)).body, image);
    // Keys with spaces, #, % and non-ASCII characters.
    const odd = (await t.client.samples.list(ds.id)).samples.find((x) => x.sample_name === 'ünïcode%.jpg')!;
    assert.deepEqual((await get(odd.source)).body, image);
    const long = (await t.client.samples.list(ds.id)).samples.find((x) => x.sample_name === 'long.jpg')!;
    assert.ok(long.source.length > 400);
    assert.deepEqual((await get(long.source)).body, image, 'a key of 350 characters');
  });

  test('another Host header gives URLs on that host', async () => {
    const port = new URL(t.url).port;
    const host = `localhost:${port}`;
    // Signed for that host, sent to the same server with that Host header.
    const prepared = t.client.http.prepare('GET', '/v2/{project_id}/datasets/{dataset_id}/data-annotations/samples', {
      params: { dataset_id: ds.id },
      headers: { host },
    });
    const res = await send(prepared.url, { ...prepared.headers, host });
    assert.equal(res.status, 200, res.body);
    const source = (JSON.parse(res.body) as { samples: { source: string }[] }).samples[0]!.source;
    assert.ok(source.startsWith(`http://${host}/objects/`), source);
    assert.equal((await send(source.replace('localhost', '127.0.0.1'), { host })).status, 200);
  });

  test('preview=true gives a thumbnail URL: a real, smaller image; process_parameter picks the size', async () => {
    const s = await first({ preview: true });
    const u = new URL(s.source);
    assert.equal(u.searchParams.get('x-image-process'), 'image/resize,m_lfit,h_200');
    const res = await get(s.source);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/jpeg');
    const meta = await sharp(res.body).metadata();
    assert.deepEqual([meta.width, meta.height], [267, 200], 'fits 200 high, keeps the aspect');
    assert.ok(res.body.length < image.length);
    const cache = join(t.config.dataDir, 'cache', 'thumbnails');
    assert.equal(readdirSync(cache).length, 1, 'kept in the cache');
    assert.deepEqual((await get(s.source)).body, res.body, 'and served from it');

    const fixed = await first({ process_parameter: 'image/resize,m_fixed,w_50,h_40' });
    const small = await sharp((await get(fixed.source)).body).metadata();
    assert.deepEqual([small.width, small.height], [50, 40]);

    for (const bad of ['image/crop,w_10', 'image/resize,w_0', 'image/resize,m_fill,w_10', 'image/resize,w_99999', 'image/resize,h_10,h_20']) {
      const r = await t.client.http.raw('GET', '/v2/{project_id}/datasets/{dataset_id}/data-annotations/samples', {
        params: { dataset_id: ds.id },
        query: { process_parameter: bad },
      });
      assert.equal(r.status, 400, bad);
      assert.equal((r.json as { error_code: string }).error_code, 'ModelArts.0104');
      assert.match((r.json as { error_msg: string }).error_msg, /query\.process_parameter/);
    }
  });

  test('an expired URL and an altered one are refused with a ModelArts error; no other object is served', async () => {
    const s = await first();
    const u = new URL(s.source);
    const signer = new UrlSigner(loadMasterKey(t.config.dataDir, t.config.masterKey));
    const bucket = 'samples-bucket';
    const key = decodeURIComponent(u.pathname.slice(`/objects/${bucket}/`.length));
    const expired = Math.floor(Date.now() / 1000) - 1;
    const old = new URL(u);
    old.searchParams.set('Expires', String(expired));
    old.searchParams.set('Signature', signer.sign({ bucket, key, process: '', expires: expired }));
    const refuse = async (url: string, why: RegExp) => {
      const r = await get(url);
      assert.equal(r.status, 403, url);
      const body = JSON.parse(r.body.toString()) as { error_code: string; error_msg: string };
      assert.equal(body.error_code, 'ModelArts.0108');
      assert.match(body.error_msg, why);
    };
    await refuse(old.toString(), /expired/);

    const later = new URL(u);
    later.searchParams.set('Expires', String(Number(u.searchParams.get('Expires')) + 3600));
    await refuse(later.toString(), /signature/);
    const other = new URL(u);
    other.pathname = u.pathname.replace('cat%20one%20%231.jpg', 'sub/%C3%BCn%C3%AFcode%25.jpg');
    assert.notEqual(other.pathname, u.pathname);
    await refuse(other.toString(), /signature/);
    const resized = new URL(u);
    resized.searchParams.set('x-image-process', 'image/resize,h_10');
    await refuse(resized.toString(), /signature/);
    const forged = new URL(u);
    forged.searchParams.set('Signature', `${u.searchParams.get('Signature')!.slice(0, -2)}AA`);
    await refuse(forged.toString(), /signature/);
    const missing = await get(`${t.url}${u.pathname}`);
    assert.equal(missing.status, 400);
    assert.equal((JSON.parse(missing.body.toString()) as { error_code: string }).error_code, 'ModelArts.0104');
  });

  test('ranges, conditional requests and HEAD work on the original', async () => {
    const s = await first();
    const part = await get(s.source, { range: 'bytes=10-19' });
    assert.equal(part.status, 206);
    assert.deepEqual(part.body, image.subarray(10, 20));
    assert.equal(part.headers.get('content-range'), `bytes 10-19/${image.length}`);
    const full = await get(s.source);
    const again = await get(s.source, { 'if-none-match': full.headers.get('etag')! });
    assert.equal(again.status, 304);
    const head = await fetch(s.source, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-length'), String(image.length));
    assert.equal(full.headers.get('content-security-policy'), 'sandbox');
  });

  test('a preview of a file that is no image is a 400 with a ModelArts error; the original is still served', async () => {
    await t.client.samples.upload(ds.id, { samples: [{ name: 'fake.jpg', data: b64('this is not a picture') }] });
    const s = (await t.client.samples.list(ds.id, { limit: 100, preview: true })).samples.find((x) => x.sample_name === 'fake.jpg')!;
    const r = await get(s.source);
    assert.equal(r.status, 400);
    const body = JSON.parse(r.body.toString()) as { error_code: string; error_msg: string };
    assert.equal(body.error_code, 'ModelArts.4651');
    assert.match(body.error_msg, /fake\.jpg is not an image/);
    const original = (await t.client.samples.list(ds.id, { limit: 100 })).samples.find((x) => x.sample_name === 'fake.jpg')!;
    assert.equal((await get(original.source)).body.toString(), 'this is not a picture');
  });

  test('a file gone from the store is a 404 ModelArts.6624', async () => {
    await t.client.samples.upload(ds.id, { samples: [{ name: 'gone.jpg', data: b64(image) }] });
    const s = (await t.client.samples.list(ds.id, { limit: 100 })).samples.find((x) => x.sample_name === 'gone.jpg')!;
    rmSync(objectFile(t, `${ds.input}gone.jpg`));
    assert.ok(!existsSync(objectFile(t, `${ds.input}gone.jpg`)));
    const r = await get(s.source);
    assert.equal(r.status, 404);
    assert.equal((JSON.parse(r.body.toString()) as { error_code: string }).error_code, 'ModelArts.6624');
  });

  test('text samples keep their content:// source; the dataset list preview url is fetchable', async () => {
    const text = await createDataset(t, { type: 100, files: { 'a.txt': 'hello there\n' } });
    const [s] = (await t.client.samples.list(text.id)).samples;
    assert.equal(s!.source, 'content://hello there');
    const list = await t.client.datasets.list({ file_preview: true, limit: 100 });
    const mine = list.datasets.find((d) => d.dataset_id === ds.id)!;
    assert.ok(mine.samples && mine.samples.length > 0);
    const photoFile = mine.samples.find((f) => ['cat one #1.jpg', 'ünïcode%.jpg', 'long.jpg'].includes(f.file_Name));
    assert.ok(photoFile, JSON.stringify(mine.samples));
    const r = await get(photoFile.url);
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, image);
  });
});
