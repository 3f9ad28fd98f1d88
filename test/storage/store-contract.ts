// The behaviour every ObjectStore backend shares, run by fs-store.test.ts and s3-store.test.ts.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { ApiError } from '#src/core/errors.ts';
import { listAll, ObjectNotFoundError, ObjectTooLargeError, type ListOptions, type ObjectStore } from '#src/storage/index.ts';

export interface OpenedStore {
  store: ObjectStore;
  close(): Promise<void>;
}

export const md5 = (s: string | Buffer): string => createHash('md5').update(s).digest('hex');

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks);
}

export const text = async (stream: Readable): Promise<string> => (await readAll(stream)).toString('utf8');

export const isApiError = (status: number, code?: string) => (e: unknown) =>
  e instanceof ApiError && e.status === status && (code === undefined || e.code === code);

/** Every page of a listing, checking each page's size on the way. */
export async function listPages(store: ObjectStore, bucket: string, opts: ListOptions, quirks: Quirks = {}) {
  const keys: string[] = [];
  const prefixes: string[] = [];
  const order: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await store.list(bucket, { ...opts, ...(token ? { continuationToken: token } : {}) });
    if (!quirks.loosePrefixPages) assert.ok(page.objects.length + page.commonPrefixes.length <= (opts.maxKeys ?? 1000));
    keys.push(...page.objects.map((o) => o.key));
    prefixes.push(...page.commonPrefixes);
    order.push(...[...page.objects.map((o) => o.key), ...page.commonPrefixes].sort());
    token = page.nextContinuationToken;
    pages++;
    assert.ok(pages < 100, 'listing does not end');
  } while (token);
  return { keys, prefixes, order, pages };
}

export const B = 'bucket-one';
export const B2 = 'bucket-two';

export interface Quirks {
  /** s3rver does not count common prefixes against maxKeys; S3 itself, OBS and the fs store do. */
  loosePrefixPages?: boolean;
}

