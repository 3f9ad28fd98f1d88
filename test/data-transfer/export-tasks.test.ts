// Export tasks (#57-#59): a dataset, or a chosen part of it, written to an OBS folder as a manifest or
// in the import layouts (folder per label, VOC beside the images, text lines), and each export read
// back by a new dataset's input scan (or the manifest reader) with the same samples and labels.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Value } from 'typebox/value';
import type { AtelierClient } from '#src/client/index.ts';
import { exportOperations as ops } from '#src/modules/data-transfer/export-operations.ts';
import { dataTransferOperations as importOps } from '#src/modules/data-transfer/operations.ts';
import { ExportTaskStatusResp, ListExportTasksResponse, type ExportTaskRequest } from '#src/modules/data-transfer/export-schemas.ts';
import { readCoco } from '#src/formats/coco.ts';
import { apiFailure, restartedApp, startTestApp, type TestApp } from '../helpers/app.ts';
import { createBody, datasetReady, eventually, PNG, putFile, versionDone } from '../datasets/fixtures.ts';

const voc = (objects: string) => `<annotation><size><width>100</width><height>100</height><depth>3</depth></size>${objects}</annotation>`;
const box = (name: string, x = 1) =>
  `<object><name>${name}</name><bndbox><xmin>${x}</xmin><ymin>1</ymin><xmax>${x + 9}</xmax><ymax>10</ymax></bndbox></object>`;

const exportTask = (c: AtelierClient, datasetId: string, body: ExportTaskRequest) => c.http.op(ops.ExportTask, { params: { dataset_id: datasetId }, body });
const describeTask = (c: AtelierClient, datasetId: string, taskId: string) =>
  c.http.op(ops.GetExportTaskStatusOfDataset, { params: { resource_id: datasetId, task_id: taskId } });
const listTasks = (c: AtelierClient, datasetId: string, query: { limit?: number; offset?: number; export_type?: 0 | 1 | 2 | 3 } = {}) =>
  c.http.op(ops.GetExportTasksStatusOfDataset, { params: { dataset_id: datasetId }, query });

function taskDone(c: AtelierClient, datasetId: string, taskId: string) {
  return eventually(
    `export ${taskId}`,
    () => describeTask(c, datasetId, taskId),
    (s) => s.status === 'SUCCESSED' || s.status === 'FAILED',
  );
}

/** Every sample of a dataset as "name: label,label" (text samples by their text), sorted. */
async function contents(c: AtelierClient, datasetId: string): Promise<string[]> {
  const out: string[] = [];
  for (let offset = 0; ; offset++) {
    const page = await c.samples.list(datasetId, { limit: 100, offset });
    for (const s of page.samples) {
      const id = s.sample_type === 1 ? s.source : s.sample_name;
      const labels = (s.labels ?? [])
        .map((l) => `${l.name}${l.property?.['@modelarts:shape'] ? `@${JSON.stringify(l.property['@modelarts:feature'])}` : ''}`)
        .sort();
      out.push(`${id}: ${labels.join(',')}`);
    }
    if (page.samples.length < 100) break;
  }
  return out.sort();
}

