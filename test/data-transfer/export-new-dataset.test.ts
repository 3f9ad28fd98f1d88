// ExportTask (#58) with export_dest NEW_DATASET: the chosen samples are written to `path` with their
// files, and a new dataset is made of that folder by CreateDataset's own code, with the same samples
// and labels. A failed export (here: the new name is taken) removes the files it wrote.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AtelierClient } from '#src/client/index.ts';
import { exportOperations as ops } from '#src/modules/data-transfer/export-operations.ts';
import type { ExportTaskRequest } from '#src/modules/data-transfer/export-schemas.ts';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';
import { createBody, datasetReady, eventually, PNG, putFile } from '../datasets/fixtures.ts';

const exportTask = (c: AtelierClient, datasetId: string, body: ExportTaskRequest) => c.http.op(ops.ExportTask, { params: { dataset_id: datasetId }, body });
const taskDone = (c: AtelierClient, datasetId: string, taskId: string) =>
  eventually(
    `export ${taskId}`,
    () => c.http.op(ops.GetExportTaskStatusOfDataset, { params: { resource_id: datasetId, task_id: taskId } }),
    (s) => s.status === 'SUCCESSED' || s.status === 'FAILED',
  );

async function labelsByName(c: AtelierClient, datasetId: string): Promise<string[]> {
  const page = await c.samples.list(datasetId, { limit: 100 });
  return page.samples.map((s) => `${s.sample_name}: ${(s.labels ?? []).map((l) => l.name).join(',')}`).sort();
}

async function datasetNamed(c: AtelierClient, name: string) {
  const { datasets } = await c.datasets.list({ limit: 100 });
  return datasets.find((d) => d.dataset_name === name);
}

describe('ExportTask (#58): export_dest NEW_DATASET', () => {
  let t: TestApp;
  let classify: string;
  const obs = (p: string) => join(t.config.dataDir, 'obs', p);
  const toNew = (name: string, workPath: string, extra: Partial<ExportTaskRequest> = {}): ExportTaskRequest => ({
    export_type: 0,
    ...extra,
    export_params: { export_dest: 'NEW_DATASET', export_new_dataset_name: name, export_new_dataset_work_path: workPath, ...extra.export_params },
  });

  before(async () => {
    t = await startTestApp();
    t.atelier.startBackground();
    putFile(t, '/nds/in/a.jpg', PNG);
    putFile(t, '/nds/in/a.txt', 'cat\n');
    putFile(t, '/nds/in/b.jpg', PNG);
    putFile(t, '/nds/in/b.txt', 'dog\n');
    putFile(t, '/nds/in/plain.jpg', PNG);
    classify = (await t.client.datasets.create(createBody('nds-src', '/nds/in/', '/nds/work/'))).dataset_id;
    await datasetReady(t.client, classify);
  });
  after(() => t.close());

  test('the labeled samples become a new dataset with the same labels; the task shows where', async () => {
    const task = await exportTask(t.client, classify, { path: '/nds/new/', ...toNew('nds-copy', '/nds/newwork/') });
    assert.equal(task.export_format, 2, 'written as tiles: the new dataset reads files');
    const done = await taskDone(t.client, classify, task.task_id);
    assert.equal(done.status, 'SUCCESSED', done.error_msg);
    assert.equal(done.total_sample_count, 2);
    assert.equal(done.export_params.export_dest, 'NEW_DATASET');
    assert.equal(done.export_params.export_new_dataset_name, 'nds-copy');
    assert.equal(done.export_params.export_new_dataset_work_path, '/nds/newwork/');
    assert.deepEqual(readdirSync(obs('/nds/new')).sort(), ['a.jpg', 'a.txt', 'b.jpg', 'b.txt']);
    const made = await datasetNamed(t.client, 'nds-copy');
    assert.ok(made, 'the new dataset is listed');
    await datasetReady(t.client, made.dataset_id);
    assert.deepEqual(await labelsByName(t.client, made.dataset_id), ['a.jpg: cat', 'b.jpg: dog']);
    assert.equal((await t.client.datasets.describe(made.dataset_id)).data_sources?.[0]?.data_path, '/nds/new/');
  });

  test('a name taken when the dataset is made: the task fails with 4351 and the files it wrote are gone', async () => {
    const task = await exportTask(t.client, classify, { path: '/nds/clash/', ...toNew('nds-src', '/nds/clashwork/', { export_type: 2 }) });
    const done = await taskDone(t.client, classify, task.task_id);
    assert.equal(done.status, 'FAILED');
    assert.equal(done.error_code, 'ModelArts.4351');
    assert.ok(!existsSync(obs('/nds/clash/a.jpg')) && !existsSync(obs('/nds/clash/plain.jpg')), 'no file of the failed export is left');
    assert.deepEqual(existsSync(obs('/nds/clash')) ? readdirSync(obs('/nds/clash')) : [], []);
  });

  test('bad input: a 400 naming the field, nothing recorded; another account: 404 and 403', async () => {
    const list = () => t.client.http.op(ops.GetExportTasksStatusOfDataset, { params: { dataset_id: classify }, query: {} });
    const before = (await list()).total_count;
    const bad = (body: ExportTaskRequest, status: number, code: string, field: string) =>
      assert.rejects(exportTask(t.client, classify, body), apiFailure(status, code, field));
    await bad(
      { path: '/nds/x/', export_params: { export_dest: 'NEW_DATASET', export_new_dataset_name: 'x' } },
      400,
      'ModelArts.4384',
      'export_new_dataset_work_path',
    );
    await bad({ path: '/nds/x/', ...toNew('bad name!', '/nds/w/') }, 400, 'ModelArts.0104', 'export_new_dataset_name');
    await bad({ path: '/nds/x/', ...toNew('inside', '/nds/x/sub/') }, 400, 'ModelArts.4358', 'output');
    await bad({ path: '/nds/x/', ...toNew('nowhere', '/../w/') }, 400, 'ModelArts.0104', 'export_new_dataset_work_path');
    const other = await t.newTenant('nds-other');
    await assert.rejects(exportTask(other, classify, { path: '/nds/x/', ...toNew('theirs', '/nds/w/') }), apiFailure(404, 'ModelArts.6623'));
    const { context } = t.atelier;
    await context.buckets.create((await context.identity.domain('nds-other')).id, 'nds-theirs');
    await bad({ path: '/nds/x/', ...toNew('stolen', '/nds-theirs/w/') }, 403, 'ModelArts.4310', 'export_new_dataset_work_path');
    assert.equal((await list()).total_count, before);
  });
});
