// The readers over the S3 backend (s3rver on loopback): same layouts, same results as on fs.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { datasetTypes } from '#src/formats/dataset-types.ts';
import { readManifest, scanDirectory, snapshotToManifestLine, writeManifest } from '#src/formats/index.ts';
import { createObjectStore, type ObjectStore } from '#src/storage/index.ts';
import { collect, VOC_BIKE } from './fixtures.ts';

const BUCKET = 'formats-s3';

describe('readers over the S3 backend', () => {
  let server: S3rver;
  let directory: string;
  let store: ObjectStore;
  before(async () => {
    directory = mkdtempSync(join(tmpdir(), 'atelier-formats-s3-'));
    server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory });
    const { port } = (await server.run()) as { port: number };
    store = createObjectStore({
      kind: 's3',
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
      forcePathStyle: true,
      bucketMap: {},
    });
    await store.ensureBucket(BUCKET);
  });
  after(async () => {
    await store.close();
    await server.close();
    rmSync(directory, { recursive: true, force: true });
  });

  test('object detection pairs across small pages; image classification .txt labels; a manifest round trip', async () => {
    for (let i = 0; i < 6; i++) {
      await store.put(BUCKET, `od/img${i}.jpg`, 'j');
      if (i % 2 === 0) await store.put(BUCKET, `od/img${i}.xml`, VOC_BIKE);
    }
    await store.put(BUCKET, 'ic/Cat/1.jpg', 'c');
    await store.put(BUCKET, 'ic/x/2.jpg', 'c');
    await store.put(BUCKET, 'ic/x/2.txt', 'Dog\nPet\n');
    const od = await collect(scanDirectory(store, { bucket: BUCKET, key: 'od/' }, datasetTypes[1], { importAnnotations: true, pageSize: 2 }));
    assert.deepEqual(
      od.items.map((s) => [s.name, s.labels?.length ?? 0]),
      [
        ['img0.jpg', 2],
        ['img1.jpg', 0],
        ['img2.jpg', 2],
        ['img3.jpg', 0],
        ['img4.jpg', 2],
        ['img5.jpg', 0],
      ],
    );
    const ic = await collect(scanDirectory(store, { bucket: BUCKET, key: 'ic' }, datasetTypes[0], { importAnnotations: true, pageSize: 1 }));
    assert.deepEqual(
      ic.items.map((s) => [s.source, (s.labels ?? []).map((l) => l.name)]),
      [
        [`/${BUCKET}/ic/Cat/1.jpg`, ['Cat']],
        [`/${BUCKET}/ic/x/2.jpg`, ['Dog', 'Pet']],
      ],
    );
    async function* lines() {
      for (const s of od.items)
        yield snapshotToManifestLine({ id: s.name, source: s.source, sampleType: 0, labels: s.labels ?? [], metadata: s.metadata ?? {}, labeledTime: 0 });
    }
    await writeManifest(store, { bucket: BUCKET, key: 'out/v.manifest' }, lines());
    const back = [];
    for await (const m of readManifest(store, { bucket: BUCKET, key: 'out/v.manifest' })) back.push(m);
    assert.deepEqual(
      back.map((m) => [m.source, m.annotation?.length ?? 0]),
      od.items.map((s) => [`s3:/${s.source}`, s.labels?.length ?? 0]),
    );
  });
});