describe('export tasks (#57-#59)', () => {
  let t: TestApp;
  let classify: string;
  let detect: string;
  let text: string;
  const obs = (p: string) => join(t.config.dataDir, 'obs', p);

  before(async () => {
    t = await startTestApp();
    t.atelier.startBackground();
    // Image classification: labels as sibling .txt files; one image unlabeled.
    putFile(t, '/exp/cls/in/a.jpg', PNG);
    putFile(t, '/exp/cls/in/a.txt', 'cat\n');
    putFile(t, '/exp/cls/in/b.jpg', PNG);
    putFile(t, '/exp/cls/in/b.txt', 'dog\n');
    putFile(t, '/exp/cls/in/c.png', PNG);
    putFile(t, '/exp/cls/in/c.txt', 'cat\n');
    putFile(t, '/exp/cls/in/sub/a.jpg', PNG);
    putFile(t, '/exp/cls/in/sub/a.txt', 'dog\n');
    putFile(t, '/exp/cls/in/plain.jpg', PNG);
    // Object detection: VOC beside the images.
    putFile(t, '/exp/od/in/one.jpg', PNG);
    putFile(t, '/exp/od/in/one.xml', voc(box('car') + box('bike', 20)));
    putFile(t, '/exp/od/in/two.jpg', PNG);
    putFile(t, '/exp/od/in/two.xml', voc(box('car', 5)));
    putFile(t, '/exp/od/in/none.jpg', PNG);
    // Text classification: one line a sample, the labels after a tab.
    putFile(t, '/exp/txt/in/s.txt', 'good movie\tpositive\nbad plot\tnegative\nno opinion\nfine, a\tb text\tpositive,neutral\n');
    classify = (await t.client.datasets.create(createBody('exp-cls', '/exp/cls/in/', '/exp/cls/work/'))).dataset_id;
    detect = (await t.client.datasets.create(createBody('exp-od', '/exp/od/in/', '/exp/od/work/', { dataset_type: 1 }))).dataset_id;
    text = (await t.client.datasets.create(createBody('exp-txt', '/exp/txt/in/', '/exp/txt/work/', { dataset_type: 100 }))).dataset_id;
    await Promise.all([classify, detect, text].map((id) => datasetReady(t.client, id)));
  });
  after(() => t.close());

  test('round trip, folder per label (tree): a new dataset of the export has the same samples and labels', async () => {
    const task = await exportTask(t.client, classify, { path: '/exp/cls/tree/', export_format: 1, export_type: 0 });
    assert.ok(Value.Check(ExportTaskStatusResp, task));
    assert.equal(task.status, 'INIT');
    const done = await taskDone(t.client, classify, task.task_id);
    assert.equal(done.status, 'SUCCESSED', done.error_msg);
    assert.deepEqual([done.total_sample_count, done.finished_sample_count, done.progress], [4, 4, 100]);
    assert.deepEqual(readdirSync(obs('/exp/cls/tree')).sort(), ['cat', 'dog']);
    assert.deepEqual(
      readdirSync(obs('/exp/cls/tree/dog')).sort(),
      ['a.jpg', 'b.jpg'],
      'two files named a.jpg from different folders are not in the same label folder here',
    );
    const copy = (await t.client.datasets.create(createBody('exp-cls-tree', '/exp/cls/tree/', '/exp/cls/work2/'))).dataset_id;
    await datasetReady(t.client, copy);
    const original = (await contents(t.client, classify)).filter((l) => !l.endsWith(': '));
    assert.deepEqual(await contents(t.client, copy), original);
  });

  test('round trip, tiles with label files: every sample, labeled or not', async () => {
    const task = await exportTask(t.client, classify, { path: '/exp/cls/tile/', export_format: 2 });
    const done = await taskDone(t.client, classify, task.task_id);
    assert.equal(done.status, 'SUCCESSED', done.error_msg);
    assert.equal(done.total_sample_count, 5);
    assert.ok(existsSync(obs('/exp/cls/tile/a_1.jpg')) && existsSync(obs('/exp/cls/tile/a_1.txt')), 'the second a.jpg gets a name of its own');
    const copy = (await t.client.datasets.create(createBody('exp-cls-tile', '/exp/cls/tile/', '/exp/cls/work3/'))).dataset_id;
    await datasetReady(t.client, copy);
    const names = (l: string) => l.replace(/^a_1\.jpg/, 'a.jpg');
    assert.deepEqual((await contents(t.client, copy)).map(names).sort(), await contents(t.client, classify));
  });

  test('round trip, VOC beside the images: boxes and all', async () => {
    const task = await exportTask(t.client, detect, { path: '/exp/od/out/', export_format: 2, annotation_format: 'VOC' });
    const done = await taskDone(t.client, detect, task.task_id);
    assert.equal(done.status, 'SUCCESSED', done.error_msg);
    assert.match(readFileSync(obs('/exp/od/out/one.xml'), 'utf8'), /<name>bike<\/name>/);
    assert.ok(!existsSync(obs('/exp/od/out/none.xml')), 'an unlabeled image has no label file');
    const copy = (await t.client.datasets.create(createBody('exp-od-copy', '/exp/od/out/', '/exp/od/work2/', { dataset_type: 1 }))).dataset_id;
    await datasetReady(t.client, copy);
    assert.deepEqual(await contents(t.client, copy), await contents(t.client, detect));
  });

  test('round trip, COCO (object detection): the images copied and one COCO document, imported again with the same boxes', async () => {
    const task = await exportTask(t.client, detect, { path: '/exp/od/coco/', annotation_format: 'COCO' });
    assert.equal(task.export_format, 2);
    const done = await taskDone(t.client, detect, task.task_id);
    assert.equal(done.status, 'SUCCESSED', done.error_msg);
    assert.deepEqual(readdirSync(obs('/exp/od/coco')).sort(), [`coco-${task.task_id}.json`, 'none.jpg', 'one.jpg', 'two.jpg']);
    const back = readCoco(readFileSync(obs(`/exp/od/coco/coco-${task.task_id}.json`), 'utf8'), 'coco.json', 1);
    const read = [...back].map(
      ([name, parts]) =>
        `${name}: ${parts.labels
          .map((l) => `${l.name}@${JSON.stringify(l.property?.['@modelarts:feature'])}`)
          .sort()
          .join(',')}`,
    );
    assert.deepEqual(read.sort(), await contents(t.client, detect));
    // And imported again (ImportTask, a folder): the same samples and labels.
    putFile(t, '/exp/od/cocoin/readme.md', 'starts empty');
    const copy = (await t.client.datasets.create(createBody('exp-od-coco', '/exp/od/cocoin/', '/exp/od/work3/', { dataset_type: 1 }))).dataset_id;
    await datasetReady(t.client, copy);
    const imported = await t.client.http.op(importOps.ImportTask, { params: { dataset_id: copy }, body: { import_path: '/exp/od/coco/' } });
    const done2 = await eventually(
      'COCO import',
      () => t.client.datasets.describeImportTask(copy, imported.task_id),
      (x) => x.status === 'COMPLETED' || x.status === 'FAILED',
    );
    assert.equal(done2.error_msg, undefined);
    assert.deepEqual(await contents(t.client, copy), await contents(t.client, detect));
    await assert.rejects(
      exportTask(t.client, classify, { path: '/exp/x/', annotation_format: 'COCO' }),
      apiFailure(400, 'ModelArts.4384', 'annotation_format'),
    );
  });

  test('round trip, text lines: texts and their labels', async () => {
    const task = await exportTask(t.client, text, { path: '/exp/txt/out/', export_format: 2 });
    const done = await taskDone(t.client, text, task.task_id);
    assert.equal(done.status, 'SUCCESSED', done.error_msg);
    assert.equal(done.total_sample_count, 4);
    const copy = (await t.client.datasets.create(createBody('exp-txt-copy', '/exp/txt/out/', '/exp/txt/work2/', { dataset_type: 100 }))).dataset_id;
    await datasetReady(t.client, copy);
    const before = await contents(t.client, text);
    assert.equal(before.length, 4);
    assert.deepEqual(await contents(t.client, copy), before);
  });

  test('round trip, manifest: every line names a sample file with its labels, and an import of it into a new dataset gives the same samples', async () => {
    const task = await exportTask(t.client, detect, { path: '/exp/od/manifest/', source_type_header: 's3://' });
    const done = await taskDone(t.client, detect, task.task_id);
    assert.equal(done.status, 'SUCCESSED', done.error_msg);
    assert.equal(done.export_format, undefined);
    const lines = readFileSync(obs(`/exp/od/manifest/${task.task_id}.manifest`), 'utf8')
      .trim()
      .split('\n');
    assert.equal(lines.length, 3);
    const parsed = lines.map((l) => JSON.parse(l) as { source: string; annotation?: { name: string; property: Record<string, unknown> }[] });
    assert.ok(parsed.every((l) => l.source.startsWith('s3://exp/od/in/')));
    const one = parsed.find((l) => l.source.endsWith('/one.jpg'))!;
    assert.ok(one.annotation, JSON.stringify(parsed));
    assert.deepEqual(one.annotation!.map((a) => a.name).sort(), ['bike', 'car']);
    assert.equal(one.annotation![0]!.property['@modelarts:shape'], 'bndbox');
    // Imported into a new dataset (ImportTask, #55): the same samples and boxes.
    putFile(t, '/exp/od/empty/readme.md', 'no images here');
    const copy = (await t.client.datasets.create(createBody('exp-od-manifest', '/exp/od/empty/', '/exp/od/work3/', { dataset_type: 1 }))).dataset_id;
    await datasetReady(t.client, copy);
    const manifest = `/exp/od/manifest/${task.task_id}.manifest`;
    const imported = await t.client.http.op(importOps.ImportTask, { params: { dataset_id: copy }, body: { import_path: manifest, import_type: 'manifest' } });
    await eventually(
      'manifest import',
      () => t.client.datasets.describeImportTask(copy, imported.task_id),
      (s) => s.status === 'COMPLETED' || s.status === 'FAILED',
    );
    assert.deepEqual(await contents(t.client, copy), await contents(t.client, detect));
  });

  test('a chosen part: search conditions (ORed), sample ids and sample state', async () => {
    // Fields the spec does not name are accepted and not echoed (the response check fails on an undeclared field).
    const unnamed = { vendor_hint: 'x' };
    const cat = await exportTask(t.client, classify, {
      path: '/exp/cls/cats/',
      export_type: 3,
      export_params: {
        ...unnamed,
        sample_state: '',
        search_conditions: [{ ...unnamed, label_list: { labels: [{ name: 'cat' }] } }, { sample_name: 'plain.jpg' }],
      },
    });
    const done = await taskDone(t.client, classify, cat.task_id);
    assert.equal(done.export_params.search_conditions?.length, 2);
    assert.equal(done.total_sample_count, 3, 'two cats and plain.jpg');
    const lines = readFileSync(obs(`/exp/cls/cats/${cat.task_id}.manifest`), 'utf8')
      .trim()
      .split('\n');
    assert.deepEqual(lines.map((l) => (JSON.parse(l) as { source: string }).source.replace(/^obs:\/\/exp\/cls\/in\//, '')).sort(), [
      'a.jpg',
      'c.png',
      'plain.jpg',
    ]);
    const unlabeled = await taskDone(t.client, classify, (await exportTask(t.client, classify, { path: '/exp/cls/none/', export_type: 1 })).task_id);
    assert.equal(unlabeled.total_sample_count, 1);
    const some = (await t.client.samples.list(classify, { limit: 2 })).samples.map((s) => s.sample_id);
    const byId = await taskDone(
      t.client,
      classify,
      (await exportTask(t.client, classify, { path: '/exp/cls/ids/', export_type: 3, export_params: { samples: some } })).task_id,
    );
    assert.equal(byId.total_sample_count, 2);
  });

  test('a published version (version_id): its frozen samples, whatever changed since', async () => {
    const { version_id } = await t.client.datasets.createVersion(classify, {});
    await versionDone(t.client, classify, version_id);
    const task = await exportTask(t.client, classify, { path: '/exp/cls/version/', version_id });
    const done = await taskDone(t.client, classify, task.task_id);
    assert.equal(done.status, 'SUCCESSED', done.error_msg);
    assert.equal(done.version_id, version_id);
    assert.equal(done.total_sample_count, 5);
    const lines = readFileSync(obs(`/exp/cls/version/${task.task_id}.manifest`), 'utf8')
      .trim()
      .split('\n');
    assert.equal(lines.length, 5);
  });

  test('list and status (#57, #59): newest first, by export type, pages', async () => {
    const all = await listTasks(t.client, classify, { limit: 100 });
    assert.ok(Value.Check(ListExportTasksResponse, all));
    assert.ok(all.total_count >= 5);
    assert.ok(all.export_tasks.every((x, i, a) => i === 0 || a[i - 1]!.create_time >= x.create_time));
    const labeled = await listTasks(t.client, classify, { export_type: 0 });
    assert.equal(labeled.total_count, 1);
    assert.equal(labeled.export_tasks[0]!.path, '/exp/cls/tree/');
    assert.equal(labeled.export_tasks[0]!.export_params.export_dest, 'DIR');
    const page = await listTasks(t.client, classify, { limit: 1, offset: 1 });
    assert.equal(page.export_tasks.length, 1);
    assert.equal(page.export_tasks[0]!.task_id, all.export_tasks[1]!.task_id);
  });

  test('bad input: a 400 naming the field, nothing recorded', async () => {
    const before = (await listTasks(t.client, classify)).total_count;
    await assert.rejects(exportTask(t.client, classify, { path: '/exp/cls/in/sub/' }), apiFailure(400, 'ModelArts.4358', 'path'));
    await assert.rejects(exportTask(t.client, classify, { path: '/exp/cls/in/' }), apiFailure(400, 'ModelArts.4358', "dataset's input"));
    await assert.rejects(exportTask(t.client, classify, {}), apiFailure(400, 'ModelArts.4358', 'path'));
    await assert.rejects(exportTask(t.client, classify, { path: '/exp/a/../b/' }), apiFailure(400, 'ModelArts.0104', 'path'));
    await assert.rejects(
      exportTask(t.client, classify, { path: '/exp/x/', export_type: 3, export_params: { search_conditions: [{ sample_dir: 'no-slash' }] } }),
      apiFailure(400, 'ModelArts.0104', 'search_conditions[0].sample_dir'),
    );
    await assert.rejects(exportTask(t.client, classify, { path: '/exp/x/', export_type: 7 as 0 }), apiFailure(400, 'ModelArts.0104', 'export_type'));
    await assert.rejects(
      exportTask(t.client, classify, { path: '/exp/x/', export_params: { export_dest: 'NEW_DATASET' } }),
      apiFailure(400, 'ModelArts.4384', 'export_new_dataset_name'),
    );
    await assert.rejects(exportTask(t.client, classify, { path: '/exp/x/', version_format: 'CSV' }), apiFailure(400, 'ModelArts.4384', 'version_format'));
    await assert.rejects(exportTask(t.client, classify, { path: '/exp/x/', version_id: 'nope' }), apiFailure(400, 'ModelArts.4353'));
    await assert.rejects(describeTask(t.client, classify, 'no-such-task'), apiFailure(400, 'ModelArts.4359'));
    assert.equal((await listTasks(t.client, classify)).total_count, before);
  });

  test('another project: its datasets and tasks are invisible (404), its buckets not writable (403)', async () => {
    const other = await t.newTenant('exp-other');
    const task = (await listTasks(t.client, classify)).export_tasks[0]!;
    await assert.rejects(exportTask(other, classify, { path: '/exp/x/' }), apiFailure(404, 'ModelArts.6623'));
    await assert.rejects(listTasks(other, classify), apiFailure(404, 'ModelArts.6623'));
    await assert.rejects(describeTask(other, classify, task.task_id), apiFailure(404, 'ModelArts.6623'));
    const { context } = t.atelier;
    await context.buckets.create((await context.identity.domain('exp-other')).id, 'exp-theirs');
    putFile(t, '/exp-theirs/in/a.jpg', PNG);
    const theirs = (await other.datasets.create(createBody('exp-theirs', '/exp-theirs/in/', '/exp-theirs/work/'))).dataset_id;
    await datasetReady(other, theirs);
    await assert.rejects(exportTask(other, theirs, { path: '/exp/stolen/' }), apiFailure(403, 'ModelArts.4310', 'path'));
    const mine = await taskDone(other, theirs, (await exportTask(other, theirs, { path: '/exp-theirs/out/' })).task_id);
    assert.equal(mine.status, 'SUCCESSED', mine.error_msg);
    await assert.rejects(describeTask(t.client, theirs, mine.task_id), apiFailure(404, 'ModelArts.6623'));
  });
});

test('export tasks are durable: one queued before a restart is carried out by the next process', async () => {
  const t = await startTestApp();
  try {
    for (const n of [1, 2, 3]) putFile(t, `/exp-restart/in/${n}.png`, PNG);
    const { dataset_id } = await t.client.datasets.create(createBody('exp-restart', '/exp-restart/in/', '/exp-restart/work/'));
    // No background work in this process: the scan and the export stay queued.
    const task = await exportTask(t.client, dataset_id, { path: '/exp-restart/out/' });
    assert.equal((await describeTask(t.client, dataset_id, task.task_id)).status, 'INIT');
    await t.atelier.close();
    const { atelier: next, client } = await restartedApp(t);
    try {
      await datasetReady(client, dataset_id);
      const done = await taskDone(client, dataset_id, task.task_id);
      assert.equal(done.status, 'SUCCESSED', done.error_msg);
    } finally {
      await next.close();
    }
  } finally {
    await t.close();
  }
});
