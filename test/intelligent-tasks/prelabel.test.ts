// Pre-labeling runs the project's own model (a tiny colour classifier in the Python model server)
// over the unlabeled images, and leaves its answers as unconfirmed labels; a model that does not fit
// the dataset fails the task and changes nothing; a stop ends the model's instance.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Value } from 'typebox/value';
import { TaskDetail } from '#src/modules/intelligent-tasks/schemas.ts';
import { restartedApp, startTestApp, apiFailure, type TestApp } from '../helpers/app.ts';
import { createBody, datasetReady, putFile } from '../datasets/fixtures.ts';
import { eventually, importModel, putPackage } from '../models/fixtures.ts';
import { COLOURS, generator, sentence, taskDone, TOPIC_NAMES } from './fixtures.ts';
import { boxModel, colourBmp, colourModel, topicModel, zebraModel } from './prelabel-fixtures.ts';

describe('pre-labeling (#65, task_type pre-label)', () => {
  let t: TestApp;
  let images: string;
  let detection: string;
  let segmentation: string;
  let boxes: string;
  let colour: string;
  let slow: string;
  let zebra: string;
  const truth = new Map<string, string>();
  const classes = Object.keys(COLOURS);

  before(async () => {
    t = await startTestApp();
    t.atelier.startBackground();
    const rand = generator(11);
    for (let i = 0; i < 30; i++) {
      const cls = classes[i % 3]!;
      truth.set(`u-${i}.bmp`, cls);
      putFile(t, `/plab/img/u-${i}.bmp`, colourBmp(cls, rand));
    }
    for (let i = 0; i < 6; i++) putFile(t, `/plab/det/d-${i}.bmp`, colourBmp(classes[i % 3]!, rand));
    putFile(t, '/plab/seg/a.bmp', colourBmp('red', rand));
    images = (await t.client.datasets.create(createBody('pl-images', '/plab/img/', '/plab/work/', { labels: classes.map((name) => ({ name })) }))).dataset_id;
    detection = (
      await t.client.datasets.create(
        createBody('pl-det', '/plab/det/', '/plab/work-det/', { dataset_type: 1, labels: classes.map((name) => ({ name, type: 1 })) }),
      )
    ).dataset_id;
    segmentation = (await t.client.datasets.create(createBody('pl-seg', '/plab/seg/', '/plab/work-seg/', { dataset_type: 3 }))).dataset_id;
    await datasetReady(t.client, images);
    await datasetReady(t.client, detection);
    await datasetReady(t.client, segmentation);
    colour = await importModel(t.client, await putPackage(t, 'plab-models', 'colour', colourModel()), 'colour', '1.0.0', 'Scikit_Learn');
    slow = await importModel(t.client, await putPackage(t, 'plab-models', 'slow', colourModel(0.4)), 'slow-colour', '1.0.0', 'Scikit_Learn');
    boxes = await importModel(t.client, await putPackage(t, 'plab-models', 'boxes', boxModel()), 'boxes', '1.0.0', 'Scikit_Learn');
    zebra = await importModel(t.client, await putPackage(t, 'plab-models', 'zebra', zebraModel()), 'zebra', '1.0.0', 'Scikit_Learn');
  });
  after(() => t.close());

  const autoSamples = async () => {
    const out = [];
    for (let page = 0; ; page++) {
      const r = await t.client.intelligentTasks.samples(images, { limit: 100, offset: page });
      out.push(...r.samples);
      if (r.samples.length < 100) return out;
    }
  };

  test('the refusals: no model, an unknown model, a dataset type it does not serve, a flavor or pool that is not there', async () => {
    await assert.rejects(t.client.intelligentTasks.create(images, { task_type: 'pre-label' }), apiFailure(400, 'ModelArts.4396', 'model_id'));
    await assert.rejects(t.client.intelligentTasks.create(images, { task_type: 'pre-label', model_id: 'no-such-model' }), apiFailure(404, 'ModelArts.3001'));
    await assert.rejects(
      t.client.intelligentTasks.create(images, { task_type: 'pre-label', config: { model_id: 'no-such-model' } }),
      apiFailure(404, 'ModelArts.3001'),
    );
    await assert.rejects(t.client.intelligentTasks.create(segmentation, { task_type: 'pre-label', model_id: colour }), apiFailure(400, 'ModelArts.4820', '3'));
    await assert.rejects(
      t.client.intelligentTasks.create(images, {
        task_type: 'pre-label',
        model_id: colour,
        config: { inf_config_list: [{ specification: 'modelarts.vm.gpu.p4' }] },
      }),
      apiFailure(400, 'ModelArts.4396', 'specification'),
    );
    await assert.rejects(
      t.client.intelligentTasks.create(images, { task_type: 'pre-label', model_id: colour, config: { pool_id: 'pool-nope' } }),
      apiFailure(400, 'ModelArts.4396', 'pool_id'),
    );
    const other = await t.newTenant('plab-other');
    await assert.rejects(other.intelligentTasks.create(images, { task_type: 'pre-label', model_id: colour }), apiFailure(404, 'ModelArts.6623'));
    assert.equal((await t.client.intelligentTasks.list(images, { type: 'pre-label' })).total_count, 0);
  });

  test('a model whose answers are not labels of the dataset: the task fails with the reason, the samples stay as they were', async () => {
    const { task_id } = await t.client.intelligentTasks.create(images, { task_type: 'pre-label', model_id: zebra });
    const done = await taskDone(t.client, images, task_id);
    assert.equal(done.status, 2, JSON.stringify(done));
    assert.match(done.error_msg ?? '', /zebra/);
    assert.equal((await autoSamples()).length, 0);
    assert.equal(t.atelier.context.pools.publicPool.holdings().filter((h) => h.key.startsWith('intelligent-task-')).length, 0);
  });

  test('stop ends the model instance; progress moved before', async () => {
    const { task_id } = await t.client.intelligentTasks.create(images, { task_type: 'pre-label', model_id: slow, config: { name: 'slow-pre' } });
    const pid = await eventually(
      'the instance predicting',
      async () => {
        const d = await t.client.intelligentTasks.describe(images, task_id);
        const held = t.atelier.context.pools.publicPool.holdings().find((h) => h.key === `intelligent-task-${task_id}`);
        return d.progress > 5 && held?.holder?.kind === 'labeling task' ? held.processGroups[0] : undefined;
      },
      60_000,
    );
    assert.ok(pid && pid > 0);
    await t.client.intelligentTasks.stop(images, task_id);
    const d = await taskDone(t.client, images, task_id);
    assert.equal(d.status, 5);
    await eventually('the instance gone', async () => {
      try {
        process.kill(pid, 0);
        return undefined;
      } catch {
        return true;
      }
    });
    assert.equal(t.atelier.context.pools.publicPool.holdings().filter((h) => h.key.startsWith('intelligent-task-')).length, 0);
    assert.equal((await autoSamples()).length, 0);
  });

  test("the model's answers become unconfirmed labels with confidences; one is accepted through manual labeling", async () => {
    const { task_id } = await t.client.intelligentTasks.create(images, {
      task_type: 'pre-label',
      model_id: colour,
      config: { name: 'pre-colour', inf_config_list: [{ specification: 'modelarts.vm.cpu.free', envs: { MODE: 'x' } }], export_params: { export_dest: 'DIR' } },
    });
    const done = await taskDone(t.client, images, task_id);
    assert.ok(Value.Check(TaskDetail, done));
    assert.equal(done.status, 3, JSON.stringify(done));
    assert.equal(done.progress, 100);
    assert.equal(done.config.model_id, colour);
    assert.deepEqual(done.config.export_params, { export_dest: 'DIR' });
    assert.equal(done.config.inf_config_list?.[0]?.specification, 'modelarts.vm.cpu.free');
    assert.deepEqual([done.result.total_sample_count, done.result.unconfirmed_sample_count], [30, 30]);
    const samples = await autoSamples();
    assert.equal(samples.length, 30);
    let right = 0;
    for (const s of samples) {
      const label = s.labels?.[0];
      assert.ok(label && typeof label.score === 'number' && label.score > 0 && label.score <= 1, 'a prediction with its confidence');
      if (label.name === truth.get(s.sample_name!)) right++;
    }
    assert.ok(right >= 27, `${right} of 30 right`);
    const list = await t.client.intelligentTasks.list(images, { type: 'pre-label', task_name: 'pre-colour' });
    assert.deepEqual([list.total_count, list.tasks[0]?.type, list.tasks[0]?.status], [1, 1, 3]);

    const s = samples[0]!;
    await t.client.samples.updateLabels(images, { samples: [{ sample_id: s.sample_id!, labels: [{ name: s.labels![0]!.name!, type: 0 }] }] });
    assert.equal((await autoSamples()).length, 29);
  });

  test('object detection: the boxes a detector finds become unconfirmed labels; a classifier does not fit there', async () => {
    const failed = await taskDone(
      t.client,
      detection,
      (await t.client.intelligentTasks.create(detection, { task_type: 'pre-label', model_id: colour })).task_id,
    );
    assert.equal(failed.status, 2, JSON.stringify(failed));
    assert.match(failed.error_msg ?? '', /detection_boxes/);
    const { task_id } = await t.client.intelligentTasks.create(detection, { task_type: 'pre-label', model_id: boxes });
    const done = await taskDone(t.client, detection, task_id);
    assert.equal(done.status, 3, JSON.stringify(done));
    assert.equal(done.result.unconfirmed_sample_count, 6);
    const { samples } = await t.client.intelligentTasks.samples(detection, { limit: 10 });
    assert.equal(samples.length, 6);
    for (const s of samples) {
      const box = s.labels?.[0];
      assert.equal(s.labels?.length, 1, 'one shape per image');
      assert.equal(box?.name, classes[Number(/d-(\d)/.exec(s.sample_name!)![1]) % 3]);
      assert.equal(box?.property?.['@modelarts:shape'], 'bndbox');
      const [[x1, y1], [x2, y2]] = box?.property?.['@modelarts:feature'] as [[number, number], [number, number]];
      assert.ok(x1 >= 0 && y1 >= 0 && x2 <= 32 && y2 <= 32 && x2 - x1 >= 8 && y2 - y1 >= 8, JSON.stringify([x1, y1, x2, y2]));
      assert.ok(typeof box?.score === 'number' && box.score > 0.9);
    }
  });

  test('text classification: the model gets each text as JSON and its topics become unconfirmed labels', async () => {
    const rand = generator(3);
    const truth = new Map<string, string>();
    const lines: string[] = [];
    for (const topic of TOPIC_NAMES) lines.push(`${sentence(topic, rand, 0)}\t${topic}`);
    for (let i = 0; i < 24; i++) {
      const topic = TOPIC_NAMES[i % 3]!;
      const s = sentence(topic, rand, 100 + i);
      truth.set(s, topic);
      lines.push(s);
    }
    putFile(t, '/plab/txt/set.txt', lines.join('\n') + '\n');
    const texts = (await t.client.datasets.create(createBody('pl-texts', '/plab/txt/', '/plab/work-txt/', { dataset_type: 100 }))).dataset_id;
    await datasetReady(t.client, texts);
    const model = await importModel(t.client, await putPackage(t, 'plab-models', 'topics', topicModel()), 'topics', '1.0.0', 'Scikit_Learn');
    const done = await taskDone(
      t.client,
      texts,
      (await t.client.intelligentTasks.create(texts, { task_type: 'pre-label', config: { model_id: model } })).task_id,
    );
    assert.equal(done.status, 3, JSON.stringify(done));
    assert.equal(done.result.unconfirmed_sample_count, 24);
    const { samples } = await t.client.intelligentTasks.samples(texts, { limit: 100 });
    const right = samples.filter((s) => s.labels?.[0]?.name === truth.get(s.source!.replace(/^content:\/\//, ''))).length;
    assert.ok(right >= 20, `${right} of 24 right`);
  });

  test('a restart under a running pre-label: the task runs again to its end', async () => {
    const { task_id } = await t.client.intelligentTasks.create(images, { task_type: 'pre-label', model_id: slow, config: { name: 'pre-restart' } });
    await eventually(
      'predicting',
      async () => {
        const d = await t.client.intelligentTasks.describe(images, task_id);
        return d.progress > 5 ? d : undefined;
      },
      60_000,
    );
    await t.atelier.close();
    const next = await restartedApp(t);
    try {
      const done = await eventually(
        'pre-label done after the restart',
        async () => {
          const d = await next.client.intelligentTasks.describe(images, task_id);
          return d.status >= 2 && d.status !== 4 ? d : undefined;
        },
        90_000,
      );
      assert.equal(done.status, 3, JSON.stringify(done));
      assert.equal(done.result.unconfirmed_sample_count, 29);
    } finally {
      await next.atelier.close();
    }
  });
});
