// One contract, two backends: the fs store in a temp dir and the S3 store against s3rver.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createHash } from 'node:crypto';
import S3rver from 's3rver';
import { ApiError } from '#src/core/errors.ts';
import { createObjectStore, listAll, ObjectNotFoundError, readBuffer, type ObjectStore } from '#src/storage/index.ts';

async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

interface Backend {
  name: string;
  open(): Promise<{ store: ObjectStore; root?: string; close(): Promise<void> }>;
}

const backends: Backend[] = [
  {
    name: 'fs',
    async open() {
      const root = mkdtempSync(join(tmpdir(), 'atelier-obs-'));
      return { store: createObjectStore({ kind: 'fs', root }), root, close: async () => rmSync(root, { recursive: true, force: true }) };
    },
  },
  {
    name: 's3 (s3rver)',
    async open() {
      const directory = mkdtempSync(join(tmpdir(), 'atelier-s3rver-'));
      const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory });
      const { port } = (await server.run()) as { port: number };
      const store = createObjectStore({
        kind: 's3',
        endpoint: `http://127.0.0.1:${port}`,
        region: 'us-east-1',
        accessKeyId: 'S3RVER',
        secretAccessKey: 'S3RVER',
        forcePathStyle: true,
        bucketMap: {},
      });
      return {
        store,
        close: async () => {
          await server.close();
          rmSync(directory, { recursive: true, force: true });
        },
      };
    },
  },
];

