import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { Value } from 'typebox/value';
import { BatchResult, ListLabelsResponse } from '#src/modules/samples/schemas.ts';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';
import { createDataset, objectFile, PNG, putFile } from './fixtures.ts';

describe('dataset labels (#19-#24)', () => {
  let t: TestApp;
  let ds: { id: string; input: string };
  before(async () => {
    t = await startTestApp();
    t.atelier.startBackground();
    ds = await createDataset(t, { type: 0, labels: [{ name: 'Rabbits', property: { '@modelarts:color': '#3399ff' } }] });
  });
  after(() => t.close());

  const labelNames = async (id = ds.id) => (await t.client.samples.listLabels(id)).labels.map((l) => l.name);

  /** Adds files by path, each with the labels given (image classification). */
  async function addSamples(id: string, items: [string, string[]][]): Promise<string[]> {
    for (const [name] of items) putFile(t, `/label-bucket/${id}/${name}`, PNG);
    const r = await t.client.samples.upload(id, {
      samples: items.map(([name, labels]) => ({ data_source: { data_path: `/label-bucket/${id}/${name}` }, labels: labels.map((n) => ({ name: n })) })),
    });
    return r.results!.map((x) => x.info!);
  }

  test('create labels as the spec example; list them in the spec shape', async () => {
    const r = await t.client.samples.createLabels(ds.id, {
      labels: [
        { name: 'Cat', property: { '@modelarts:color': '#3399ff' } },
        { name: 'Bees', type: 0 },
      ],
    });
    assert.ok(Value.Check(BatchResult, r));
    assert.deepEqual(r, { success: true });
    const list = await t.client.samples.listLabels(ds.id);
    assert.ok(Value.Check(ListLabelsResponse, list));
    assert.equal(list.total_number, 3);
    assert.deepEqual(list.labels[0], { name: 'Rabbits', type: 0, property: { '@modelarts:color': '#3399ff' } });
    assert.deepEqual(
      list.labels.map((l) => l.name),
      ['Rabbits', 'Cat', 'Bees'],
    );
  });

  test('list paging: offset counts pages of limit; bounds refused', async () => {
    assert.deepEqual(
      (await t.client.samples.listLabels(ds.id, { limit: 2, offset: 1 })).labels.map((l) => l.name),
      ['Bees'],
    );
    assert.equal((await t.client.samples.listLabels(ds.id, { limit: 2, offset: 1 })).total_number, 3);
    for (const query of [{ limit: 0 }, { limit: 100001 }, { offset: -1 }]) {
      const res = await t.client.http.raw('GET', '/v2/{project_id}/datasets/{dataset_id}/data-annotations/labels', { params: { dataset_id: ds.id }, query });
      assert.equal(res.status, 400, JSON.stringify(query));
    }
  });

  test('create: duplicates, bad names, wrong types and taken shortcuts are refused; nothing stored', async () => {
    const before = await labelNames();
    const cases: Array<[unknown, string, string]> = [
      [{ labels: [{ name: 'Cat' }] }, 'ModelArts.4411', 'Cat'],
      [{ labels: [{ name: 'Dog' }, { name: 'Dog' }] }, 'ModelArts.4411', 'Dog'],
      [{ labels: [{ name: 'Dog' }, { name: 'with space' }] }, 'ModelArts.0104', 'body.labels[1].name'],
      [{ labels: [{ name: 'x'.repeat(33) }] }, 'ModelArts.0104', 'body.labels[0].name'],
      [{ labels: [{ name: 'Dog', type: 1 }] }, 'ModelArts.4413', 'body.labels[0].type'],
      [{ labels: [{ name: 'Dog', type: 5 }] }, 'ModelArts.0104', 'body.labels.0.type'],
      [
        {
          labels: [
            { name: 'Dog', property: { '@modelarts:shortcut': 'D' } },
            { name: 'Duck', property: { '@modelarts:shortcut': 'd' } },
          ],
        },
        'ModelArts.4412',
        'D',
      ],
      [{ labels: [] }, 'ModelArts.0104', 'body.labels'],
      [{}, 'ModelArts.0104', 'body.labels'],
    ];
    for (const [body, code, msg] of cases) {
      const res = await t.client.http.raw('POST', '/v2/{project_id}/datasets/{dataset_id}/data-annotations/labels', { params: { dataset_id: ds.id }, body });
      assert.equal(res.status, 400, JSON.stringify(body));
      const err = res.json as { error_code: string; error_msg: string };
      assert.equal(err.error_code, code, err.error_msg);
      assert.ok(err.error_msg.includes(msg), `"${err.error_msg}" names ${msg}`);
    }
    assert.deepEqual(await labelNames(), before);
  });

  test('modify in batches: property merged, rename reaches every sample carrying the label', async () => {
    const [s1, s2] = await addSamples(ds.id, [
      ['r1.jpg', ['Cat']],
      ['r2.jpg', ['Cat', 'Bees']],
    ]);
    const r = await t.client.samples.modifyLabels(ds.id, {
      labels: [{ name: 'Cat', property: { '@modelarts:color': '#8a1524', '@modelarts:rename_to': 'pussycat' } }],
    });
    assert.deepEqual(r, { success: true });
    const l = (await t.client.samples.listLabels(ds.id)).labels.find((x) => x.name === 'pussycat')!;
    assert.deepEqual(l.property, { '@modelarts:color': '#8a1524' });
    assert.deepEqual(
      (await t.client.samples.describe(ds.id, s1!)).labels.map((x) => x.name),
      ['pussycat'],
    );
    assert.deepEqual(
      (await t.client.samples.describe(ds.id, s2!)).labels.map((x) => x.name),
      ['pussycat', 'Bees'],
    );
    assert.equal((await t.client.samples.list(ds.id, { label_name: 'pussycat' })).sample_count, 2);
    assert.equal((await t.client.samples.list(ds.id, { label_name: 'Cat' })).sample_count, 0);
    const stats = await t.client.samples.stats(ds.id);
    assert.equal(stats.label_stats.find((x) => x.name === 'pussycat')!.sample_count, 2);
  });

  test('modify: a missing label (4410), a taken new name (4411), a changed type (4410) are refused', async () => {
    await assert.rejects(t.client.samples.modifyLabels(ds.id, { labels: [{ name: 'Ghost', property: {} }] }), apiFailure(400, 'ModelArts.4410', 'Ghost'));
    await assert.rejects(
      t.client.samples.modifyLabels(ds.id, { labels: [{ name: 'Bees', property: { '@modelarts:rename_to': 'pussycat' } }] }),
      apiFailure(400, 'ModelArts.4411', 'pussycat'),
    );
    await assert.rejects(t.client.samples.modifyLabels(ds.id, { labels: [{ name: 'Bees', type: 1 }] }), apiFailure(400, 'ModelArts.4410'));
    await assert.rejects(
      t.client.samples.modifyLabels(ds.id, { labels: [{ name: 'Bees', property: { '@modelarts:rename_to': 'bad name' } }] }),
      apiFailure(400, 'ModelArts.0104', 'rename_to'),
    );
    assert.ok((await labelNames()).includes('Bees'));
  });

  test('update by name: 204, color and rename; unknown name 4410', async () => {
    const res = await t.client.http.raw('PUT', '/v2/{project_id}/datasets/{dataset_id}/data-annotations/labels/{label_name}', {
      params: { dataset_id: ds.id, label_name: 'Bees' },
      body: { '@modelarts:color': '#93c47d' },
    });
    assert.equal(res.status, 204);
    assert.equal(res.text, '');
    assert.deepEqual((await t.client.samples.listLabels(ds.id)).labels.find((x) => x.name === 'Bees')!.property, { '@modelarts:color': '#93c47d' });
    await t.client.samples.updateLabel(ds.id, 'Bees', { '@modelarts:rename_to': '蜜蜂' });
    assert.ok((await labelNames()).includes('蜜蜂'));
    await assert.rejects(t.client.samples.updateLabel(ds.id, 'Bees', { '@modelarts:color': '#000000' }), apiFailure(400, 'ModelArts.4410'));
    await assert.rejects(t.client.samples.updateLabel(ds.id, '蜜蜂', {}, { label_type: 1 }), apiFailure(400, 'ModelArts.4410'));
  });

  test('delete in batches, policy 0: the label leaves its samples, which stay (unlabeled when nothing is left)', async () => {
    const d = await createDataset(t, { type: 0 });
    const [only, both] = await addSamples(d.id, [
      ['o.jpg', ['strawberry']],
      ['b.jpg', ['strawberry', 'apple']],
    ]);
    const r = await t.client.samples.deleteLabels(d.id, { labels: [{ name: 'strawberry' }] });
    assert.deepEqual(r, { success: true });
    assert.deepEqual(await labelNames(d.id), ['apple']);
    const o = await t.client.samples.describe(d.id, only!);
    assert.deepEqual([o.labels, o.sample_status], [[], 'UN_ANNOTATION']);
    assert.deepEqual(
      (await t.client.samples.describe(d.id, both!)).labels.map((l) => l.name),
      ['apple'],
    );
    const stats = await t.client.samples.stats(d.id);
    assert.equal(stats.sample_stats.manual_annotation, 1);
    assert.equal(stats.sample_stats.un_annotation, 1);
    await assert.rejects(t.client.samples.deleteLabels(d.id, { labels: [{ name: 'strawberry' }] }), apiFailure(400, 'ModelArts.4410'));
  });

  test('delete in batches, policies 1 and 2: samples carrying only the label go, with their files for 2', async () => {
    const d = await createDataset(t, { type: 0 });
    const [only1, both, only2] = await addSamples(d.id, [
      ['p1.jpg', ['pear']],
      ['pb.jpg', ['pear', 'plum']],
      ['p2.jpg', ['plum']],
    ]);
    await t.client.samples.deleteLabels(d.id, { labels: [{ name: 'pear' }] }, { delete_policy: 1 });
    await assert.rejects(t.client.samples.describe(d.id, only1!), apiFailure(400, 'ModelArts.4420'));
    assert.ok(existsSync(objectFile(t, `/label-bucket/${d.id}/p1.jpg`)), 'policy 1 keeps the file');
    assert.deepEqual(
      (await t.client.samples.describe(d.id, both!)).labels.map((l) => l.name),
      ['plum'],
    );
    await t.client.samples.deleteLabels(d.id, { labels: [{ name: 'plum' }] }, { delete_policy: 2 });
    await assert.rejects(t.client.samples.describe(d.id, only2!), apiFailure(400, 'ModelArts.4420'));
    await assert.rejects(t.client.samples.describe(d.id, both!), apiFailure(400, 'ModelArts.4420'));
    assert.ok(!existsSync(objectFile(t, `/label-bucket/${d.id}/p2.jpg`)), 'policy 2 deletes the files');
    assert.equal((await t.client.samples.list(d.id)).sample_count, 0);
    assert.equal((await t.client.samples.stats(d.id)).sample_stats.deleted, 3);
    const res = await t.client.http.raw('POST', '/v2/{project_id}/datasets/{dataset_id}/data-annotations/labels/delete', {
      params: { dataset_id: d.id },
      query: { delete_policy: 3 },
      body: { labels: [{ name: 'x' }] },
    });
    assert.equal(res.status, 400);
  });

  test('delete by name (URL-encoded): the label and the samples with only it; delete_source removes files', async () => {
    const d = await createDataset(t, { type: 0 });
    const [a, b] = await addSamples(d.id, [
      ['s1.jpg', ['草莓']],
      ['s2.jpg', ['草莓', 'kiwi']],
    ]);
    const res = await t.client.http.raw('DELETE', '/v2/{project_id}/datasets/{dataset_id}/data-annotations/labels/{label_name}', {
      params: { dataset_id: d.id, label_name: '草莓' },
      query: { delete_source: true },
    });
    assert.equal(res.status, 204);
    await assert.rejects(t.client.samples.describe(d.id, a!), apiFailure(400, 'ModelArts.4420'));
    assert.ok(!existsSync(objectFile(t, `/label-bucket/${d.id}/s1.jpg`)));
    assert.deepEqual(
      (await t.client.samples.describe(d.id, b!)).labels.map((l) => l.name),
      ['kiwi'],
    );
    await assert.rejects(t.client.samples.deleteLabel(d.id, '草莓'), apiFailure(400, 'ModelArts.4410'));
  });

  test('text triplets: relations need their entity labels; an entity used by a relation cannot be deleted', async () => {
    const d = await createDataset(t, {
      type: 102,
      labels: [
        { name: 'Person', type: 103 },
        { name: 'Place', type: 103 },
      ],
    });
    await t.client.samples.createLabels(d.id, {
      labels: [{ name: 'lives_in', type: 102, property: { '@modelarts:from_type': 'Person', '@modelarts:to_type': 'Place' } }],
    });
    await assert.rejects(
      t.client.samples.createLabels(d.id, {
        labels: [{ name: 'born_in', type: 102, property: { '@modelarts:from_type': 'Ghost', '@modelarts:to_type': 'Place' } }],
      }),
      apiFailure(400, 'ModelArts.4414'),
    );
    await assert.rejects(t.client.samples.deleteLabels(d.id, { labels: [{ name: 'Place' }] }), apiFailure(400, 'ModelArts.4415', 'lives_in'));
    // Renaming an entity carries its relations along.
    await t.client.samples.updateLabel(d.id, 'Place', { '@modelarts:rename_to': 'City' });
    const rel = (await t.client.samples.listLabels(d.id)).labels.find((l) => l.name === 'lives_in')!;
    assert.equal(rel.property['@modelarts:to_type'], 'City');
    await t.client.samples.deleteLabels(d.id, { labels: [{ name: 'lives_in' }, { name: 'City' }] });
    assert.deepEqual(await labelNames(d.id), ['Person']);
  });

  test('another project: 404 for every label operation, nothing changed', async () => {
    const other = await t.newTenant('labels-other');
    await assert.rejects(other.samples.listLabels(ds.id), apiFailure(404, 'ModelArts.6623'));
    await assert.rejects(other.samples.createLabels(ds.id, { labels: [{ name: 'X' }] }), apiFailure(404, 'ModelArts.6623'));
    await assert.rejects(other.samples.modifyLabels(ds.id, { labels: [{ name: 'Rabbits' }] }), apiFailure(404, 'ModelArts.6623'));
    await assert.rejects(other.samples.deleteLabels(ds.id, { labels: [{ name: 'Rabbits' }] }), apiFailure(404, 'ModelArts.6623'));
    await assert.rejects(other.samples.updateLabel(ds.id, 'Rabbits', {}), apiFailure(404, 'ModelArts.6623'));
    await assert.rejects(other.samples.deleteLabel(ds.id, 'Rabbits'), apiFailure(404, 'ModelArts.6623'));
    assert.ok((await labelNames()).includes('Rabbits'));
  });
});
