// ImportTask (#55) into an existing dataset: a folder and a manifest, samples already there skipped,
// bad lines and files counted and named without failing the task, bad requests refused, another
// project's dataset invisible.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dataTransferOperations as ops } from '#src/modules/data-transfer/operations.ts';
import type { AtelierClient } from '#src/client/index.ts';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';
import { createBody, datasetReady, eventually, PNG, putFile } from '../datasets/fixtures.ts';

type ImportBody = Parameters<typeof importTask>[2];

function importTask(client: AtelierClient, datasetId: string, body: { import_path: string; import_type?: 'dir' | 'manifest'; [k: string]: unknown }) {
  return client.http.op(ops.ImportTask, { params: { dataset_id: datasetId }, body: body as never });
}

function finished(t: TestApp, datasetId: string, taskId: string) {
  return eventually(
    `import ${taskId}`,
    () => t.client.datasets.describeImportTask(datasetId, taskId),
    (x) => x.status === 'COMPLETED' || x.status === 'FAILED',
  );
}

const voc = (name: string) =>
  `<annotation><size><width>10</width><height>10</height><depth>3</depth></size><object><name>${name}</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>5</xmax><ymax>5</ymax></bndbox></object></annotation>`;

describe('ImportTask (#55)', () => {
  let t: TestApp;
  let datasetId: string;
  before(async () => {
    t = await startTestApp();
    t.atelier.startBackground();
    putFile(t, '/imp/start/a.png', PNG);
    for (let i = 0; i < 5; i++) putFile(t, `/imp/more/cat/c${i}.png`, PNG);
    for (let i = 0; i < 3; i++) putFile(t, `/imp/more/dog/d${i}.png`, PNG);
    const r = await t.client.datasets.create(createBody('import-into', '/imp/start/', '/imp/out/'));
    datasetId = r.dataset_id;
    await datasetReady(t.client, datasetId);
  });
  after(() => t.close());

  test('a folder: its files become samples with their folder labels; a second import skips them', async () => {
    const { task_id } = await importTask(t.client, datasetId, { import_type: 'dir', import_path: 's3://imp/more/' });
    assert.match(task_id, new RegExp(`^${datasetId}_`));
    const task = await finished(t, datasetId, task_id);
    assert.equal(task.status, 'COMPLETED');
    assert.equal(task.import_type, 0);
    assert.deepEqual([task.total_sample_count, task.imported_sample_count, task.annotated_sample_count], [8, 8, 8]);
    assert.deepEqual([task.total_file_count, task.total_file_size], [8, 8 * PNG.length]);
    const d = await t.client.datasets.describe(datasetId);
    assert.equal(d.total_sample_count, 9);
    const again = await finished(t, datasetId, (await importTask(t.client, datasetId, { import_path: '/imp/more/' })).task_id);
    assert.equal(again.status, 'COMPLETED');
    assert.deepEqual([again.total_sample_count, again.imported_sample_count], [8, 0], 'found again, added none');
    assert.equal((await t.client.datasets.describe(datasetId)).total_sample_count, 9);
  });

  test('a manifest: broken lines, missing files and a label filter are counted and named; the rest comes in', async () => {
    for (let i = 0; i < 4; i++) putFile(t, `/imp/man/m${i}.png`, PNG);
    const line = (i: number, label: string, hard = false) =>
      JSON.stringify({ source: `s3://imp/man/m${i}.png`, hard, annotation: [{ type: 'modelarts/image_classification', name: label }] });
    const manifest = [
      line(0, 'bird'),
      '{"source": "s3://imp/man/m1.png", broken',
      line(2, 'fish', true),
      JSON.stringify({ source: 's3://imp/man/absent.png', extra_field: 1 }),
      line(3, 'bird'),
      '',
    ].join('\n');
    putFile(t, '/imp/man/in.manifest', manifest);
    const { task_id } = await importTask(t.client, datasetId, { import_path: '/imp/man/in.manifest', excluded_labels: [{ name: 'fish' }] });
    const task = await finished(t, datasetId, task_id);
    assert.equal(task.status, 'COMPLETED');
    assert.equal(task.import_type, 1);
    assert.deepEqual([task.total_sample_count, task.imported_sample_count, task.annotated_sample_count], [2, 2, 2]);
    assert.equal(task.error_code, 'ModelArts.4362');
    assert.match(task.error_msg!, /^2 files could not be imported as given/);
    assert.match(task.error_msg!, /\/imp\/man\/in\.manifest: line 2[^;]*JSON/);
    assert.match(task.error_msg!, /\/imp\/man\/in\.manifest: line 4[^;]*absent\.png does not exist/);

    const hardOnly = await finished(
      t,
      datasetId,
      (await importTask(t.client, datasetId, { import_type: 'manifest', import_path: '/imp/man/in.manifest', difficult_only: true })).task_id,
    );
    assert.deepEqual([hardOnly.total_sample_count, hardOnly.imported_sample_count], [1, 1], 'only the hard line m2');
  });

  test('a VOC file with an external entity is refused and named, never resolved; its image still comes in', async () => {
    const od = await t.client.datasets.create(createBody('import-od', '/imp/start/', '/imp/out2/', { dataset_type: 1 }));
    await datasetReady(t.client, od.dataset_id);
    putFile(t, '/imp/secret.txt', 'TOPSECRET');
    putFile(t, '/imp/xxe/x.png', PNG);
    putFile(
      t,
      '/imp/xxe/x.xml',
      `<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd">]><annotation><object><name>&e;</name></object></annotation>`,
    );
    putFile(t, '/imp/xxe/y.png', PNG);
    putFile(t, '/imp/xxe/y.xml', voc('car'));
    const task = await finished(t, od.dataset_id, (await importTask(t.client, od.dataset_id, { import_path: '/imp/xxe/' })).task_id);
    assert.equal(task.status, 'COMPLETED');
    assert.deepEqual([task.imported_sample_count, task.annotated_sample_count], [2, 1]);
    assert.match(task.error_msg!, /\/imp\/xxe\/x\.xml: /);
    assert.doesNotMatch(task.error_msg!, /root:/);
  });

  test('bad requests: unknown field, bad path, another origin; an unknown dataset is 404', async () => {
    const bad = (body: ImportBody, status: number, code: string, msg?: string) =>
      assert.rejects(importTask(t.client, datasetId, body), apiFailure(status, code, msg));
    await bad({ import_path: '/imp/more/', surprise: true }, 400, 'ModelArts.0104', 'surprise');
    await bad({ import_path: '/imp/../etc/' }, 400, 'ModelArts.0104');
    await bad({ import_path: '/imp/man/', import_type: 'manifest' }, 400, 'ModelArts.0104', 'manifest');
    await bad({ import_path: '/imp/more/', import_origin: 'dws' }, 400, 'ModelArts.0104', 'import_origin');
    await assert.rejects(importTask(t.client, 'no-such-dataset', { import_path: '/imp/more/' }), (e: unknown) => (e as { status: number }).status === 404);
  });

  test("another account: the dataset is 404, and the owner's folder is 403 ModelArts.4310", async () => {
    const other = await t.newTenant('import-other');
    await assert.rejects(importTask(other, datasetId, { import_path: '/imp/more/' }), (e: unknown) => (e as { status: number }).status === 404);
    await assert.rejects(other.http.op(ops.SyncDataSource, { params: { dataset_id: datasetId } }), (e: unknown) => (e as { status: number }).status === 404);
  });
});
