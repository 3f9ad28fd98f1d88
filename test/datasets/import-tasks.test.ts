// The scan of a new dataset is its import: a task record (#54, #56) with its counts, and the files
// it could not take as they were (an unreadable or malformed VOC file), named with the reason,
// while the rest of the import goes through.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Value } from 'typebox/value';
import { ImportTaskStatusResp, ListImportTasksResponse } from '#src/modules/data-transfer/schemas.ts';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';
import { createBody, datasetReady, PNG, putFile } from './fixtures.ts';

const voc = (objects: string) => `<annotation><size><width>100</width><height>100</height><depth>3</depth></size>${objects}</annotation>`;
const box = (name: string) => `<object><name>${name}</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>10</xmax><ymax>10</ymax></bndbox></object>`;

describe('import tasks: the scan of a new dataset (#54, #56)', () => {
  let t: TestApp;
  let datasetId: string;
  let taskId: string;
  before(async () => {
    t = await startTestApp();
    t.atelier.startBackground();
    putFile(t, '/imp/od/good.jpg', PNG);
    putFile(t, '/imp/od/good.xml', voc(box('car') + box('bike')));
    putFile(t, '/imp/od/second.jpg', PNG);
    putFile(t, '/imp/od/second.xml', voc(box('car')));
    putFile(t, '/imp/od/broken.jpg', PNG);
    putFile(t, '/imp/od/broken.xml', '<annotation><object><name>car</name><bndbox><xmin>1</xmin></bndbox></object>');
    putFile(t, '/imp/od/huge.jpg', PNG);
    putFile(t, '/imp/od/huge.xml', `<annotation>${' '.repeat(8 * 1024 * 1024 + 1)}</annotation>`);
    putFile(t, '/imp/od/unknown-size.jpg', PNG);
    putFile(t, '/imp/od/unknown-size.xml', `<annotation><size><width>0</width><height>0</height><depth>3</depth></size>${box('car')}</annotation>`);
    putFile(t, '/imp/od/plain.jpg', PNG);
    const r = await t.client.datasets.create(createBody('voc-import', '/imp/od/', '/imp/out/', { dataset_type: 1 }));
    datasetId = r.dataset_id;
    taskId = r.import_task_id!;
  });
  after(() => t.close());

  test('a bad label file never fails the import: the images come, the file is named with its reason', async () => {
    const d = await datasetReady(t.client, datasetId);
    assert.equal(d.status, 1, 'normal, not abnormal');
    assert.equal(d.total_sample_count, 6);
    assert.equal(d.annotated_sample_count, 3, 'good, second and unknown-size carry their boxes');
    assert.equal(d.import_task_id, taskId);
    const task = await t.client.datasets.describeImportTask(datasetId, taskId);
    assert.ok(Value.Check(ImportTaskStatusResp, task), JSON.stringify([...Value.Errors(ImportTaskStatusResp, task)][0]));
    assert.equal(task.status, 'COMPLETED');
    assert.equal(task.task_id, taskId);
    assert.equal(task.dataset_id, datasetId);
    assert.equal(task.import_path, '/imp/od/');
    assert.equal(task.import_type, 0);
    assert.deepEqual(task.data_source, { data_type: 0, data_path: '/imp/od/' });
    assert.deepEqual([task.total_sample_count, task.imported_sample_count, task.annotated_sample_count], [6, 6, 3]);
    assert.deepEqual([task.total_file_count, task.finished_file_count, task.total_file_size], [6, 6, 6 * PNG.length]);
    assert.deepEqual(task.file_statistics, { file_num_finished: 6, file_num_total: 6, file_size_finished: 6 * PNG.length, file_size_total: 6 * PNG.length });
    assert.equal(task.error_code, 'ModelArts.4362');
    assert.match(task.error_msg!, /^2 files could not be imported as given: /);
    assert.match(task.error_msg!, /\/imp\/od\/broken\.xml: [^;]+/);
    assert.match(task.error_msg!, /\/imp\/od\/huge\.xml: [^;]*larger than/);
    assert.ok(task.create_time > 0 && task.update_ms >= task.create_time && task.elapsed_time >= 0);
    const samples = (await t.client.samples.list(datasetId, { limit: 10 })).samples;
    assert.deepEqual(samples.find((s) => s.sample_name === 'broken.jpg')!.labels, []);
    assert.deepEqual(
      samples.find((s) => s.sample_name === 'unknown-size.jpg')!.labels.map((l) => l.name),
      ['car'],
    );
  });

  test('the list holds the import; paging follows the page rule; a task of another dataset or project is not found', async () => {
    const list = await t.client.datasets.listImportTasks(datasetId);
    assert.ok(Value.Check(ListImportTasksResponse, list));
    assert.equal(list.total_count, 1);
    assert.deepEqual(list.import_tasks[0], await t.client.datasets.describeImportTask(datasetId, taskId));
    const empty = await t.client.datasets.listImportTasks(datasetId, { offset: 1, limit: 1 });
    assert.deepEqual([empty.total_count, empty.import_tasks], [1, []]);

    putFile(t, '/imp/other/x.jpg', PNG);
    const other = await t.client.datasets.create(createBody('other-import', '/imp/other/', '/imp/out2/', { dataset_type: 1 }));
    await datasetReady(t.client, other.dataset_id);
    await assert.rejects(t.client.datasets.describeImportTask(other.dataset_id, taskId), apiFailure(400, 'ModelArts.4612'));
    await assert.rejects(t.client.datasets.describeImportTask(datasetId, 'no-such-task'), apiFailure(400, 'ModelArts.4612'));
    const tenant = await t.newTenant('imports-other');
    await assert.rejects(tenant.datasets.describeImportTask(datasetId, taskId), apiFailure(404, 'ModelArts.6623'));
    await assert.rejects(tenant.datasets.listImportTasks(datasetId), apiFailure(404, 'ModelArts.6623'));
  });
});
