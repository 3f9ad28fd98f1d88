// readBuffer with `known` (the version head answered): no second head, one open of the file, and
// the same guarantees as a plain read: the path checks, and the version read is the one asked for.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INLINE_READ_BYTES } from '#src/storage/fs-io.ts';
import { FsObjectStore, ObjectChangedError, ObjectNotFoundError, ObjectTooLargeError, type ObjectInfo } from '#src/storage/index.ts';
import { B } from './store-contract.ts';
import { poolTrips } from '../helpers/pool-trips.ts';

let root: string;
let outside: string;
let store: FsObjectStore;

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'atelier-read-known-'));
  outside = mkdtempSync(join(tmpdir(), 'atelier-read-known-outside-'));
  store = new FsObjectStore(root);
  await store.ensureBucket(B);
});
after(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

/** File-system requests that went to the thread pool, and heads made, while `fn` ran. */
async function counted(fn: () => Promise<unknown>): Promise<{ pool: number; heads: number }> {
  let heads = 0;
  const head = store.head.bind(store);
  store.head = async (bucket, key) => {
    heads++;
    return head(bucket, key);
  };
  try {
    const pool = await poolTrips(fn);
    return { pool, heads };
  } finally {
    store.head = head;
  }
}

const headOf = async (key: string): Promise<ObjectInfo> => {
  const info = await store.head(B, key);
  assert.ok(info, `${key} is there`);
  return info;
};

test('a small object of a known version is read with no head and no trip through the thread pool', async () => {
  await store.put(B, 'img/a.jpg', Buffer.from('first version'));
  const known = await headOf('img/a.jpg');
  let data: Buffer | undefined;
  const seen = await counted(async () => (data = await store.readBuffer(B, 'img/a.jpg', 1024, known)));
  assert.equal(data?.toString(), 'first version');
  assert.deepEqual(seen, { pool: 0, heads: 0 });
  // Without `known`, readBuffer heads the object itself.
  assert.ok((await counted(() => store.readBuffer(B, 'img/a.jpg', 1024))).heads > 0);
});

test('a big object of a known version is read through the thread pool, still without a head', async () => {
  await store.put(B, 'img/big.bin', Buffer.alloc(INLINE_READ_BYTES + 10, 7));
  const known = await headOf('img/big.bin');
  let data: Buffer | undefined;
  const seen = await counted(async () => (data = await store.readBuffer(B, 'img/big.bin', 2 * INLINE_READ_BYTES, known)));
  assert.equal(data?.length, INLINE_READ_BYTES + 10);
  assert.equal(seen.heads, 0);
  assert.ok(seen.pool > 0);
});

test('an object replaced since its head is not read as the old version', async () => {
  await store.put(B, 'img/b.jpg', Buffer.from('old'));
  const known = await headOf('img/b.jpg');
  // Same size, other bytes: only the ETag tells them apart.
  await store.put(B, 'img/b.jpg', Buffer.from('new'));
  await assert.rejects(store.readBuffer(B, 'img/b.jpg', 1024, known), ObjectChangedError);
  // A file replaced outside the API (no sidecar describes it) has another ETag too.
  const now = await headOf('img/b.jpg');
  writeFileSync(join(root, B, 'img', 'b.jpg'), 'NEW');
  await assert.rejects(store.readBuffer(B, 'img/b.jpg', 1024, now), ObjectChangedError);
  const latest = await headOf('img/b.jpg');
  assert.equal((await store.readBuffer(B, 'img/b.jpg', 1024, latest)).toString(), 'NEW');
});

test('a known version that is gone, too large, or reached through a link out of the bucket is refused as without it', async () => {
  await store.put(B, 'img/c.jpg', Buffer.from('0123456789'));
  const known = await headOf('img/c.jpg');
  await assert.rejects(store.readBuffer(B, 'img/c.jpg', 5, known), ObjectTooLargeError);
  await store.delete(B, 'img/c.jpg');
  await assert.rejects(store.readBuffer(B, 'img/c.jpg', 1024, known), ObjectNotFoundError);

  mkdirSync(join(outside, 'd'));
  writeFileSync(join(outside, 'd', 'secret.jpg'), 'secret');
  symlinkSync(join(outside, 'd'), join(root, B, 'out'));
  symlinkSync(join(outside, 'd', 'secret.jpg'), join(root, B, 'secret.jpg'));
  const forged = { ...known, size: 6 };
  await assert.rejects(store.readBuffer(B, 'out/secret.jpg', 1024, { ...forged, key: 'out/secret.jpg' }), /leads outside its bucket/);
  await assert.rejects(store.readBuffer(B, 'secret.jpg', 1024, { ...forged, key: 'secret.jpg' }), /leads outside its bucket/);
});
