import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Value } from 'typebox/value';
import { BatchResult } from '#src/modules/samples/schemas.ts';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';
import { createDataset, itemError, PNG } from './fixtures.ts';

describe('manual labeling in batches (#25)', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
    t.atelier.startBackground();
  });
  after(() => t.close());

  const sampleIds = async (id: string) => (await t.client.samples.list(id, { order: 'asc' })).samples.map((s) => s.sample_id);
  const update = (id: string, samples: unknown[]) =>
    t.client.http.raw('PUT', '/v2/{project_id}/datasets/{dataset_id}/data-annotations/samples', { params: { dataset_id: id }, body: { samples } });

  test('labels are overwritten per sample, new labels created, an empty list unlabels; state follows', async () => {
    const ds = await createDataset(t, { type: 0, files: { '1.jpg': PNG, '2.jpg': PNG, '3.jpg': PNG } });
    const [a, b, c] = await sampleIds(ds.id);
    const r = await t.client.samples.updateLabels(ds.id, {
      samples: [
        { sample_id: a!, labels: [{ name: 'apple' }] },
        { sample_id: b!, labels: [{ name: 'apple' }, { name: 'pear' }], sample_usage: 'TRAIN', metadata: { shelf: 'top' } },
      ],
    });
    assert.ok(Value.Check(BatchResult, r));
    assert.deepEqual(r, { success: true });
    const sb = await t.client.samples.describe(ds.id, b!);
    assert.deepEqual([sb.sample_status, sb.labels.map((l) => l.name), sb.metadata], ['MANUAL_ANNOTATION', ['apple', 'pear'], { shelf: 'top' }]);
    assert.deepEqual(
      (await t.client.samples.listLabels(ds.id)).labels.map((l) => l.name),
      ['apple', 'pear'],
    );

    await t.client.samples.updateLabels(ds.id, { samples: [{ sample_id: b!, labels: [{ name: 'pear' }] }, { sample_id: a!, labels: [] }, { sample_id: c! }] });
    const [sa, sb2, sc] = await Promise.all([a, b, c].map((id) => t.client.samples.describe(ds.id, id!)));
    assert.deepEqual([sa!.sample_status, sa!.labels], ['UN_ANNOTATION', []]);
    assert.deepEqual(
      sb2!.labels.map((l) => l.name),
      ['pear'],
    );
    assert.deepEqual(sb2!.metadata, { shelf: 'top' }, 'metadata kept when not given');
    assert.equal(sc!.sample_status, 'UN_ANNOTATION');
    const stats = await t.client.samples.stats(ds.id);
    assert.deepEqual(
      stats.label_stats.map((l) => [l.name, l.count, l.sample_count]),
      [
        ['apple', 0, 0],
        ['pear', 1, 1],
      ],
    );
    assert.equal(stats.sample_stats.manual_annotation, 1);
  });

  test('concurrent batches naming the same new label create it once, and counters stay exact', async () => {
    const files = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`c${i}.jpg`, PNG]));
    const ds = await createDataset(t, { type: 0, files });
    const ids = await sampleIds(ds.id);
    await Promise.all(ids.map((id) => t.client.samples.updateLabels(ds.id, { samples: [{ sample_id: id, labels: [{ name: 'fresh' }] }] })));
    assert.deepEqual(
      (await t.client.samples.listLabels(ds.id)).labels.map((l) => l.name),
      ['fresh'],
    );
    const stats = await t.client.samples.stats(ds.id);
    assert.deepEqual([stats.label_stats[0]!.sample_count, stats.sample_stats.manual_annotation], [8, 8]);
  });

  test('confirming labels awaiting confirmation makes them manual', async () => {
    const ds = await createDataset(t, { type: 0 });
    const up = await t.client.samples.upload(ds.id, {
      final_annotation: false,
      samples: [{ name: 'q.jpg', data: PNG.toString('base64'), labels: [{ name: 'cat', score: 0.6 }] }],
    });
    const id = up.results![0]!.info!;
    assert.deepEqual(await t.client.samples.stats(ds.id).then((s) => [s.sample_stats.auto_annotation, s.sample_stats.manual_annotation]), [1, 0]);
    await t.client.samples.updateLabels(ds.id, { samples: [{ sample_id: id, labels: [{ name: 'cat' }] }] });
    assert.equal((await t.client.samples.describe(ds.id, id)).sample_status, 'MANUAL_ANNOTATION');
    assert.deepEqual(await t.client.samples.stats(ds.id).then((s) => [s.sample_stats.auto_annotation, s.sample_stats.manual_annotation]), [0, 1]);
  });

  test('object detection: shapes and their points are checked', async () => {
    const ds = await createDataset(t, { type: 1, files: { 'x.jpg': PNG } });
    const [id] = await sampleIds(ds.id);
    const ok = [
      {
        '@modelarts:shape': 'bndbox',
        '@modelarts:feature': [
          [0, 10],
          [50, 95],
        ],
      },
      {
        '@modelarts:shape': 'polygon',
        '@modelarts:feature': [
          [0, 100],
          [50, 95],
          [10, 60],
          [500, 400],
        ],
      },
      { '@modelarts:shape': 'circle', '@modelarts:feature': [[100, 100], [50]] },
      {
        '@modelarts:shape': 'line',
        '@modelarts:feature': [
          [0, 100],
          [50, 95],
        ],
      },
      {
        '@modelarts:shape': 'dashed',
        '@modelarts:feature': [
          [0, 100],
          [50, 95],
        ],
      },
      { '@modelarts:shape': 'point', '@modelarts:feature': [[0, 100]] },
      {
        '@modelarts:shape': 'polyline',
        '@modelarts:feature': [
          [0, 100],
          [50, 95],
          [10, 60],
        ],
      },
    ];
    await t.client.samples.updateLabels(ds.id, { samples: [{ sample_id: id!, labels: ok.map((property) => ({ name: 'car', property })) }] });
    const s = await t.client.samples.describe(ds.id, id!);
    assert.deepEqual(
      s.labels.map((l) => l.property),
      ok,
    );
    const stats = await t.client.samples.stats(ds.id);
    assert.deepEqual(
      stats.label_stats.map((l) => [l.name, l.count, l.sample_count]),
      [['car', 7, 1]],
    );

    const bad: Array<[object, string]> = [
      [
        {
          '@modelarts:shape': 'bndbox',
          '@modelarts:feature': [
            [50, 95],
            [0, 10],
          ],
        },
        'feature',
      ],
      [{ '@modelarts:shape': 'bndbox', '@modelarts:feature': [[0, 10]] }, 'feature'],
      [
        {
          '@modelarts:shape': 'polygon',
          '@modelarts:feature': [
            [0, 1],
            [2, 3],
          ],
        },
        'feature',
      ],
      [{ '@modelarts:shape': 'circle', '@modelarts:feature': [[100, 100], [-5]] }, 'feature'],
      [{ '@modelarts:shape': 'point', '@modelarts:feature': [[-1, 5]] }, 'feature'],
      [
        {
          '@modelarts:feature': [
            [0, 10],
            [50, 95],
          ],
        },
        'shape',
      ],
    ];
    for (const [property, field] of bad) {
      const res = await update(ds.id, [{ sample_id: id, labels: [{ name: 'car', property }] }]);
      const err = itemError(res);
      assert.ok(['ModelArts.4413', 'ModelArts.0104'].includes(err.error_code), err.error_code);
      assert.ok(err.error_msg.includes(`body.samples[0].labels[0].property.@modelarts:${field}`) || err.error_msg.includes(field), err.error_msg);
    }
    assert.deepEqual((await t.client.samples.describe(ds.id, id!)).labels.length, 7, 'unchanged');
  });

  test('named entities need offsets; triplet relations need entities of the same sample', async () => {
    const ner = await createDataset(t, { type: 101, files: { 't.txt': 'Hope is the thing with feathers' } });
    const [nid] = await sampleIds(ner.id);
    await t.client.samples.updateLabels(ner.id, {
      samples: [{ sample_id: nid!, labels: [{ name: 'Thing', property: { '@modelarts:start_index': 0, '@modelarts:end_index': 4 } }] }],
    });
    for (const property of [{ '@modelarts:start_index': 4, '@modelarts:end_index': 4 }, {}]) {
      const res = await update(ner.id, [{ sample_id: nid, labels: [{ name: 'Thing', property }] }]);
      assert.equal(itemError(res).error_code.startsWith('ModelArts.'), true, JSON.stringify(property));
    }
    // A negative offset is outside the schema's range: the request as a whole is refused.
    const negative = await update(ner.id, [
      { sample_id: nid, labels: [{ name: 'Thing', property: { '@modelarts:start_index': -1, '@modelarts:end_index': 4 } }] },
    ]);
    assert.equal(negative.status, 400);
    assert.match((negative.json as { error_msg: string }).error_msg, /start_index/);

    const tri = await createDataset(t, {
      type: 102,
      files: { 't.txt': 'Ann lives in Paris' },
      labels: [
        { name: 'Person', type: 103 },
        { name: 'Place', type: 103 },
      ],
    });
    await t.client.samples.createLabels(tri.id, {
      labels: [{ name: 'lives_in', type: 102, property: { '@modelarts:from_type': 'Person', '@modelarts:to_type': 'Place' } }],
    });
    const [tid] = await sampleIds(tri.id);
    const ann = { id: 'e1', name: 'Person', type: 103 as const, property: { '@modelarts:start_index': 0, '@modelarts:end_index': 3 } };
    const paris = { id: 'e2', name: 'Place', type: 103 as const, property: { '@modelarts:start_index': 13, '@modelarts:end_index': 18 } };
    const rel = (from: string, to: string) => ({ name: 'lives_in', type: 102 as const, property: { '@modelarts:from': from, '@modelarts:to': to } });
    await t.client.samples.updateLabels(tri.id, { samples: [{ sample_id: tid!, labels: [ann, paris, rel('e1', 'e2')] }] });
    const s = await t.client.samples.describe(tri.id, tid!);
    assert.deepEqual(
      s.labels.map((l) => [l.id ?? null, l.name, l.type]),
      [
        ['e1', 'Person', 103],
        ['e2', 'Place', 103],
        [null, 'lives_in', 102],
      ],
    );
    let res = await update(tri.id, [{ sample_id: tid, labels: [ann, rel('e1', 'e9')] }]);
    assert.equal(itemError(res).error_code, 'ModelArts.4414');
    res = await update(tri.id, [{ sample_id: tid, labels: [ann, paris, rel('e2', 'e1')] }]);
    assert.equal(itemError(res).error_code, 'ModelArts.4413', 'from must be a Person');
    res = await update(tri.id, [{ sample_id: tid, labels: [{ name: 'new_relation' }] }]);
    assert.equal(itemError(res).error_code, 'ModelArts.4413', 'a new label needs its type in a triplet dataset');
  });

  test('speech paragraphs need ordered hh:mm:ss.SSS times', async () => {
    const ds = await createDataset(t, { type: 202, files: { 'a.wav': Buffer.alloc(64) } });
    const [id] = await sampleIds(ds.id);
    const p = (start: string, end: string) => ({
      '@modelarts:start_time': start,
      '@modelarts:end_time': end,
      '@modelarts:source': 'narrator',
      '@modelarts:content': 'hello',
    });
    await t.client.samples.updateLabels(ds.id, { samples: [{ sample_id: id!, labels: [{ name: 'talk', property: p('00:00:01.000', '00:00:02.500') }] }] });
    for (const [a, b] of [
      ['00:00:02.000', '00:00:01.000'],
      ['1s', '2s'],
      ['00:61:00.000', '01:00:00.000'],
    ]) {
      const res = await update(ds.id, [{ sample_id: id, labels: [{ name: 'talk', property: p(a!, b!) }] }]);
      assert.match(itemError(res).error_msg, /time/, `${a}-${b}`);
    }
  });

  test('bad items fail alone, each with its code and message in results[]; the good ones change', async () => {
    const ds = await createDataset(t, { type: 0, files: { '1.jpg': PNG, '2.jpg': PNG } });
    const other = await createDataset(t, { type: 0, files: { 'o.jpg': PNG } });
    const [a, b] = await sampleIds(ds.id);
    const [foreign] = await sampleIds(other.id);
    const cases: Array<[unknown[], number, string, string]> = [
      [
        [
          { sample_id: b, labels: [{ name: 'never', type: 1 }] },
          { sample_id: foreign, labels: [{ name: 'x' }] },
        ],
        1,
        'ModelArts.4420',
        'body.samples[1]',
      ],
      [[{ sample_id: b }, { labels: [{ name: 'x' }] }], 1, 'ModelArts.0104', 'body.samples[1].sample_id'],
      [[{ sample_id: b }, { sample_id: b }], 1, 'ModelArts.0104', 'twice'],
      [[{ sample_id: b, labels: [{ name: 'never', type: 1 }] }], 0, 'ModelArts.4413', 'body.samples[0].labels[0].type'],
      [[{ sample_id: 'f'.repeat(32), labels: [{ name: 'ghost' }] }], 0, 'ModelArts.4420', 'body.samples[0]'],
      [[{ sample_id: b, labels: [{ name: 'not valid!' }] }], 0, 'ModelArts.0104', 'body.samples[0].labels[0].name'],
    ];
    for (const [samples, i, code, msg] of cases) {
      const res = await update(ds.id, samples);
      const err = itemError(res, i);
      assert.ok(Value.Check(BatchResult, res.json));
      assert.equal((res.json as BatchResult).results!.length, samples.length, 'one result per item');
      assert.equal(err.error_code, code, err.error_msg);
      assert.ok(err.error_msg.includes(msg), `"${err.error_msg}" names ${msg}`);
    }
    assert.deepEqual((await t.client.samples.listLabels(ds.id)).labels, [], 'no label created for an item that failed');

    // One good item beside a bad one: the good one changes.
    const res = await update(ds.id, [
      { sample_id: a, labels: [{ name: 'kept' }] },
      { sample_id: foreign, labels: [{ name: 'x' }] },
    ]);
    assert.deepEqual(
      (res.json as BatchResult).results!.map((r) => r.success),
      [true, false],
    );
    assert.deepEqual(
      (await t.client.samples.describe(ds.id, a!)).labels.map((l) => l.name),
      ['kept'],
    );
    assert.deepEqual((await t.client.samples.describe(other.id, foreign!)).labels, [], 'the other dataset is untouched');
    assert.deepEqual(
      (await t.client.samples.listLabels(ds.id)).labels.map((l) => l.name),
      ['kept'],
    );

    // Malformed as a whole: still a 400, nothing changed.
    for (const [samples, msg] of [
      [[{ sample_id: b, sample_usage: 'PLAY' }], 'sample_usage'],
      [[], 'body.samples'],
    ] as const) {
      const r = await update(ds.id, [...samples]);
      const err = r.json as { error_code: string; error_msg: string };
      assert.equal(r.status, 400, r.text);
      assert.equal(err.error_code, 'ModelArts.0104');
      assert.ok(err.error_msg.includes(msg), err.error_msg);
    }
    assert.deepEqual((await t.client.samples.describe(ds.id, b!)).labels, []);
    const tenant = await t.newTenant('labeling-other');
    await assert.rejects(tenant.samples.updateLabels(ds.id, { samples: [{ sample_id: a!, labels: [] }] }), apiFailure(404, 'ModelArts.6623'));
  });
});
