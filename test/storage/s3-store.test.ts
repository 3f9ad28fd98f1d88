// The S3 backend against s3rver, an S3 implementation running in this process on loopback.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { createObjectStore, type ObjectStore } from '#src/storage/index.ts';
import { objectStoreContract } from './store-contract.ts';

async function startS3rver(): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const directory = mkdtempSync(join(tmpdir(), 'atelier-s3rver-'));
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory });
  const { port } = (await server.run()) as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: async () => {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

const s3Store = (endpoint: string, bucketMap: Record<string, string> = {}): ObjectStore =>
  createObjectStore({ kind: 's3', endpoint, region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', forcePathStyle: true, bucketMap });

objectStoreContract(
  's3 (s3rver)',
  async () => {
    const server = await startS3rver();
    const store = s3Store(server.endpoint);
    return {
      store,
      close: async () => {
        await store.close();
        await server.stop();
      },
    };
  },
  { loosePrefixPages: true },
);

describe('s3 object store: bucket map', () => {
  let server: Awaited<ReturnType<typeof startS3rver>>;
  before(async () => {
    server = await startS3rver();
  });
  after(() => server.stop());

  test('API bucket names map to real buckets; unmapped names are themselves', async () => {
    const mapped = s3Store(server.endpoint, { 'logical-data': 'real-bucket-7' });
    const plain = s3Store(server.endpoint);
    try {
      await mapped.ensureBucket('logical-data');
      await mapped.put('logical-data', 'in/x.txt', 'mapped');
      assert.equal(await plain.readText('real-bucket-7', 'in/x.txt', 100), 'mapped');
      assert.equal(await plain.head('logical-data', 'in/x.txt'), null);
      await mapped.copy({ bucket: 'logical-data', key: 'in/x.txt' }, { bucket: 'logical-data', key: 'in/y.txt' });
      assert.deepEqual(
        (await plain.list('real-bucket-7')).objects.map((o) => o.key),
        ['in/x.txt', 'in/y.txt'],
      );
      await mapped.ensureBucket('plain-name');
      await mapped.put('plain-name', 'a.txt', 'same name');
      assert.equal(await plain.readText('plain-name', 'a.txt', 100), 'same name');
    } finally {
      await mapped.close();
      await plain.close();
    }
  });
});
