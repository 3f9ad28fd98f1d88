// A preview URL's answer follows the object: one replaced between the head and the read of its
// source (not made yet) gets a preview of the new version with the new ETag, never the new bytes
// under the old ETag (which a cache entry would then keep).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { systemClock } from '#src/core/time.ts';
import { ObjectUrls } from '#src/modules/object-urls/object-urls.ts';
import { ThumbnailCache } from '#src/modules/object-urls/thumbnails.ts';
import { UrlSigner } from '#src/modules/object-urls/url-signer.ts';
import { FsObjectStore, type ObjectInfo } from '#src/storage/index.ts';

const B = 'previews';
const PROCESS = 'image/resize,m_lfit,h_20';
let root: string;
let store: FsObjectStore;
let urls: ObjectUrls;

const png = (width: number): Promise<Buffer> =>
  sharp({ create: { width, height: 40, channels: 3, background: { r: 200, g: 10, b: 10 } } })
    .png()
    .toBuffer();

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'atelier-replaced-'));
  store = new FsObjectStore(join(root, 'obs'));
  await store.ensureBucket(B);
  const signer = new UrlSigner(randomBytes(32));
  urls = new ObjectUrls(signer, 3600, systemClock, store, new ThumbnailCache(join(root, 'thumbs'), store));
});
after(() => rmSync(root, { recursive: true, force: true }));

async function preview(key: string): Promise<{ etag: string; width: number | undefined }> {
  const u = new URL(urls.url('http://localhost', { bucket: B, key }, PROCESS));
  const answer = await urls.open({
    bucket: B,
    key,
    expires: Number(u.searchParams.get('Expires')),
    signature: u.searchParams.get('Signature')!,
    process: PROCESS,
  });
  assert.equal(answer.status, 200);
  assert.ok(Buffer.isBuffer(answer.body));
  return { etag: answer.headers.etag!, width: (await sharp(answer.body).metadata()).width };
}

test('an object replaced after its head gets a preview of the new version, with the new ETag', async () => {
  const first = await store.put(B, 'a.png', await png(40));

  // The object is replaced right after the next head answers, before the source is read.
  const newer = await png(80);
  const head = store.head.bind(store);
  let replaced = false;
  store.head = async (bucket: string, key: string): Promise<ObjectInfo | null> => {
    const info = await head(bucket, key);
    if (!replaced) {
      replaced = true;
      await store.put(B, 'a.png', newer);
    }
    return info;
  };
  try {
    const after = await preview('a.png');
    assert.ok(replaced);
    assert.equal(after.width, 40, 'the new, wider image');
    assert.ok(!after.etag.startsWith(`"${first.etag}-`), after.etag);
    assert.ok(after.etag.startsWith(`"${(await head(B, 'a.png'))!.etag}-`), after.etag);
  } finally {
    store.head = head;
  }
  // And served from the cache under the new version from then on.
  assert.equal((await preview('a.png')).width, 40);
});