for (const backend of backends) {
  describe(`object store: ${backend.name}`, () => {
    let store: ObjectStore;
    let root: string | undefined;
    let close: () => Promise<void>;
    const B = 'bucket-one';

    before(async () => {
      ({ store, root, close } = await backend.open());
      await store.ensureBucket(B);
      await store.ensureBucket('bucket-two');
    });
    after(() => close());

    test('put and get a streamed multi-MB object', async () => {
      const chunk = Buffer.alloc(256 * 1024, 7);
      const n = 24; // 6 MiB, past the multipart threshold of the S3 uploader
      const source = Readable.from((function* () {
        for (let i = 0; i < n; i++) yield chunk;
      })());
      const info = await store.put(B, 'big/blob.bin', source);
      assert.equal(info.size, chunk.length * n);
      const hash = createHash('sha256');
      let size = 0;
      for await (const c of await store.get(B, 'big/blob.bin')) {
        hash.update(c as Buffer);
        size += (c as Buffer).length;
      }
      assert.equal(size, chunk.length * n);
      const expected = createHash('sha256');
      for (let i = 0; i < n; i++) expected.update(chunk);
      assert.equal(hash.digest('hex'), expected.digest('hex'));
    });

    test('put strings and buffers; head; ranged get', async () => {
      await store.put(B, 'docs/a.txt', 'hello world');
      await store.put(B, 'docs/b.json', Buffer.from('{"x":1}'));
      const head = await store.head(B, 'docs/a.txt');
      assert.equal(head?.size, 11);
      assert.ok(head?.etag);
      assert.ok(head?.lastModified instanceof Date);
      assert.equal(await text(await store.get(B, 'docs/a.txt', { start: 6 })), 'world');
      assert.equal(await text(await store.get(B, 'docs/a.txt', { start: 0, end: 4 })), 'hello');
      assert.equal((await readBuffer(store, B, 'docs/b.json', 100)).toString(), '{"x":1}');
      await assert.rejects(readBuffer(store, B, 'docs/b.json', 3));
    });

    test('missing objects', async () => {
      assert.equal(await store.head(B, 'nope.txt'), undefined);
      await assert.rejects(store.get(B, 'nope.txt'), ObjectNotFoundError);
      await assert.rejects(store.copy({ bucket: B, key: 'nope.txt' }, { bucket: B, key: 'x.txt' }), ObjectNotFoundError);
      await store.delete(B, 'nope.txt'); // idempotent
    });

    test('list: prefix, delimiter and pages in key order', async () => {
      for (const k of ['l/a0.txt', 'l/a/b.txt', 'l/a/c.txt', 'l/b.txt', 'l/z/x.txt', 'm/other.txt']) await store.put(B, k, k);
      const all = await store.list(B, { prefix: 'l/' });
      assert.deepEqual(all.objects.map((o) => o.key), ['l/a/b.txt', 'l/a/c.txt', 'l/a0.txt', 'l/b.txt', 'l/z/x.txt']);
      assert.equal(all.nextContinuationToken, undefined);
      const folded = await store.list(B, { prefix: 'l/', delimiter: '/' });
      assert.deepEqual(folded.objects.map((o) => o.key), ['l/a0.txt', 'l/b.txt']);
      assert.deepEqual(folded.commonPrefixes, ['l/a/', 'l/z/']);
      const partial = await store.list(B, { prefix: 'l/a' });
      assert.deepEqual(partial.objects.map((o) => o.key), ['l/a/b.txt', 'l/a/c.txt', 'l/a0.txt']);

      const keys: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const page = await store.list(B, { prefix: 'l/', maxKeys: 2, ...(token ? { continuationToken: token } : {}) });
        assert.ok(page.objects.length <= 2);
        keys.push(...page.objects.map((o) => o.key));
        token = page.nextContinuationToken;
        pages++;
      } while (token);
      assert.equal(pages, 3);
      assert.deepEqual(keys, all.objects.map((o) => o.key));
      const streamed: string[] = [];
      for await (const o of listAll(store, B, 'l/')) streamed.push(o.key);
      assert.deepEqual(streamed, keys);
    });

    test('copy, delete and deletePrefix', async () => {
      await store.put(B, 'c/src.txt', 'copy me');
      const info = await store.copy({ bucket: B, key: 'c/src.txt' }, { bucket: 'bucket-two', key: 'c/dst.txt' });
      assert.equal(info.size, 7);
      assert.equal(await text(await store.get('bucket-two', 'c/dst.txt')), 'copy me');
      await store.delete(B, 'c/src.txt');
      assert.equal(await store.head(B, 'c/src.txt'), undefined);
      for (let i = 0; i < 5; i++) await store.put(B, `gone/${i}/f.txt`, 'x');
      assert.equal(await store.deletePrefix(B, 'gone/'), 5);
      assert.equal((await store.list(B, { prefix: 'gone/' })).objects.length, 0);
    });

    test('traversal and malformed keys are refused', async () => {
      for (const key of ['../escape.txt', 'a/../../escape.txt', '/abs.txt', 'a\0b', 'a\\b', 'a//b', './x']) {
        await assert.rejects(store.put(B, key, 'x'), (e: unknown) => e instanceof ApiError && e.status === 400, JSON.stringify(key));
        await assert.rejects(store.get(B, key), (e: unknown) => e instanceof ApiError && e.status === 400, JSON.stringify(key));
      }
      await assert.rejects(store.put('Bad_Bucket', 'x', 'x'), (e: unknown) => e instanceof ApiError);
    });

    if (backend.name === 'fs') {
      test('files dropped into <root>/<bucket>/ are objects at once', async () => {
        mkdirSync(join(root!, B, 'dropped', 'cats'), { recursive: true });
        writeFileSync(join(root!, B, 'dropped', 'cats', '1.jpg'), 'jpeg bytes');
        const page = await store.list(B, { prefix: 'dropped/' });
        assert.deepEqual(page.objects.map((o) => o.key), ['dropped/cats/1.jpg']);
        assert.equal(page.objects[0]!.contentType, 'image/jpeg');
        assert.equal(await text(await store.get(B, 'dropped/cats/1.jpg')), 'jpeg bytes');
      });

      test('keys list in byte order, as S3 lists them ("a-c" before "a/")', async () => {
        for (const k of ['o/a-c.txt', 'o/a/b.txt', 'o/a.txt']) await store.put(B, k, k);
        const page = await store.list(B, { prefix: 'o/' });
        assert.deepEqual(page.objects.map((o) => o.key), ['o/a-c.txt', 'o/a.txt', 'o/a/b.txt']);
      });

      test('a symlink leading out of the bucket is refused', async () => {
        const outside = mkdtempSync(join(tmpdir(), 'atelier-outside-'));
        writeFileSync(join(outside, 'secret.txt'), 'secret');
        symlinkSync(outside, join(root!, B, 'link'));
        try {
          await assert.rejects(store.get(B, 'link/secret.txt'), (e: unknown) => e instanceof ApiError && e.status === 400);
          await assert.rejects(store.put(B, 'link/new.txt', 'x'), (e: unknown) => e instanceof ApiError && e.status === 400);
        } finally {
          rmSync(outside, { recursive: true, force: true });
        }
      });

      test('objects live at <root>/<bucket>/<key> and temp files never show', async () => {
        await store.put(B, 'where/is/it.txt', 'here');
        const { readFileSync } = await import('node:fs');
        assert.equal(readFileSync(join(root!, B, 'where', 'is', 'it.txt'), 'utf8'), 'here');
        const keys: string[] = [];
        for await (const o of listAll(store, B, '')) keys.push(o.key);
        assert.ok(keys.every((k) => !k.includes('.tmp')));
      });
    }
  });
}
