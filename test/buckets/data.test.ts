// Bucket ownership for the data-management APIs: datasets, versions, samples and labels. Account B
// (a tenant) against buckets of the server's account (folders dropped on disk) and back.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';
import { createBody, datasetReady, versionDone } from '../datasets/fixtures.ts';
import { PNG, dropFile, onDisk, ownerAccount, ownerOf, snapshot, tenant, type Account } from './fixtures.ts';

const FORBIDDEN = 'ModelArts.4310';
const forbidden = (field: string, bucket: string) => apiFailure(403, FORBIDDEN, `${field}: bucket "${bucket}"`);

describe('bucket ownership: datasets, versions, samples, labels', () => {
  let t: TestApp;
  let owner: Account;
  let b: Account;

  before(async () => {
    t = await startTestApp();
    t.atelier.startBackground();
    owner = await ownerAccount(t);
    b = await tenant(t, 'bkt-data-b');
    dropFile(t, '/owner-obs/in/a.png', PNG);
    dropFile(t, '/owner-obs/in/b.png', PNG);
    // B's own bucket, made for it by an administrator (atelier bucket create), with a file in it.
    await t.atelier.context.buckets.create(b.domainId, 'b-data');
    dropFile(t, '/b-data/in/mine.png', PNG);
  });
  after(() => t.close());

  const datasetCount = async (a: Account) => (await a.client.datasets.list({ limit: 100 })).total_number;

  test("a folder dropped into the data directory belongs to the server's account", async () => {
    const before = snapshot(t, 'owner-obs');
    await assert.rejects(
      b.client.datasets.create(createBody('steal', '/owner-obs/in/', '/b-fresh/out/')),
      forbidden('body.data_sources[0].data_path', 'owner-obs'),
    );
    assert.equal(await datasetCount(b), 0, 'nothing stored');
    assert.deepEqual(snapshot(t, 'owner-obs'), before, 'nothing written');
    assert.equal(await ownerOf(t, 'b-fresh'), undefined, 'a refused request claims no bucket');
    assert.equal(await ownerOf(t, 'owner-obs'), undefined, 'reading records no owner');

    const { dataset_id } = await owner.client.datasets.create(createBody('owners', '/owner-obs/in/', '/owner-obs/out/'));
    assert.equal((await datasetReady(owner.client, dataset_id)).total_sample_count, 2);
  });

  test('a bucket that does not exist is claimed by the first account that writes to it', async () => {
    const { dataset_id } = await b.client.datasets.create(createBody('claims', '/b-data/in/', '/b-work/out/'));
    await datasetReady(b.client, dataset_id);
    assert.equal(await ownerOf(t, 'b-work'), b.domainId);
    assert.ok(onDisk(t, `/b-work/out/claims-${dataset_id}/`), 'the dataset folder was made in the claimed bucket');
    // The server's account is an account like any other for a bucket someone else owns.
    const ownerBefore = await datasetCount(owner);
    await assert.rejects(owner.client.datasets.create(createBody('intrude', '/owner-obs/in/', '/b-work/owner/')), forbidden('body.work_path', 'b-work'));
    await assert.rejects(
      owner.client.datasets.create(createBody('peek', '/b-data/in/', '/owner-obs/peek/')),
      forbidden('body.data_sources[0].data_path', 'b-data'),
    );
    assert.equal(await datasetCount(owner), ownerBefore);
    assert.ok(!onDisk(t, '/b-work/owner'));
  });

  test('work_path in a bucket of another account: 403, no dataset, no folder', async () => {
    const before = snapshot(t, 'owner-obs');
    const count = await datasetCount(b);
    await assert.rejects(b.client.datasets.create(createBody('overwrite', '/b-data/in/', '/owner-obs/b-out/')), forbidden('body.work_path', 'owner-obs'));
    assert.equal(await datasetCount(b), count);
    assert.deepEqual(snapshot(t, 'owner-obs'), before);
  });

  test('a sample named by path in a bucket of another account is refused and not imported', async () => {
    const { dataset_id } = await b.client.datasets.create(createBody('by-path', '/b-data/in/', '/b-data/work/'));
    await datasetReady(b.client, dataset_id);
    const r = await b.client.samples.upload(dataset_id, { samples: [{ data_source: { data_type: 0, data_path: '/owner-obs/in/a.png' } }] });
    assert.equal(r.success, false);
    assert.equal(r.results?.[0]?.success, false);
    assert.equal(r.results?.[0]?.error_code, FORBIDDEN);
    assert.match(r.results?.[0]?.error_msg ?? '', /data_source\.data_path: bucket "owner-obs"/);
    assert.equal((await b.client.samples.list(dataset_id)).sample_count, 1, 'only the scanned file');
  });

  describe('a grant lets another account in, a revoke stops it', () => {
    let shared: string;
    /** Input in the shared bucket, work path in B's own. */
    let sharedInput: string;
    let sampleId: string;
    let versionId: string;

    before(async () => {
      dropFile(t, '/shared-obs/in/x.png', PNG);
      dropFile(t, '/shared-obs/in/y.png', PNG);
    });

    test('before the grant: 403; with it: B creates a dataset and publishes a version there', async () => {
      await assert.rejects(
        b.client.datasets.create(createBody('shared', '/shared-obs/in/', '/shared-obs/b/')),
        forbidden('body.data_sources[0].data_path', 'shared-obs'),
      );
      await t.atelier.context.buckets.grant('shared-obs', b.domainId);
      assert.equal(await ownerOf(t, 'shared-obs'), owner.domainId, 'granting records the server account as the owner');
      ({ dataset_id: shared } = await b.client.datasets.create(createBody('shared', '/shared-obs/in/', '/shared-obs/b/', { labels: [{ name: 'cat' }] })));
      await datasetReady(b.client, shared);
      const samples = await b.client.samples.list(shared);
      assert.equal(samples.sample_count, 2);
      sampleId = samples.samples[0]!.sample_id!;
      await b.client.samples.updateLabels(shared, { samples: [{ sample_id: sampleId, labels: [{ name: 'cat' }] }] });
      ({ version_id: versionId } = await b.client.datasets.createVersion(shared, { version_name: 'V001' }));
      assert.equal((await versionDone(b.client, shared, versionId)).status, 1);
      ({ dataset_id: sharedInput } = await b.client.datasets.create(createBody('shared-input', '/shared-obs/in/', '/b-data/shared-work/')));
      assert.equal((await datasetReady(b.client, sharedInput)).total_sample_count, 2);
    });

    test('after the revoke every API that touches the bucket answers 403 and changes nothing', async () => {
      await t.atelier.context.buckets.revoke('shared-obs', b.domainId);
      const disk = snapshot(t, 'shared-obs');
      const describe = await b.client.datasets.describe(shared);

      await assert.rejects(b.client.datasets.createVersion(shared, { version_name: 'V002' }), forbidden('work_path', 'shared-obs'));
      assert.equal((await b.client.datasets.listVersions(shared)).total_number, 1);
      await assert.rejects(b.client.datasets.deleteVersion(shared, versionId), forbidden('work_path', 'shared-obs'));
      assert.equal((await b.client.datasets.describeVersion(shared, versionId)).status, 1);

      const up = await b.client.samples.upload(shared, { samples: [{ name: 'z.png', data: PNG.toString('base64') }] });
      assert.equal(up.results?.[0]?.error_code, FORBIDDEN);
      assert.ok(!onDisk(t, '/shared-obs/in/z.png'));

      // The batch sample APIs answer per item: the sample stays and its item says why.
      const del = await b.client.samples.delete(shared, { samples: [sampleId], delete_source: true });
      assert.equal(del.success, false);
      assert.equal(del.results?.[0]?.error_code, FORBIDDEN);
      assert.match(del.results?.[0]?.error_msg ?? '', /body\.delete_source: bucket "shared-obs"/);
      await assert.rejects(
        b.client.samples.deleteLabels(shared, { labels: [{ name: 'cat' }] }, { delete_policy: 2 }),
        forbidden('delete_source', 'shared-obs'),
      );
      await assert.rejects(b.client.samples.deleteLabel(shared, 'cat', { delete_source: true }), forbidden('delete_source', 'shared-obs'));
      await assert.rejects(b.client.datasets.delete(shared, { delete_work_path: true }), forbidden('delete_work_path', 'shared-obs'));

      const after = await b.client.datasets.describe(shared);
      assert.equal(after.status, describe.status);
      assert.equal(after.total_sample_count, 2);
      assert.equal(after.annotated_sample_count, 1);
      assert.deepEqual(
        after.labels?.map((l) => l.name),
        ['cat'],
      );
      assert.deepEqual(snapshot(t, 'shared-obs'), disk, 'no file written or deleted');

      // What needs no file still works: the samples and labels live in the database.
      assert.equal((await b.client.samples.describe(shared, sampleId)).sample_id, sampleId);
    });

    test('a version that would copy files out of the revoked bucket fails, saying why, and copies nothing', async () => {
      const { version_id } = await b.client.datasets.createVersion(sharedInput, { version_name: 'V001', export_images: true });
      const v = await versionDone(b.client, sharedInput, version_id);
      assert.equal(v.status, 4, 'error');
      assert.match(v.message ?? '', /ModelArts|forbidden/i);
      assert.match(v.message ?? '', /bucket "shared-obs"/);
      assert.deepEqual(
        Object.keys(snapshot(t, 'b-data')).filter((k) => k.includes('/annotation/V001/')),
        [],
        'nothing written',
      );
      // Without copies the manifest only names the files, and publishing works.
      const plain = await b.client.datasets.createVersion(sharedInput, { version_name: 'V002' });
      assert.equal((await versionDone(b.client, sharedInput, plain.version_id)).status, 1);
    });

    test('a training job cannot read the published version from the revoked bucket', async () => {
      await t.atelier.context.buckets.create(b.domainId, 'b-code');
      dropFile(t, '/b-code/train/train.py', 'print("hi")\n');
      const engine = (await b.client.training.engines()).items.find((e) => e.engine_name === 'Python');
      assert.ok(engine, 'a Python engine');
      const job = {
        kind: 'job' as const,
        metadata: { name: 'from-version' },
        algorithm: {
          code_dir: '/b-code/train/',
          boot_file: '/b-code/train/train.py',
          engine: { engine_id: engine.engine_id },
          inputs: [{ name: 'data_url', remote: { dataset: { id: shared, version_id: versionId } } }],
        },
        spec: { resource: { flavor_id: 'modelarts.vm.cpu.1u', node_count: 1 } },
      };
      await assert.rejects(b.client.training.createJob(job), forbidden('body.algorithm.inputs[0].remote.dataset', 'shared-obs'));
      assert.equal((await b.client.training.listJobs()).total, 0);
    });

    test('granted again, B can delete its files with delete_source', async () => {
      await t.atelier.context.buckets.grant('shared-obs', b.domainId);
      const files = ['/shared-obs/in/x.png', '/shared-obs/in/y.png'];
      assert.ok(files.every((f) => onDisk(t, f)));
      await b.client.samples.delete(shared, { samples: [sampleId], delete_source: true });
      assert.equal(files.filter((f) => onDisk(t, f)).length, 1, "the sample's file is gone");
    });
  });
});
