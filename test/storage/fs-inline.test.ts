// The fs store's small work skips libuv's thread pool (src/storage/fs-io.ts): under load each trip
// through it waits for a turn of the event loop, and an upload of one small image took some twenty.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INLINE_PUT_BYTES } from '#src/storage/fs-io.ts';
import { FsObjectStore } from '#src/storage/index.ts';
import { B, md5 } from './store-contract.ts';
import { poolTrips } from '../helpers/pool-trips.ts';

let root: string;
let store: FsObjectStore;

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'atelier-fs-inline-'));
  store = new FsObjectStore(root);
  await store.ensureBucket(B);
});
after(() => rmSync(root, { recursive: true, force: true }));

test('a small put, create-only or not, makes no trip through the thread pool', async () => {
  assert.equal(await poolTrips(() => store.put(B, 'small/a.jpg', Buffer.from('jpeg bytes'), { ifAbsent: true })), 0);
  assert.equal(await poolTrips(() => store.put(B, 'small/b.txt', 'text')), 0);
  assert.equal(readFileSync(join(root, B, 'small', 'a.jpg'), 'utf8'), 'jpeg bytes');
  // The sidecar was written too: the ETag is the MD5 of the content.
  assert.equal((await store.head(B, 'small/a.jpg'))?.etag, md5('jpeg bytes'));
});

test('checks an upload makes before it writes stay off the thread pool', async () => {
  assert.equal(await poolTrips(() => store.bucketExists(B)), 0);
  assert.equal(await poolTrips(() => store.ensureBucket(B)), 0);
  assert.equal(await poolTrips(() => store.statMany(B, ['small/a.jpg', 'small/missing.jpg', 'nowhere/missing.jpg'])), 0);
});

test('a big body is still streamed through the thread pool', async () => {
  assert.ok((await poolTrips(() => store.put(B, 'big/blob.bin', Buffer.alloc(INLINE_PUT_BYTES + 1)))) > 0);
  assert.equal((await store.head(B, 'big/blob.bin'))?.size, INLINE_PUT_BYTES + 1);
});
