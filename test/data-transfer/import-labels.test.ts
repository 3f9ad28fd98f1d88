// ImportTask (#55) options that bring labels rather than samples: import_samples false labels the
// samples the dataset already holds (matched by source), final_annotation false leaves the labels
// awaiting confirmation as auto labeling does. What was labeled and what was skipped, and why, shows
// in DescImportTask.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dataTransferOperations as ops } from '#src/modules/data-transfer/operations.ts';
import type { AtelierClient } from '#src/client/index.ts';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';
import { createBody, datasetReady, eventually, PNG, putFile } from '../datasets/fixtures.ts';

function importTask(client: AtelierClient, datasetId: string, body: { import_path: string; [k: string]: unknown }) {
  return client.http.op(ops.ImportTask, { params: { dataset_id: datasetId }, body: body as never });
}

function finished(t: TestApp, datasetId: string, taskId: string) {
  return eventually(
    `import ${taskId}`,
    () => t.client.datasets.describeImportTask(datasetId, taskId),
    (x) => x.status === 'COMPLETED' || x.status === 'FAILED',
  );
}

async function samplesBySource(client: AtelierClient, datasetId: string) {
  const page = await client.samples.list(datasetId, { limit: 100 });
  return new Map(page.samples.map((s) => [s.sample_name!, s]));
}

const line = (file: string, label?: string) =>
  JSON.stringify({ source: `s3://lab/${file}`, ...(label ? { annotation: [{ type: 'modelarts/image_classification', name: label }] } : {}) });

