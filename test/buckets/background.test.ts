// Work that outlives the request checks the bucket again when it reads: a grant revoked between the
// request and the background work stops the work, which says why, and nothing is read.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { createBody } from '../datasets/fixtures.ts';
import { onnxPackage, putPackage } from '../models/fixtures.ts';
import { PNG, dropFile, eventually, tenant, type Account } from './fixtures.ts';

let t: TestApp;
let b: Account;

before(async () => {
  // The background worker is started only once the requests are in.
  t = await startTestApp();
  b = await tenant(t, 'bkt-bg-b');
  dropFile(t, '/bg-shared/in/a.png', PNG);
  await putPackage(t, 'bg-shared', 'onnx', onnxPackage());
  await t.atelier.context.buckets.create(b.domainId, 'bg-b-own');
});
after(() => t.close());

test('a dataset scan and a model import queued before a revoke stop, and say why', async () => {
  await t.atelier.context.buckets.grant('bg-shared', b.domainId);
  const { dataset_id } = await b.client.datasets.create(createBody('queued', '/bg-shared/in/', '/bg-b-own/work/'));
  const { model_id } = await b.client.models.create({
    model_name: 'queued',
    model_version: '1.0.0',
    source_location: '/bg-shared/onnx/',
    model_type: 'PyTorch',
  });
  assert.equal((await b.client.datasets.describe(dataset_id)).status, 0, 'the scan waits for the worker');
  assert.equal((await b.client.models.show(model_id)).model_status, 'publishing');

  await t.atelier.context.buckets.revoke('bg-shared', b.domainId);
  t.atelier.startBackground();

  const d = await eventually(
    'scan settles',
    () => b.client.datasets.describe(dataset_id),
    (x) => x.status !== 0,
    30_000,
  );
  assert.equal(d.status, 4, 'abnormal');
  assert.equal(d.total_sample_count, 0, 'no file of the bucket was read');
  const m = await eventually(
    'publish settles',
    () => b.client.models.show(model_id),
    (x) => x.model_status !== 'publishing',
    30_000,
  );
  assert.equal(m.model_status, 'failed');
  assert.match(m.error_msg ?? '', /source_location: bucket "bg-shared"/);
});
