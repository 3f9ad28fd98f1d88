// Auto grouping clusters the unlabeled images (or texts) from their features and writes each
// sample's group into a sample attribute.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { createBody, datasetReady, putFile } from '../datasets/fixtures.ts';
import { adjustedRand, COLOURS, generator, sentence, shapeImage, taskDone, TOPIC_NAMES } from './fixtures.ts';

describe('auto grouping (#65, #66)', () => {
  let t: TestApp;
  const truth = new Map<string, string>();
  let images: string;
  let texts: string;
  const textTruth = new Map<string, string>();

  before(async () => {
    t = await startTestApp();
    t.atelier.startBackground();
    const rand = generator(11);
    const classes = Object.keys(COLOURS);
    for (let i = 0; i < 90; i++) {
      const cls = classes[i % 3]!;
      truth.set(`g-${i}.png`, cls);
      putFile(t, `/group/img/g-${i}.png`, await shapeImage(cls, rand));
    }
    const lines: string[] = [];
    for (let i = 0; i < 90; i++) {
      const topic = TOPIC_NAMES[i % 3]!;
      const s = sentence(topic, rand, i);
      textTruth.set(s, topic);
      lines.push(s);
    }
    putFile(t, '/group/txt/set.txt', lines.join('\n') + '\n');
    images = (await t.client.datasets.create(createBody('group-images', '/group/img/', '/group/work-img/'))).dataset_id;
    texts = (await t.client.datasets.create(createBody('group-texts', '/group/txt/', '/group/work-txt/', { dataset_type: 100 }))).dataset_id;
    await datasetReady(t.client, images);
    await datasetReady(t.client, texts);
  });
  after(() => t.close());

  async function groupsOf(datasetId: string, property: string, key: (s: { sample_name?: string; source?: string }) => string, want: Map<string, string>) {
    const found: string[] = [];
    const expected: string[] = [];
    for (let page = 0; ; page++) {
      const r = await t.client.samples.list(datasetId, { limit: 100, offset: page });
      for (const s of r.samples) {
        const g = s.metadata?.[property];
        assert.equal(typeof g, 'string', `${key(s)} has its group in ${property}`);
        found.push(g as string);
        expected.push(want.get(key(s))!);
      }
      if (r.samples.length < 100) break;
    }
    assert.equal(found.length, want.size);
    return adjustedRand(found, expected);
  }

  test('images of well-separated groups: adjusted Rand index at least 0.8, groups written to the attribute', async () => {
    const { task_id } = await t.client.intelligentTasks.create(images, {
      task_type: 'auto-grouping',
      config: { n_clusters: 3, property: 'cluster', result_type: 1 },
    });
    const done = await taskDone(t.client, images, task_id);
    assert.equal(done.status, 3, JSON.stringify(done));
    assert.deepEqual([done.export_type, done.result.unconfirmed_sample_count], [1, 90]);
    const ari = await groupsOf(images, 'cluster', (s) => s.sample_name!, truth);
    console.log(`image auto-grouping adjusted Rand index: ${ari}`);
    assert.ok(ari >= 0.8, `ARI ${ari}`);
    const list = await t.client.intelligentTasks.list(images, { type: 'auto-grouping' });
    assert.deepEqual([list.total_count, list.tasks[0]!.type], [1, 2]);
    // The attribute can be searched by, as the guide says.
    const search = await t.client.samples.searchConditions(images);
    assert.ok(JSON.stringify(search).includes('cluster'));
  });

  test('texts: adjusted Rand index at least 0.8 (default attribute group)', async () => {
    const { task_id } = await t.client.intelligentTasks.create(texts, { task_type: 'auto-grouping', config: { n_clusters: 3 } });
    const done = await taskDone(t.client, texts, task_id);
    assert.equal(done.status, 3, JSON.stringify(done));
    const ari = await groupsOf(texts, 'group', (s) => s.source!.replace(/^content:\/\//, ''), textTruth);
    console.log(`text auto-grouping adjusted Rand index: ${ari}`);
    assert.ok(ari >= 0.8, `ARI ${ari}`);
  });
});
