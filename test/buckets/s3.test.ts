// The same ownership rule on the s3 backend, through its bucket map (API bucket names -> real
// buckets), against s3rver running in this process.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { createObjectStore, type ObjectStore } from '#src/storage/index.ts';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';
import { createBody, datasetReady } from '../datasets/fixtures.ts';
import { PNG, ownerOf, tenant, type Account } from './fixtures.ts';

describe('bucket ownership on the s3 backend', () => {
  let t: TestApp;
  let b: Account;
  let s3dir: string;
  let server: S3rver;
  /** The S3 endpoint as it is, without Atelier's bucket map. */
  let raw: ObjectStore;

  before(async () => {
    s3dir = mkdtempSync(join(tmpdir(), 'atelier-s3rver-'));
    server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: s3dir });
    const { port } = (await server.run()) as { port: number };
    const endpoint = `http://127.0.0.1:${port}`;
    raw = createObjectStore({
      kind: 's3',
      endpoint,
      region: 'us-east-1',
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
      forcePathStyle: true,
      bucketMap: {},
    });
    // Buckets the administrator made outside Atelier: one named in the bucket map, one not.
    await raw.ensureBucket('real-shared');
    await raw.put('real-shared', 'pkg/readme.txt', 'x');
    await raw.ensureBucket('outside-bkt');
    await raw.put('outside-bkt', 'pkg/readme.txt', 'x');
    t = await startTestApp({
      ATELIER_OBJECT_STORE: 's3',
      ATELIER_S3_ENDPOINT: endpoint,
      ATELIER_S3_ACCESS_KEY: 'S3RVER',
      ATELIER_S3_SECRET_KEY: 'S3RVER',
      ATELIER_S3_BUCKET_MAP: 'shared=real-shared,ghost=real-ghost',
    });
    t.atelier.startBackground();
    b = await tenant(t, 'bkt-s3-b');
  });
  after(async () => {
    await t.close();
    await raw.close();
    await server.close();
    rmSync(s3dir, { recursive: true, force: true });
  });

  const model = (client: Account['client'], bucket: string) =>
    client.models.create({ model_name: 'm', model_version: '1.0.0', source_location: `/${bucket}/pkg/`, model_type: 'PyTorch' });

  test("a bucket of the map, or one made outside Atelier, belongs to the server's account", async () => {
    for (const bucket of ['shared', 'outside-bkt']) {
      // The server's account reads it (a 400: the folder holds no model).
      await assert.rejects(model(t.client, bucket), apiFailure(400, 'ModelArts.3017'));
      await assert.rejects(model(b.client, bucket), apiFailure(403, 'ModelArts.4310', `body.source_location: bucket "${bucket}"`));
    }
    // The real name behind a map entry is no way around it: it is reached only by its name in the map.
    const hidden = apiFailure(400, 'ModelArts.0104', 'bucket "real-shared" is reached as "shared"');
    await assert.rejects(b.client.datasets.create(createBody('by-real-name', '/real-shared/pkg/', '/real-shared/out/')), hidden);
    await assert.rejects(t.client.datasets.create(createBody('by-real-name', '/real-shared/pkg/', '/real-shared/out/')), hidden);
    assert.equal((await b.client.models.list()).total_count, 0);
  });

  test('a new bucket, named in the map or not, is claimed by its first writer and created behind the map', async () => {
    await t.atelier.context.buckets.create(b.domainId, 'b-s3-in');
    await t.atelier.context.objectStore.put('b-s3-in', 'in/a.png', PNG);
    const { dataset_id } = await b.client.datasets.create(createBody('s3-claims', '/b-s3-in/in/', '/ghost/work/'));
    assert.equal((await datasetReady(b.client, dataset_id)).total_sample_count, 1);
    assert.equal(await ownerOf(t, 'ghost'), b.domainId);
    assert.ok(await raw.bucketExists('real-ghost'), 'the real bucket behind the map entry was made');
    assert.ok(!(await raw.bucketExists('ghost')));
    await assert.rejects(
      t.client.datasets.create(createBody('into-ghost', '/shared/pkg/', '/ghost/owner/')),
      apiFailure(403, 'ModelArts.4310', 'body.work_path: bucket "ghost"'),
    );
    // Nor is the real bucket's own name a way in.
    await assert.rejects(
      t.client.datasets.create(createBody('real-ghost', '/real-ghost/work/', '/shared/out/')),
      apiFailure(400, 'ModelArts.0104', 'bucket "real-ghost" is reached as "ghost"'),
    );
  });
});