export function objectStoreContract(name: string, open: () => Promise<OpenedStore>, quirks: Quirks = {}): void {
  describe(`object store contract: ${name}`, () => {
    let store: ObjectStore;
    let close: () => Promise<void>;

    before(async () => {
      ({ store, close } = await open());
      await store.ensureBucket(B);
      await store.ensureBucket(B2);
      await store.ensureBucket(B); // again: idempotent
    });
    after(() => close());

    test('a multi-MB stream of unknown length goes in and comes out unchanged', async () => {
      const chunkSize = 256 * 1024;
      const n = 24; // 6 MiB: past the S3 uploader's 5 MiB part size, so a multipart upload
      const source = Readable.from(
        (function* () {
          for (let i = 0; i < n; i++) yield Buffer.alloc(chunkSize, i);
        })(),
      );
      const info = await store.put(B, 'big/blob.bin', source);
      assert.equal(info.size, chunkSize * n);
      assert.equal(info.key, 'big/blob.bin');
      assert.ok(info.etag.length > 0);
      const got = createHash('sha256');
      let size = 0;
      for await (const c of await store.get(B, 'big/blob.bin')) {
        got.update(c as Buffer);
        size += (c as Buffer).length;
      }
      const want = createHash('sha256');
      for (let i = 0; i < n; i++) want.update(Buffer.alloc(chunkSize, i));
      assert.equal(size, chunkSize * n);
      assert.equal(got.digest('hex'), want.digest('hex'));
      assert.equal((await store.head(B, 'big/blob.bin'))?.size, chunkSize * n);
    });

    test('put strings and buffers; head reports size, MD5 ETag, date and content type', async () => {
      const before = Date.now() - 2000;
      const put = await store.put(B, 'docs/a.txt', 'hello world');
      assert.equal(put.size, 11);
      assert.equal(put.etag, md5('hello world'));
      await store.put(B, 'docs/b.json', Buffer.from('{"x":1}'));
      await store.put(B, 'docs/c.bin', 'zzz', { contentType: 'application/x-custom' });
      const head = await store.head(B, 'docs/a.txt');
      assert.ok(head);
      assert.equal(head.key, 'docs/a.txt');
      assert.equal(head.size, 11);
      assert.equal(head.etag, md5('hello world'));
      assert.ok(head.lastModified instanceof Date && head.lastModified.getTime() >= before);
      assert.match(head.contentType ?? '', /^text\/plain/);
      assert.match((await store.head(B, 'docs/b.json'))?.contentType ?? '', /^application\/json/);
      assert.equal((await store.head(B, 'docs/c.bin'))?.contentType, 'application/x-custom');
      assert.equal(await store.exists(B, 'docs/a.txt'), true);
      assert.equal(await store.exists(B, 'docs/'), true);
      assert.equal(await store.exists(B, 'docs'), false);
    });

    test('overwriting a key replaces its content and ETag', async () => {
      await store.put(B, 'over.txt', 'first');
      const second = await store.put(B, 'over.txt', 'second version');
      assert.equal(second.etag, md5('second version'));
      assert.equal(await store.readText(B, 'over.txt', 100), 'second version');
      assert.equal((await store.head(B, 'over.txt'))?.etag, md5('second version'));
    });

    test('ranged get', async () => {
      await store.put(B, 'range.txt', 'hello world');
      assert.equal(await text(await store.get(B, 'range.txt', { start: 6 })), 'world');
      assert.equal(await text(await store.get(B, 'range.txt', { start: 0, end: 4 })), 'hello');
      assert.equal(await text(await store.get(B, 'range.txt', { start: 10, end: 10 })), 'd');
      assert.equal(await text(await store.get(B, 'range.txt', { start: 6, end: 999 })), 'world');
      assert.equal(await text(await store.get(B, 'range.txt', { start: 11 })), '');
      await assert.rejects(store.get(B, 'range.txt', { start: 5, end: 2 }), isApiError(400, 'ModelArts.0104'));
      await assert.rejects(store.get(B, 'range.txt', { start: -1 }), isApiError(400, 'ModelArts.0104'));
    });

    test('readBuffer and readText stop at the size limit', async () => {
      await store.put(B, 'small.json', '{"x":1}');
      await store.put(B, 'empty.txt', '');
      assert.equal((await store.readBuffer(B, 'small.json', 7)).toString(), '{"x":1}');
      assert.equal(await store.readText(B, 'small.json', 100), '{"x":1}');
      assert.equal(await store.readText(B, 'empty.txt', 10), '');
      await assert.rejects(store.readBuffer(B, 'small.json', 6), (e: unknown) => e instanceof ObjectTooLargeError && e.status === 400);
      await assert.rejects(store.readText(B, 'nope.json', 6), ObjectNotFoundError);
    });

    test('a missing object: head null, get/copy 404 ModelArts.6624, delete succeeds', async () => {
      assert.equal(await store.head(B, 'nope.txt'), null);
      assert.equal(await store.exists(B, 'nope.txt'), false);
      assert.equal(await store.exists(B, 'nope/'), false);
      await assert.rejects(
        store.get(B, 'nope.txt'),
        (e: unknown) => e instanceof ObjectNotFoundError && e.status === 404 && e.code === 'ModelArts.6624' && e.bucket === B && e.key === 'nope.txt',
      );
      await assert.rejects(store.get(B, 'nope.txt', { start: 3 }), ObjectNotFoundError);
      await assert.rejects(store.copy({ bucket: B, key: 'nope.txt' }, { bucket: B, key: 'x.txt' }), ObjectNotFoundError);
      assert.equal(await store.head(B, 'x.txt'), null);
      await store.delete(B, 'nope.txt');
      await store.delete(B, 'nope/deeper/x.txt');
      assert.equal(await store.deletePrefix(B, 'nope/'), 0);
      assert.deepEqual(await store.list('bucket-never-made', { prefix: 'a/' }), { objects: [], commonPrefixes: [] });
    });

    test("statMany: head's size and time for many keys at once, in order, null where head gives null", async () => {
      await store.put(B, 'stat/a.txt', 'hello');
      await store.put(B, 'stat/deep/b.bin', Buffer.alloc(300));
      await store.put(B, 'stat/folder/', '');
      const keys = ['stat/a.txt', 'stat/missing.txt', 'stat/deep/b.bin', 'stat/folder/', 'stat/deep', 'nope/x.txt', 'stat/a.txt'];
      const got = await store.statMany(B, keys);
      assert.equal(got.length, keys.length);
      for (const [i, key] of keys.entries()) {
        const head = await store.head(B, key);
        assert.deepEqual(got[i], head && { size: head.size, lastModified: head.lastModified }, key);
      }
      assert.equal(got[0]?.size, 5);
      assert.equal(got[2]?.size, 300);
      assert.equal(got[1], null);
      assert.equal(got[5], null);

      // More keys than are stat'ed at a time: every answer in its place.
      const many = Array.from({ length: 120 }, (_, i) => `stat/many/${i}.txt`);
      for (const [i, k] of many.entries()) if (i % 3 !== 0) await store.put(B, k, k);
      const manyStats = await store.statMany(B, many);
      assert.deepEqual(
        manyStats.map((st) => st?.size ?? null),
        many.map((k, i) => (i % 3 === 0 ? null : k.length)),
      );
      assert.ok(manyStats.every((st) => st === null || st.lastModified instanceof Date));

      assert.deepEqual(await store.statMany(B, []), []);
      assert.deepEqual(await store.statMany('bucket-never-made', ['a.txt']), [null]);
    });

    test('a failing upload stream leaves no object behind', async () => {
      await store.put(B, 'fail/kept.txt', 'old');
      for (const key of ['fail/new.txt', 'fail/kept.txt']) {
        const source = new Readable({
          read() {
            this.push(Buffer.alloc(1024, 1));
            this.destroy(new Error('client went away'));
          },
        });
        await assert.rejects(store.put(B, key, source), /client went away/);
      }
      assert.equal(await store.head(B, 'fail/new.txt'), null);
      assert.equal(await store.readText(B, 'fail/kept.txt', 10), 'old');
    });

    test('list: prefix, delimiter, order and pages', async () => {
      // (The byte order of 'a-c' before 'a/' is the fs store's own test: s3rver gets it wrong.)
      const keys = ['l/a0.txt', 'l/a/b.txt', 'l/a/c.txt', 'l/b.txt', 'l/z/x.txt', 'l/z/y/deep.txt', 'l/é.txt', 'm/other.txt', 'l.txt'];
      for (const k of keys) await store.put(B, k, k);

      const all = await store.list(B, { prefix: 'l/' });
      const sorted = ['l/a/b.txt', 'l/a/c.txt', 'l/a0.txt', 'l/b.txt', 'l/z/x.txt', 'l/z/y/deep.txt', 'l/é.txt'];
      assert.deepEqual(
        all.objects.map((o) => o.key),
        sorted,
      );
      assert.deepEqual(all.commonPrefixes, []);
      assert.equal(all.nextContinuationToken, undefined);
      const first = all.objects[0]!;
      assert.equal(first.size, Buffer.byteLength('l/a/b.txt'));
      assert.equal(first.etag, md5('l/a/b.txt'));
      assert.ok(first.lastModified instanceof Date);

      const folded = await store.list(B, { prefix: 'l/', delimiter: '/' });
      assert.deepEqual(
        folded.objects.map((o) => o.key),
        ['l/a0.txt', 'l/b.txt', 'l/é.txt'],
      );
      assert.deepEqual(folded.commonPrefixes, ['l/a/', 'l/z/']);

      const top = await store.list(B, { delimiter: '/' });
      assert.deepEqual(
        top.objects.map((o) => o.key).filter((k) => k.startsWith('l')),
        ['l.txt'],
      );
      assert.ok(top.commonPrefixes.includes('l/') && top.commonPrefixes.includes('m/'));

      // A prefix that ends inside a name matches keys, not folders.
      assert.deepEqual(
        (await store.list(B, { prefix: 'l/a' })).objects.map((o) => o.key),
        ['l/a/b.txt', 'l/a/c.txt', 'l/a0.txt'],
      );
      const partialFolded = await store.list(B, { prefix: 'l/a', delimiter: '/' });
      assert.deepEqual(
        partialFolded.objects.map((o) => o.key),
        ['l/a0.txt'],
      );
      assert.deepEqual(partialFolded.commonPrefixes, ['l/a/']);
      assert.deepEqual(
        (await store.list(B, { prefix: 'l/z/y/deep.txt' })).objects.map((o) => o.key),
        ['l/z/y/deep.txt'],
      );
      assert.deepEqual((await store.list(B, { prefix: 'l/zz' })).objects, []);

      const paged = await listPages(store, B, { prefix: 'l/', maxKeys: 3 });
      assert.equal(paged.pages, 3);
      assert.deepEqual(paged.keys, sorted);

      const pagedFolded = await listPages(store, B, { prefix: 'l/', delimiter: '/', maxKeys: 1 }, quirks);
      assert.deepEqual(
        pagedFolded.keys,
        folded.objects.map((o) => o.key),
      );
      assert.deepEqual(pagedFolded.prefixes, folded.commonPrefixes);
      assert.deepEqual(pagedFolded.order, ['l/a/', 'l/a0.txt', 'l/b.txt', 'l/z/', 'l/é.txt']);

      const streamed: string[] = [];
      for await (const o of listAll(store, B, 'l/')) streamed.push(o.key);
      assert.deepEqual(streamed, sorted);

      await assert.rejects(store.list(B, { maxKeys: 0 }), isApiError(400));
      await assert.rejects(store.list(B, { continuationToken: 'not-a-token' }), isApiError(400, 'ModelArts.0104'));
    });

    test('folder markers', async () => {
      const marker = await store.put(B, 'made/folder/', '');
      assert.equal(marker.size, 0);
      assert.equal((await store.head(B, 'made/folder/'))?.size, 0);
      assert.equal(await store.exists(B, 'made/folder/'), true);
      assert.equal(await text(await store.get(B, 'made/folder/')), '');
      assert.deepEqual((await store.list(B, { prefix: 'made/', delimiter: '/' })).commonPrefixes, ['made/folder/']);
      assert.deepEqual(
        (await store.list(B, { prefix: 'made/folder/' })).objects.map((o) => o.key),
        ['made/folder/'],
      );
      await assert.rejects(store.put(B, 'made/data/', 'not empty'), isApiError(400));
      await assert.rejects(store.copy({ bucket: B, key: 'made/folder/' }, { bucket: B, key: 'made/other/' }), isApiError(400));
      await store.delete(B, 'made/folder/');
      assert.equal(await store.exists(B, 'made/folder/'), false);
    });

    test('copy within and across buckets keeps content, type and ETag', async () => {
      await store.put(B, 'c/src.txt', 'copy me', { contentType: 'text/x-copied' });
      const info = await store.copy({ bucket: B, key: 'c/src.txt' }, { bucket: B2, key: 'c/dst.txt' });
      assert.equal(info.key, 'c/dst.txt');
      assert.equal(info.size, 7);
      assert.equal(info.etag, md5('copy me'));
      assert.equal(info.contentType, 'text/x-copied');
      assert.equal(await text(await store.get(B2, 'c/dst.txt')), 'copy me');
      await store.copy({ bucket: B, key: 'c/src.txt' }, { bucket: B, key: 'c/again/dst.txt' });
      assert.equal(await store.readText(B, 'c/again/dst.txt', 100), 'copy me');
      assert.equal(await store.readText(B, 'c/src.txt', 100), 'copy me');
    });

    test('delete and deletePrefix', async () => {
      await store.put(B, 'd/one.txt', '1');
      await store.delete(B, 'd/one.txt');
      await store.delete(B, 'd/one.txt');
      assert.equal(await store.head(B, 'd/one.txt'), null);
      for (let i = 0; i < 5; i++) await store.put(B, `gone/${i}/f.txt`, 'x');
      await store.put(B, 'gone/top.txt', 'x');
      await store.put(B, 'gonex.txt', 'stays');
      await store.put(B2, 'gone/other-bucket.txt', 'stays');
      assert.equal(await store.deletePrefix(B, 'gone/'), 6);
      assert.deepEqual(
        (await store.list(B, { prefix: 'gone' })).objects.map((o) => o.key),
        ['gonex.txt'],
      );
      assert.equal(await store.exists(B, 'gone/'), false);
      assert.equal(await store.readText(B2, 'gone/other-bucket.txt', 10), 'stays');
    });

    test('traversal and malformed keys and buckets are refused with a 400, nothing stored', async () => {
      const bad = [
        '../escape.txt',
        'a/../../escape.txt',
        '..',
        '/abs.txt',
        '/etc/passwd',
        'a\0b',
        'a\nb',
        'a\\b',
        '..\\x',
        'a//b',
        './x',
        'x/./y',
        'x/..',
        'k'.repeat(1025),
        '',
      ];
      for (const key of bad) {
        const msg = JSON.stringify(key.slice(0, 40));
        await assert.rejects(store.put(B, key, 'x'), isApiError(400, 'ModelArts.0104'), msg);
        await assert.rejects(store.get(B, key), isApiError(400, 'ModelArts.0104'), msg);
        await assert.rejects(store.head(B, key), isApiError(400, 'ModelArts.0104'), msg);
        await assert.rejects(store.statMany(B, ['docs/a.txt', key]), isApiError(400, 'ModelArts.0104'), msg);
        await assert.rejects(store.delete(B, key), isApiError(400, 'ModelArts.0104'), msg);
        await assert.rejects(store.copy({ bucket: B, key: 'docs/a.txt' }, { bucket: B, key }), isApiError(400, 'ModelArts.0104'), msg);
        if (key !== '') {
          await assert.rejects(store.list(B, { prefix: key }), isApiError(400, 'ModelArts.0104'), msg);
          await assert.rejects(store.deletePrefix(B, key), isApiError(400, 'ModelArts.0104'), msg);
        }
      }
      for (const bucket of ['Bad_Bucket', '..', '.tmp', '.meta', 'ab', '', 'a/b', '192.168.0.1', '-bucket']) {
        await assert.rejects(store.put(bucket, 'x.txt', 'x'), isApiError(400, 'ModelArts.0104'), bucket);
        await assert.rejects(store.list(bucket), isApiError(400, 'ModelArts.0104'), bucket);
        await assert.rejects(store.statMany(bucket, ['x.txt']), isApiError(400, 'ModelArts.0104'), bucket);
        await assert.rejects(store.ensureBucket(bucket), isApiError(400, 'ModelArts.0104'), bucket);
      }
      const everything: string[] = [];
      for await (const o of listAll(store, B)) everything.push(o.key);
      assert.ok(
        everything.every((k) => !k.includes('escape') && !k.includes('abs.txt')),
        everything.join(', '),
      );
    });
  });
}