describe('ImportTask (#55): import_samples and final_annotation', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
    t.atelier.startBackground();
    for (const f of ['a', 'b', 'c', 'd']) putFile(t, `/lab/in/${f}.png`, PNG);
    putFile(t, '/lab/elsewhere/z.png', PNG);
  });
  after(() => t.close());

  test('import_samples false: the samples already there get the labels; others are skipped and named', async () => {
    const { dataset_id } = await t.client.datasets.create(createBody('label-only', '/lab/in/', '/lab/out1/'));
    await datasetReady(t.client, dataset_id);
    putFile(t, '/lab/labels.manifest', [line('in/a.png', 'cat'), line('in/b.png'), line('elsewhere/z.png', 'dog'), line('in/c.png', 'dog')].join('\n'));
    const { task_id } = await importTask(t.client, dataset_id, { import_path: '/lab/labels.manifest', import_samples: false });
    const task = await finished(t, dataset_id, task_id);
    assert.equal(task.status, 'COMPLETED', task.error_msg);
    assert.deepEqual(
      [task.total_sample_count, task.imported_sample_count, task.annotated_sample_count, task.unconfirmed_sample_count],
      [4, 0, 2, 0],
      'four lines read, none added, a and c labeled',
    );
    assert.equal(task.error_code, 'ModelArts.4362');
    assert.match(task.error_msg!, /^2 files could not be imported as given/);
    assert.match(task.error_msg!, /\/lab\/in\/b\.png: no labels to import/);
    assert.match(task.error_msg!, /\/lab\/elsewhere\/z\.png: not a sample of the dataset/);
    const d = await t.client.datasets.describe(dataset_id);
    assert.equal(d.total_sample_count, 4, 'no sample added');
    const s = await samplesBySource(t.client, dataset_id);
    assert.deepEqual(
      s.get('a.png')!.labels!.map((l) => l.name),
      ['cat'],
    );
    assert.equal(s.get('a.png')!.sample_status, 'MANUAL_ANNOTATION');
    assert.equal(s.get('c.png')!.labels![0]!.name, 'dog');
    assert.equal(s.get('b.png')!.sample_status, 'UN_ANNOTATION');
    assert.equal(s.get('d.png')!.sample_status, 'UN_ANNOTATION');
  });

  test('final_annotation false: imported labels await confirmation and show among the auto-labeling samples', async () => {
    const { dataset_id } = await t.client.datasets.create(createBody('pre-labels', '/lab/in/', '/lab/out2/'));
    await datasetReady(t.client, dataset_id);
    for (let i = 0; i < 3; i++) putFile(t, `/lab/tree/cat/k${i}.png`, PNG);
    putFile(t, '/lab/tree/plain.png', PNG);
    const { task_id } = await importTask(t.client, dataset_id, { import_path: '/lab/tree/', final_annotation: false });
    const task = await finished(t, dataset_id, task_id);
    assert.equal(task.status, 'COMPLETED', task.error_msg);
    assert.deepEqual([task.total_sample_count, task.imported_sample_count, task.annotated_sample_count, task.unconfirmed_sample_count], [4, 4, 0, 3]);
    const auto = await t.client.intelligentTasks.samples(dataset_id, { limit: 50 });
    assert.equal(auto.sample_count, 3);
    const s = await samplesBySource(t.client, dataset_id);
    assert.equal(s.get('k0.png')!.sample_status, 'AUTO_ANNOTATION');
    assert.equal(s.get('plain.png')!.sample_status, 'UN_ANNOTATION');

    // Labels to confirm never replace a person's: with both options off, a sample labeled by hand is skipped.
    putFile(t, '/lab/pre.manifest', [line('tree/cat/k0.png', 'lynx'), line('in/a.png', 'lynx'), line('in/d.png', 'lynx')].join('\n'));
    const pre = await finished(
      t,
      dataset_id,
      (await importTask(t.client, dataset_id, { import_path: '/lab/pre.manifest', import_samples: false, final_annotation: false })).task_id,
    );
    assert.equal(pre.status, 'COMPLETED');
    assert.deepEqual([pre.imported_sample_count, pre.annotated_sample_count, pre.unconfirmed_sample_count], [0, 0, 3]);
    const relabeled = (await samplesBySource(t.client, dataset_id)).get('k0.png')!;
    assert.deepEqual([relabeled.sample_status, relabeled.labels![0]!.name], ['AUTO_ANNOTATION', 'lynx']);
  });

  test('with import_samples false, a sample labeled by hand keeps its labels against labels to confirm', async () => {
    const { dataset_id } = await t.client.datasets.create(createBody('keep-manual', '/lab/in/', '/lab/out3/'));
    await datasetReady(t.client, dataset_id);
    putFile(t, '/lab/final.manifest', [line('in/a.png', 'cat')].join('\n'));
    await finished(t, dataset_id, (await importTask(t.client, dataset_id, { import_path: '/lab/final.manifest', import_samples: false })).task_id);
    putFile(t, '/lab/guess.manifest', [line('in/a.png', 'dog'), line('in/b.png', 'dog')].join('\n'));
    const task = await finished(
      t,
      dataset_id,
      (await importTask(t.client, dataset_id, { import_path: '/lab/guess.manifest', import_samples: false, final_annotation: false })).task_id,
    );
    assert.deepEqual([task.annotated_sample_count, task.unconfirmed_sample_count], [0, 1]);
    assert.match(task.error_msg!, /\/lab\/in\/a\.png: already labeled by hand/);
    const s = await samplesBySource(t.client, dataset_id);
    assert.deepEqual([s.get('a.png')!.sample_status, s.get('a.png')!.labels![0]!.name], ['MANUAL_ANNOTATION', 'cat']);
    assert.deepEqual([s.get('b.png')!.sample_status, s.get('b.png')!.labels![0]!.name], ['AUTO_ANNOTATION', 'dog']);
  });

  test('bad input is refused naming the field, nothing recorded; another account sees 404', async () => {
    const { dataset_id } = await t.client.datasets.create(createBody('label-bad', '/lab/in/', '/lab/out4/'));
    await datasetReady(t.client, dataset_id);
    await assert.rejects(
      importTask(t.client, dataset_id, { import_path: '/lab/labels.manifest', import_samples: false, import_annotations: false }),
      apiFailure(400, 'ModelArts.0104', 'import_annotations'),
    );
    await assert.rejects(
      importTask(t.client, dataset_id, { import_path: '/lab/labels.manifest', final_annotation: 'no' }),
      apiFailure(400, 'ModelArts.0104', 'final_annotation'),
    );
    assert.equal((await t.client.datasets.listImportTasks(dataset_id)).total_count, 1, 'only the input scan');
    const other = await t.newTenant('labels-other');
    await assert.rejects(
      importTask(other, dataset_id, { import_path: '/lab/labels.manifest', import_samples: false }),
      (e: unknown) => (e as { status: number }).status === 404,
    );
  });
});
