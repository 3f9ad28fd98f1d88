// Auto labeling learns for real: images of coloured shapes (noise, random place and size) and
// sentences of distinct topics, 20 labeled per class, the other 200 predicted.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Value } from 'typebox/value';
import { startTestApp, apiFailure, type TestApp } from '../helpers/app.ts';
import { createBody, datasetReady, putFile } from '../datasets/fixtures.ts';
import { TaskDetail } from '#src/modules/intelligent-tasks/schemas.ts';
import { COLOURS, generator, sentence, shapeImage, taskDone, TOPIC_NAMES } from './fixtures.ts';

describe('auto labeling (#62-66)', () => {
  let t: TestApp;
  let images: string;
  let texts: string;
  const imageTruth = new Map<string, string>();
  const textTruth = new Map<string, string>();

  before(async () => {
    t = await startTestApp();
    t.atelier.startBackground();
    const rand = generator(7);
    const classes = Object.keys(COLOURS);
    for (const cls of classes) for (let i = 0; i < 20; i++) putFile(t, `/alab/img/${cls}/${cls}-${i}.png`, await shapeImage(cls, rand));
    for (let i = 0; i < 200; i++) {
      const cls = classes[i % 3]!;
      imageTruth.set(`u-${i}.png`, cls);
      putFile(t, `/alab/img/u-${i}.png`, await shapeImage(cls, rand));
    }
    const lines: string[] = [];
    for (const topic of TOPIC_NAMES) for (let i = 0; i < 20; i++) lines.push(`${sentence(topic, rand, i)}\t${topic}`);
    for (let i = 0; i < 200; i++) {
      const topic = TOPIC_NAMES[i % 3]!;
      const s = sentence(topic, rand, 1000 + i);
      textTruth.set(s, topic);
      lines.push(s);
    }
    putFile(t, '/alab/txt/set.txt', lines.join('\n') + '\n');
    images = (await t.client.datasets.create(createBody('al-images', '/alab/img/', '/alab/work-img/', { labels: classes.map((name) => ({ name })) })))
      .dataset_id;
    texts = (await t.client.datasets.create(createBody('al-texts', '/alab/txt/', '/alab/work-txt/', { dataset_type: 100 }))).dataset_id;
    await datasetReady(t.client, images);
    await datasetReady(t.client, texts);
  });
  after(() => t.close());

  /** Share of the unlabeled samples whose prediction is right (key: sample name, or the text). */
  async function accuracy(datasetId: string, truth: Map<string, string>, key: (s: { sample_name?: string; source?: string }) => string) {
    let right = 0;
    for (let page = 0; ; page++) {
      const r = await t.client.intelligentTasks.samples(datasetId, { limit: 100, offset: page });
      for (const s of r.samples) {
        const want = truth.get(key(s));
        assert.ok(want, `${key(s)} is one of the unlabeled samples`);
        const label = s.labels?.[0];
        assert.ok(label && typeof label.score === 'number' && label.score > 0 && label.score <= 1, 'a prediction with its confidence');
        if (label.name === want) right++;
      }
      if (r.samples.length < 100) break;
    }
    return right / truth.size;
  }

  test('fast on images: at least 90% of the unlabeled images right, with confidences; progress and result reported', async () => {
    const { task_id } = await t.client.intelligentTasks.create(images, { task_type: 'auto-label', config: { algorithm_type: 'fast', name: 'img-fast' } });
    const done = await taskDone(t.client, images, task_id);
    assert.ok(Value.Check(TaskDetail, done));
    assert.equal(done.status, 3, JSON.stringify(done));
    assert.equal(done.progress, 100);
    assert.deepEqual([done.result.annotated_sample_count, done.result.total_sample_count, done.result.unconfirmed_sample_count], [60, 260, 200]);
    const acc = await accuracy(images, imageTruth, (s) => s.sample_name!);
    console.log(`image auto-label (fast) accuracy: ${acc}`);
    assert.ok(acc >= 0.9, `accuracy ${acc}`);

    const one = (await t.client.intelligentTasks.samples(images, { limit: 1 })).samples[0]!;
    const detail = await t.client.intelligentTasks.sample(images, one.sample_id!);
    assert.equal(detail.sample_status, 'AUTO_ANNOTATION');
    assert.equal(detail.labels?.[0]?.name, one.labels?.[0]?.name);

    const list = await t.client.intelligentTasks.list(images, { task_name: 'img' });
    assert.equal(list.total_count, 1);
    assert.deepEqual([list.tasks[0]!.task_id, list.tasks[0]!.type, list.tasks[0]!.status], [task_id, 0, 3]);
    assert.equal((await t.client.intelligentTasks.list(images, { type: 'auto-grouping' })).total_count, 0);
  });

  test('the user accepts a prediction through manual labeling: it leaves the auto labeling list', async () => {
    const before = await t.client.intelligentTasks.samples(images, { limit: 1 });
    const s = before.samples[0]!;
    await t.client.samples.updateLabels(images, { samples: [{ sample_id: s.sample_id!, labels: [{ name: s.labels![0]!.name!, type: 0 }] }] });
    const afterList = await t.client.intelligentTasks.samples(images, { limit: 1 });
    assert.equal(afterList.sample_count, before.sample_count - 1);
  });

  test('fast and accurate on texts: at least 85% right', async () => {
    for (const algorithm_type of ['fast', 'accurate'] as const) {
      const { task_id } = await t.client.intelligentTasks.create(texts, { config: { algorithm_type } });
      const done = await taskDone(t.client, texts, task_id);
      assert.equal(done.status, 3, JSON.stringify(done));
      const acc = await accuracy(texts, textTruth, (s) => s.source!.replace(/^content:\/\//, ''));
      console.log(`text auto-label (${algorithm_type}) accuracy: ${acc}`);
      assert.ok(acc >= 0.85, `${algorithm_type} accuracy ${acc}`);
    }
  });

  test('hard examples: predictions within confidence_scope are flagged', async () => {
    const { task_id } = await t.client.intelligentTasks.create(images, { config: { confidence_scope: '0-1' } });
    const done = await taskDone(t.client, images, task_id);
    assert.equal(done.status, 3, JSON.stringify(done));
    assert.equal(done.result.hard_example_count, done.result.unconfirmed_sample_count);
    const s = (await t.client.intelligentTasks.samples(images, { limit: 1 })).samples[0]!;
    assert.equal(s.metadata?.['@modelarts:hard'], 1);
    assert.ok(s.hard_details?.['1'], 'low confidence is the reason');
  });

  test('another project sees neither the dataset nor its tasks; an unknown task is refused', async () => {
    const { tasks } = await t.client.intelligentTasks.list(images);
    const other = await t.newTenant('al-other');
    await assert.rejects(other.intelligentTasks.describe(images, tasks[0]!.task_id), apiFailure(404, 'ModelArts.6623'));
    await assert.rejects(other.intelligentTasks.list(images), apiFailure(404, 'ModelArts.6623'));
    await assert.rejects(other.intelligentTasks.stop(images, tasks[0]!.task_id), apiFailure(404, 'ModelArts.6623'));
    await assert.rejects(other.intelligentTasks.samples(images), apiFailure(404, 'ModelArts.6623'));
    await assert.rejects(other.intelligentTasks.create(images, {}), apiFailure(404, 'ModelArts.6623'));
    await assert.rejects(t.client.intelligentTasks.describe(images, 'nope'), apiFailure(400, 'ModelArts.4612'));
  });
});
