// ImportTask (#55) and bucket ownership: an import_path in another account's bucket is refused
// with 403 ModelArts.4310 and records nothing; a manifest in the caller's own bucket whose lines
// name another account's files has those lines refused one by one while the rest comes in.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dataTransferOperations as ops } from '#src/modules/data-transfer/operations.ts';
import type { AtelierClient } from '#src/client/index.ts';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';
import { createBody, datasetReady, eventually, PNG, putFile } from '../datasets/fixtures.ts';
import { tenant, type Account } from '../buckets/fixtures.ts';

function importTask(client: AtelierClient, datasetId: string, body: { import_path: string; import_type?: 'dir' | 'manifest' }) {
  return client.http.op(ops.ImportTask, { params: { dataset_id: datasetId }, body });
}

describe('ImportTask (#55): buckets of another account', () => {
  let t: TestApp;
  let b: Account;
  let datasetId: string;
  before(async () => {
    t = await startTestApp();
    t.atelier.startBackground();
    // The server account's bucket (dropped on disk), and B's own one made by an administrator.
    for (let i = 0; i < 3; i++) putFile(t, `/owner-imp/in/o${i}.png`, PNG);
    b = await tenant(t, 'imp-b');
    await t.atelier.context.buckets.create(b.domainId, 'b-imp');
    putFile(t, '/b-imp/in/start.png', PNG);
    datasetId = (await b.client.datasets.create(createBody('b-imports', '/b-imp/in/', '/b-imp/work/'))).dataset_id;
    await datasetReady(b.client, datasetId);
  });
  after(() => t.close());

  test("an import_path in another account's bucket: 403 ModelArts.4310, no task recorded", async () => {
    const before = (await b.client.datasets.listImportTasks(datasetId)).total_count;
    for (const body of [
      { import_type: 'dir' as const, import_path: '/owner-imp/in/' },
      { import_type: 'manifest' as const, import_path: '/owner-imp/in/x.manifest' },
    ]) {
      await assert.rejects(importTask(b.client, datasetId, body), apiFailure(403, 'ModelArts.4310', 'body.import_path: bucket "owner-imp"'));
    }
    assert.equal((await b.client.datasets.listImportTasks(datasetId)).total_count, before);
    assert.equal((await b.client.datasets.describe(datasetId)).total_sample_count, 1);
  });

  test("manifest lines naming another account's files are refused one by one; the others come in", async () => {
    putFile(t, '/b-imp/more/m0.png', PNG);
    putFile(t, '/b-imp/more/m1.png', PNG);
    const line = (source: string) => JSON.stringify({ source, annotation: [{ type: 'modelarts/image_classification', name: 'cat' }] });
    putFile(
      t,
      '/b-imp/more/in.manifest',
      [line('s3://b-imp/more/m0.png'), line('s3://owner-imp/in/o0.png'), line('s3://b-imp/more/m1.png'), line('s3://owner-imp/in/o1.png')].join('\n'),
    );
    const { task_id } = await importTask(b.client, datasetId, { import_path: '/b-imp/more/in.manifest' });
    const task = await eventually(
      'import',
      () => b.client.datasets.describeImportTask(datasetId, task_id),
      (x) => x.status === 'COMPLETED' || x.status === 'FAILED',
    );
    assert.equal(task.status, 'COMPLETED', task.error_msg);
    assert.deepEqual([task.total_sample_count, task.imported_sample_count, task.annotated_sample_count], [2, 2, 2]);
    assert.equal(task.error_code, 'ModelArts.4362');
    assert.match(task.error_msg!, /^2 files could not be imported as given/);
    assert.match(task.error_msg!, /line 2: source s3:\/\/owner-imp\/in\/o0\.png refused: [^;]*bucket "owner-imp" belongs to another account/);
    assert.match(task.error_msg!, /line 4: source s3:\/\/owner-imp\/in\/o1\.png refused/);
    const names = (await b.client.samples.list(datasetId, { limit: 10 })).samples.map((s) => s.sample_name).sort();
    assert.deepEqual(names, ['m0.png', 'm1.png', 'start.png'], "none of the owner's files");
  });
});
