import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createObjectStore, FsObjectStore, listAll, type ObjectStore } from '#src/storage/index.ts';
import { B, isApiError, md5, objectStoreContract, text } from './store-contract.ts';

objectStoreContract('fs', async () => {
  const root = mkdtempSync(join(tmpdir(), 'atelier-fs-store-'));
  const store = createObjectStore({ kind: 'fs', root });
  return {
    store,
    close: async () => {
      await store.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
});

describe('fs object store: the folder on disk', () => {
  let root: string;
  let outside: string;
  let store: ObjectStore;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'atelier-fs-disk-'));
    outside = mkdtempSync(join(tmpdir(), 'atelier-fs-outside-'));
    writeFileSync(join(outside, 'secret.txt'), 'secret');
    store = createObjectStore({ kind: 'fs', root });
    await store.ensureBucket(B);
  });
  after(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  test('objects live at <root>/<bucket>/<key>; temp and metadata files never show', async () => {
    await store.put(B, 'where/is/it.txt', 'here');
    assert.equal(readFileSync(join(root, B, 'where', 'is', 'it.txt'), 'utf8'), 'here');
    assert.deepEqual(readdirSync(join(root, '.tmp')), []);
    const keys: string[] = [];
    for await (const o of listAll(store, B)) keys.push(o.key);
    assert.deepEqual(keys, ['where/is/it.txt']);
    assert.deepEqual(readdirSync(root).sort(), ['.meta', '.tmp', B]);
  });

  test('files and folders dropped into <root>/<bucket>/ are objects at once', async () => {
    mkdirSync(join(root, B, 'dropped', 'cats'), { recursive: true });
    mkdirSync(join(root, B, 'dropped', 'empty'));
    writeFileSync(join(root, B, 'dropped', 'cats', '1.jpg'), 'jpeg bytes');
    const page = await store.list(B, { prefix: 'dropped/' });
    assert.deepEqual(
      page.objects.map((o) => o.key),
      ['dropped/cats/1.jpg', 'dropped/empty/'],
    );
    const jpg = page.objects[0]!;
    assert.equal(jpg.contentType, 'image/jpeg');
    assert.equal(jpg.size, 10);
    assert.match(jpg.etag, /^[0-9a-f]{32}$/);
    assert.deepEqual((await store.list(B, { prefix: 'dropped/', delimiter: '/' })).commonPrefixes, ['dropped/cats/', 'dropped/empty/']);
    assert.equal(await text(await store.get(B, 'dropped/cats/1.jpg')), 'jpeg bytes');
    const head = await store.head(B, 'dropped/cats/1.jpg');
    assert.equal(head?.etag, jpg.etag);

    // Rewritten outside the API: the ETag follows the file, not a stale record.
    const viaApi = await store.put(B, 'dropped/cats/2.jpg', 'api bytes');
    assert.equal(viaApi.etag, md5('api bytes'));
    writeFileSync(join(root, B, 'dropped', 'cats', '2.jpg'), 'user bytes!');
    utimesSync(join(root, B, 'dropped', 'cats', '2.jpg'), new Date(), new Date(Date.now() + 5000));
    const after = await store.head(B, 'dropped/cats/2.jpg');
    assert.equal(after?.size, 11);
    assert.notEqual(after?.etag, viaApi.etag);
    assert.equal(await store.readText(B, 'dropped/cats/2.jpg', 100), 'user bytes!');
  });

  test('keys list in UTF-8 byte order, as S3 lists them', async () => {
    const keys = ['o/a\u{10000}.txt', 'o/a\uFFFD.txt', 'o/a.txt', 'o/a/b.txt', 'o/a-c.txt'];
    for (const k of keys) await store.put(B, k, k);
    const listed = (await store.list(B, { prefix: 'o/' })).objects.map((o) => o.key);
    assert.deepEqual(listed, ['o/a-c.txt', 'o/a.txt', 'o/a/b.txt', 'o/a\uFFFD.txt', 'o/a\u{10000}.txt']);
  });

  test('symlinks leading out of the bucket are refused; links inside it work', async () => {
    symlinkSync(outside, join(root, B, 'link'));
    symlinkSync(join(outside, 'secret.txt'), join(root, B, 'secret-link.txt'));
    symlinkSync(join(outside, 'not-there'), join(root, B, 'dangling'));
    for (const key of ['link/secret.txt', 'secret-link.txt', 'link/new.txt', 'link/']) {
      await assert.rejects(store.get(B, key), isApiError(400), key);
      await assert.rejects(store.head(B, key), isApiError(400), key);
      await assert.rejects(store.put(B, key, ''), isApiError(400), key);
      await assert.rejects(store.delete(B, key), isApiError(400), key);
    }
    await assert.rejects(store.put(B, 'dangling/x.txt', 'x'), isApiError(400));
    await assert.rejects(store.put(B, 'dangling', 'x'), isApiError(400));
    await assert.rejects(store.list(B, { prefix: 'link/' }), isApiError(400));
    await assert.rejects(store.copy({ bucket: B, key: 'secret-link.txt' }, { bucket: B, key: 'stolen.txt' }), isApiError(400));
    assert.deepEqual(readdirSync(outside), ['secret.txt']);
    assert.equal(existsSync(join(root, B, 'stolen.txt')), false);
    // Listing does not follow links at all.
    const keys: string[] = [];
    for await (const o of listAll(store, B)) keys.push(o.key);
    assert.ok(
      keys.every((k) => !k.startsWith('link') && !k.startsWith('secret') && !k.startsWith('dangling')),
      keys.join(', '),
    );

    await store.put(B, 'real/inside.txt', 'inside');
    symlinkSync(join(root, B, 'real'), join(root, B, 'alias'));
    assert.equal(await store.readText(B, 'alias/inside.txt', 100), 'inside');

    // statMany as head, on its quick way (synchronous lstat) and on the thread pool's.
    for (const s of [store, new FsObjectStore(root, { syncStatBudgetMs: 0 })]) {
      // link/nothing.txt: a name that is missing behind a link leading out is refused too, as head refuses it.
      for (const key of ['link/secret.txt', 'secret-link.txt', 'link/', 'dangling', 'link/nothing.txt']) {
        await assert.rejects(s.statMany(B, ['real/inside.txt', key]), isApiError(400), key);
      }
      const [alias, real, missing] = await s.statMany(B, ['alias/inside.txt', 'real/inside.txt', 'real/missing.txt']);
      assert.equal(alias?.size, 6);
      assert.equal(real?.size, 6);
      assert.equal(missing, null);
    }
  });

  test('statMany without its synchronous budget answers as head does', async () => {
    const slow = new FsObjectStore(root, { syncStatBudgetMs: 0 });
    await store.put(B, 'budget/a.txt', 'abc');
    mkdirSync(join(root, B, 'budget', 'dir'), { recursive: true });
    const keys = ['budget/a.txt', 'budget/dir', 'budget/dir/', 'budget/none.txt'];
    const quick = await store.statMany(B, keys);
    assert.deepEqual(await slow.statMany(B, keys), quick);
    assert.deepEqual(
      quick.map((st) => st?.size ?? null),
      [3, null, 0, null],
    );
  });

  test('a bucket folder may itself be a symlink to another place', async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'atelier-fs-bucket-'));
    try {
      symlinkSync(elsewhere, join(root, 'linked-bucket'));
      await store.put('linked-bucket', 'a/b.txt', 'far away');
      assert.equal(readFileSync(join(elsewhere, 'a', 'b.txt'), 'utf8'), 'far away');
      assert.deepEqual(
        (await store.list('linked-bucket')).objects.map((o) => o.key),
        ['a/b.txt'],
      );
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  test('folders emptied by deletes are pruned, the bucket folder stays', async () => {
    await store.put(B, 'prune/a/b/c.txt', 'x');
    await store.put(B, 'prune/keep.txt', 'x');
    await store.delete(B, 'prune/a/b/c.txt');
    assert.equal(existsSync(join(root, B, 'prune', 'a')), false);
    assert.equal(existsSync(join(root, B, 'prune', 'keep.txt')), true);
    assert.equal(existsSync(join(root, '.meta', B, 'prune', 'a')), false);
    assert.equal(await store.deletePrefix(B, 'prune/'), 1);
    assert.equal(existsSync(join(root, B, 'prune')), false);
    assert.equal(existsSync(join(root, B)), true);
  });

  test('an object and a folder of the same name cannot both exist on disk', async () => {
    await store.put(B, 'clash', 'file');
    await assert.rejects(store.put(B, 'clash/inner.txt', 'x'), isApiError(400));
    await store.put(B, 'clash2/inner.txt', 'x');
    await assert.rejects(store.put(B, 'clash2', 'x'), isApiError(400));
    assert.equal(await store.head(B, 'clash2'), null);
    assert.equal(await store.readText(B, 'clash', 10), 'file');
    assert.deepEqual(readdirSync(join(root, '.tmp')), []);
  });

  test('a key segment longer than the file system allows is a 400', async () => {
    const key = `long/${'x'.repeat(300)}.txt`;
    await assert.rejects(store.put(B, key, 'x'), isApiError(400, 'ModelArts.0104'));
    await assert.rejects(store.head(B, key), isApiError(400, 'ModelArts.0104'));
  });

  test('a stale metadata record does not break a later write', async () => {
    await store.put(B, 'flip', 'file first', { contentType: 'text/x-one' });
    rmSync(join(root, B, 'flip')); // removed by a user, record left behind
    const info = await store.put(B, 'flip/inner.txt', 'now a folder', { contentType: 'text/x-two' });
    assert.equal(info.etag, md5('now a folder'));
    assert.equal((await store.head(B, 'flip/inner.txt'))?.contentType, 'text/x-two');
    assert.equal((await store.head(B, 'flip/inner.txt'))?.etag, md5('now a folder'));
  });
});
