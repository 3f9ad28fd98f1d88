import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Value } from 'typebox/value';
import { ProcessorVersion } from '#src/modules/processor-tasks/schemas.ts';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';
import { createBody, datasetReady, putFile, versionDone } from '../datasets/fixtures.ts';
import { latestVersion, patternImage, versionFinished } from './fixtures.ts';

// Datasets in and out of processing: a dataset's (or a published version's) samples with their labels
// as the input, and the run's files published as a new version of a dataset.

const NOT_FOUND = 'ModelArts.6623';

function voc(file: string, w: number, h: number, boxes: number[][]): string {
  const objects = boxes
    .map(([x1, y1, x2, y2]) => `<object><name>car</name><bndbox><xmin>${x1}</xmin><ymin>${y1}</ymin><xmax>${x2}</xmax><ymax>${y2}</ymax></bndbox></object>`)
    .join('');
  return `<annotation><filename>${file}</filename><size><width>${w}</width><height>${h}</height><depth>3</depth></size>${objects}</annotation>`;
}

const flip = { id: 'sys_data_augmentation' as const, operator_params: [{ name: 'Flip', params: { Flip: '1', flip_type: 'horizontal' } }] };

describe('processing with datasets: samples and labels in, a new dataset version out', () => {
  let t: TestApp;
  let datasetId: string;
  let v1: string;
  before(async () => {
    t = await startTestApp();
    t.atelier.startBackground();
    for (let i = 0; i < 3; i++) {
      putFile(t, `/proc-ds/in/car${i}.png`, await patternImage(30 + i, 100, 50));
      putFile(t, `/proc-ds/in/car${i}.xml`, voc(`car${i}.png`, 100, 50, [[10, 5, 30, 25]]));
    }
    datasetId = (await t.client.datasets.create(createBody('proc-ds', '/proc-ds/in/', '/proc-ds/work/', { dataset_type: 1 }))).dataset_id;
    await datasetReady(t.client, datasetId);
    v1 = (await t.client.datasets.createVersion(datasetId, { version_name: 'V001' })).version_id;
    assert.equal((await versionDone(t.client, datasetId, v1)).status, 1);
  });
  after(() => t.close());

  test("augmenting a published version's samples moves their boxes and publishes the copies as a new dataset version", async () => {
    const { task_id } = await t.client.processorTasks.create({
      name: 'ds-aug',
      inputs: [{ type: 'DATASET', source: datasetId, version_id: v1 }],
      work_path: { type: 'DATASET', path: datasetId, version_name: 'V002' },
      create_version: true,
      template: flip,
    });
    const versionId = await latestVersion(t.client, task_id);
    const v = await versionFinished(t.client, task_id, versionId);
    assert.ok(Value.Check(ProcessorVersion, v));
    assert.equal(v.status, 2, v.error_msg);
    assert.equal(v.origin_sample_count, 3);
    assert.equal(v.add_sample_count, 3);
    const published = v.work_path?.version_id;
    assert.ok(published, 'the published dataset version is named in the work path');
    assert.equal(v.work_path?.name, 'proc-ds');
    const dv = await versionDone(t.client, datasetId, published);
    assert.equal(dv.status, 1);
    assert.equal(dv.version_name, 'V002');
    assert.equal(dv.total_sample_count, 6);

    const samples = await t.client.samples.list(datasetId, { limit: 50 });
    assert.equal(samples.sample_count, 6);
    const copy = samples.samples.find((s) => s.sample_name === 'car0_Flip.png');
    assert.ok(copy, samples.samples.map((s) => s.sample_name).join());
    const box = copy.labels?.[0]?.property?.['@modelarts:feature'];
    // mirrored in a 100 px wide image: x 10..30 becomes 70..90
    assert.deepEqual(box, [
      [70, 5],
      [90, 25],
    ]);
    // the results name the dataset's own samples
    const results = await t.client.processorTasks.results(task_id, versionId, { result_property: '0', limit: 10 });
    const ids = new Set((await t.client.samples.list(datasetId, { limit: 50 })).samples.map((s) => s.sample_id));
    assert.ok(results.results.every((r) => ids.has(r.sample_id)));
  });

  test('analysing a dataset reads the boxes of its live samples', async () => {
    const { task_id } = await t.client.processorTasks.create({
      name: 'ds-analyse',
      data_source: { type: 'DATASET', source: datasetId },
      template: { id: 'sys_data_analyse', operator_params: [{ id: 'sys_data_analyse', params: { op_list: [] } }] },
    });
    const versionId = await latestVersion(t.client, task_id);
    const v = await versionFinished(t.client, task_id, versionId);
    assert.equal(v.status, 2, v.error_msg);
    const task = await t.client.processorTasks.describe(task_id);
    const histograms = (task.result as { histograms: { feature: string; count: number }[] }).histograms;
    assert.equal(histograms.find((h) => h.feature === 'bbox_count')?.count, v.origin_sample_count);
  });

  test('a run whose publish is refused leaves the dataset as it was', async () => {
    const before = await t.client.datasets.describe(datasetId);
    const versionsBefore = (await t.client.datasets.listVersions(datasetId)).total_number;
    const { task_id } = await t.client.processorTasks.create({
      name: 'ds-taken',
      inputs: [{ type: 'DATASET', source: datasetId, version_id: v1 }],
      work_path: { type: 'DATASET', path: datasetId, version_name: 'V001' },
      create_version: true,
      template: flip,
    });
    const versionId = await latestVersion(t.client, task_id);
    const v = await versionFinished(t.client, task_id, versionId);
    assert.equal(v.status, 3);
    assert.match(v.error_msg ?? '', /4371|V001/);
    assert.equal(v.work_path?.version_id, undefined);
    const after = await t.client.datasets.describe(datasetId);
    assert.equal(after.total_sample_count, before.total_sample_count);
    assert.equal((await t.client.datasets.listVersions(datasetId)).total_number, versionsBefore);
  });

  test('validating an OBS folder into a dataset adds the valid files where they are, not the broken ones', async () => {
    putFile(t, '/proc-ds-val/in/ok1.png', await patternImage(50));
    putFile(t, '/proc-ds-val/in/ok2.png', await patternImage(51));
    putFile(t, '/proc-ds-val/in/broken.png', Buffer.from('not an image'));
    const before = (await t.client.datasets.describe(datasetId)).total_sample_count;
    const { task_id } = await t.client.processorTasks.create({
      name: 'ds-val',
      inputs: [{ type: 'OBS', source: '/proc-ds-val/in/' }],
      work_path: { type: 'DATASET', path: datasetId },
      create_version: true,
      template: { id: 'sys_data_validation', operator_params: [{ name: 'MetaValidation', params: {} }] },
    });
    const versionId = await latestVersion(t.client, task_id);
    const v = await versionFinished(t.client, task_id, versionId);
    assert.equal(v.status, 2, v.error_msg);
    const published = v.work_path?.version_id;
    assert.ok(published);
    assert.equal((await versionDone(t.client, datasetId, published)).total_sample_count, before + 2);
    const names = (await t.client.samples.list(datasetId, { limit: 50 })).samples.map((s) => s.sample_name);
    assert.ok(names.includes('ok1.png') && names.includes('ok2.png') && !names.includes('broken.png'), names.join());
  });

  test('validation reads a folder of more than one listing page', async () => {
    const img = await patternImage(60, 16, 16);
    for (let i = 0; i < 1005; i++) putFile(t, `/proc-ds-pages/in/${String(i).padStart(4, '0')}.png`, img);
    putFile(t, '/proc-ds-pages/in/0003.xml', voc('0003.png', 16, 16, []));
    const { task_id } = await t.client.processorTasks.create({
      name: 'ds-pages',
      inputs: [{ type: 'OBS', source: '/proc-ds-pages/in/' }],
      work_path: { type: 'OBS', path: '/proc-ds-pages/out/' },
      create_version: true,
      template: { id: 'sys_data_validation', operator_params: [{ name: 'MetaValidation', params: {} }] },
    });
    const v = await versionFinished(t.client, task_id, await latestVersion(t.client, task_id));
    assert.equal(v.status, 2, v.error_msg);
    assert.equal(v.origin_sample_count, 1005);
    assert.equal(v.unmodified_sample_count, 1005);
    assert.equal((await t.client.processorTasks.results(task_id, v.task_version_id, { limit: 1 })).count, 1005);
  });

  test('a missing version, bad input and datasets of another project are refused', async () => {
    const body = (inputs: unknown, work: unknown = { type: 'OBS', path: '/proc-ds/out/' }) =>
      ({ name: `ds-bad-${Math.random().toString(36).slice(2, 8)}`, inputs, work_path: work, create_version: true, template: flip }) as Parameters<
        typeof t.client.processorTasks.create
      >[0];
    await assert.rejects(
      t.client.processorTasks.create(body([{ type: 'DATASET', source: datasetId, version_id: 'nosuchversion000000' }])),
      apiFailure(400, 'ModelArts.4353'),
    );
    await assert.rejects(
      t.client.processorTasks.create(body([{ type: 'DATASET', source: datasetId, version_id: 7 }])),
      apiFailure(400, 'ModelArts.0104', 'version_id'),
    );
    await assert.rejects(t.client.processorTasks.create(body([{ type: 'DATASET', source: 'nosuchdataset000000' }])), apiFailure(404, NOT_FOUND));
    await assert.rejects(
      t.client.processorTasks.create(body([{ type: 'OBS', source: '/proc-ds/in/' }], { type: 'DATASET', path: datasetId, version_name: 'bad name!' })),
      apiFailure(400, 'ModelArts.0104', 'version_name'),
    );

    const other = await t.newTenant('proc-ds-other');
    await assert.rejects(other.processorTasks.create(body([{ type: 'DATASET', source: datasetId }])), apiFailure(404, NOT_FOUND));
    await assert.rejects(other.processorTasks.create(body([{ type: 'DATASET', source: datasetId, version_id: v1 }])), apiFailure(404, NOT_FOUND));
    // a bucket no one has yet: the other project may read it, so only the work path is refused
    await assert.rejects(
      other.processorTasks.create(body([{ type: 'OBS', source: '/proc-ds-unclaimed/in/' }], { type: 'DATASET', path: datasetId })),
      apiFailure(404, NOT_FOUND),
    );
    assert.equal((await other.processorTasks.list()).count, 0);
  });
});
