// Create-only puts (PutOptions.ifAbsent) on both backends: of several writers of one key exactly one
// succeeds and its content stays; the others get ObjectExistsError and write nothing. And the fs
// store's temp files left by a process that stopped mid-write are removed when a store opens.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { createObjectStore, FsObjectStore, ObjectExistsError, type ObjectStore } from '#src/storage/index.ts';
import { readAll } from './store-contract.ts';

const B = 'race-bucket';

async function race(store: ObjectStore, key: string): Promise<void> {
  await store.ensureBucket(B);
  const bodies = Array.from({ length: 8 }, (_, i) => Buffer.from(`writer ${i} `.repeat(1000 + i)));
  const outcomes = await Promise.allSettled(bodies.map((b) => store.put(B, key, b, { ifAbsent: true })));
  const won = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [i] : []));
  assert.equal(won.length, 1, `one writer wins: ${outcomes.map((o) => o.status).join(',')}`);
  for (const o of outcomes) if (o.status === 'rejected') assert.ok(o.reason instanceof ObjectExistsError, String(o.reason));
  assert.deepEqual(await readAll(await store.get(B, key)), bodies[won[0]!], "the winner's content");
  await assert.rejects(store.put(B, key, 'late', { ifAbsent: true }), ObjectExistsError);
  await store.put(B, key, 'plain put still replaces');
  assert.equal((await readAll(await store.get(B, key))).toString(), 'plain put still replaces');
}

describe('create-only puts', () => {
  let root: string;
  let s3: S3rver;
  let s3dir: string;
  let endpoint: string;
  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'atelier-ifabsent-'));
    s3dir = mkdtempSync(join(tmpdir(), 'atelier-ifabsent-s3-'));
    s3 = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: s3dir });
    const { port } = (await s3.run()) as { port: number };
    endpoint = `http://127.0.0.1:${port}`;
  });
  after(async () => {
    await s3.close();
    rmSync(root, { recursive: true, force: true });
    rmSync(s3dir, { recursive: true, force: true });
  });

  test('fs: one of eight parallel writers wins; no temp file stays', async () => {
    const store = createObjectStore({ kind: 'fs', root });
    await race(store, 'a/b/race.bin');
    assert.deepEqual(readdirSync(join(root, '.tmp')), []);
  });

  test('s3: one of eight parallel writers of this process wins', async () => {
    const store = createObjectStore({
      kind: 's3',
      endpoint,
      region: 'us-east-1',
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
      forcePathStyle: true,
      bucketMap: {},
    });
    try {
      await race(store, 'a/b/race.bin');
    } finally {
      await store.close();
    }
  });
});

describe('fs store: leftovers of interrupted writes', () => {
  test('temp files of a process that is gone are removed when a store opens; a live writer keeps its own', () => {
    const root = mkdtempSync(join(tmpdir(), 'atelier-leftovers-'));
    try {
      const tmp = join(root, '.tmp');
      mkdirSync(tmp, { recursive: true });
      // A pid far above any kernel's pid_max: no such process.
      writeFileSync(join(tmp, '4999999.0f0e-dead'), 'half an object');
      writeFileSync(join(tmp, '4999999.0f0f-dead.meta'), '{}');
      writeFileSync(join(tmp, '3b6f1a3e-old-style-name'), 'from before pids were in names');
      const live = `${process.pid}.in-flight`;
      writeFileSync(join(tmp, live), 'still being written');
      new FsObjectStore(root);
      assert.deepEqual(readdirSync(tmp), [live]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
