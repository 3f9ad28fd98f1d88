import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Value } from 'typebox/value';
import { MetricsResponse, StatsResponse } from '#src/modules/samples/schemas.ts';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';
import { createDataset, PNG, putFile } from './fixtures.ts';

const MINUTE = 60_000;

describe('dataset statistics and metrics (#6, #7)', () => {
  let t: TestApp;
  // A clock the test holds and moves (within the 15 minutes a request signature allows): metrics
  // points fall into known minutes.
  let now = Math.floor(Date.now() / MINUTE) * MINUTE + 1000;
  before(async () => {
    t = await startTestApp({}, { clock: { now: () => now } });
    t.atelier.startBackground();
  });
  after(() => t.close());

  test('statistics in the shape of the spec, computed from the samples', async () => {
    const ds = await createDataset(t, { type: 1, labels: [{ name: 'Bees', property: { '@modelarts:color': '#3399ff' } }, { name: 'Wasps' }] });
    const box = (x: number) => ({
      '@modelarts:shape': 'bndbox',
      '@modelarts:feature': [
        [x, x],
        [x + 5, x + 5],
      ],
    });
    const files = ['1', '2', '3', '4', '5', '6'].map((n) => `/stats-bucket/${ds.id}/${n}.jpg`);
    for (const f of files) putFile(t, f, PNG);
    await t.client.samples.upload(ds.id, {
      samples: [
        {
          data_source: { data_path: files[0]! },
          labels: [
            { name: 'Bees', property: box(1) },
            { name: 'Bees', property: box(9) },
          ],
        },
        {
          data_source: { data_path: files[1]! },
          labels: [{ name: 'Bees', property: box(1) }],
          metadata: { '@modelarts:hard': 1, '@modelarts:hard_reasons': [1, 3] },
        },
        {
          data_source: { data_path: files[2]! },
          labels: [{ name: 'Wasps', property: box(1) }],
          metadata: { '@modelarts:hard': 1, '@modelarts:hard_reasons': [3], group: 'x' },
        },
        { data_source: { data_path: files[3]! } },
      ],
    });
    await t.client.samples.upload(ds.id, {
      final_annotation: false,
      samples: [{ data_source: { data_path: files[4]! }, labels: [{ name: 'Bees', score: 0.5, property: box(2) }] }, { data_source: { data_path: files[5]! } }],
    });

    const s = await t.client.samples.stats(ds.id);
    assert.ok(Value.Check(StatsResponse, s));
    assert.deepEqual(s.sample_stats, { un_annotation: 2, all: 6, total: 6, deleted: 0, manual_annotation: 3, auto_annotation: 1, lefted: 6 });
    assert.deepEqual(s.key_sample_stats, { total: 6, non_key_sample: 4, key_sample: 2 });
    const bees = s.label_stats.find((l) => l.name === 'Bees')!;
    assert.deepEqual(bees, { name: 'Bees', type: 1, property: { '@modelarts:color': '#3399ff' }, count: 4, sample_count: 3 });
    assert.deepEqual(
      s.grouped_label_stats['1']!.map((l) => l.name),
      ['Bees', 'Wasps'],
    );
    assert.deepEqual(Object.keys(s.hard_detail_stats).sort(), ['1', '3']);
    assert.equal(s.hard_detail_stats['3']!.key, 2);
    assert.equal(s.hard_detail_stats['3']!.value.id, 3);
    assert.deepEqual(s.metadata_stats, { '@modelarts:hard': { '1': 2 }, group: { x: 1 } });
    assert.equal(s.data_path, ds.input);
    assert.equal(s.data_spliting_enable, false, 'Wasps has one labeled sample');

    const manual = await t.client.samples.stats(ds.id, { sample_state: '__ALL__' });
    assert.deepEqual(manual.label_stats.find((l) => l.name === 'Bees')!.sample_count, 2);
    const auto = await t.client.samples.stats(ds.id, { sample_state: '__AUTO_ANNOTATION__' });
    assert.deepEqual(
      auto.label_stats.map((l) => [l.name, l.count, l.sample_count]),
      [
        ['Bees', 1, 1],
        ['Wasps', 0, 0],
      ],
    );
    const none = await t.client.samples.stats(ds.id, { sample_state: '__NONE__' });
    assert.ok(none.label_stats.every((l) => l.count === 0));

    const [wasp] = (await t.client.samples.list(ds.id, { label_name: 'Bees', sample_state: '__AUTO_ANNOTATION__' })).samples;
    await t.client.samples.updateLabels(ds.id, { samples: [{ sample_id: wasp!.sample_id, labels: [{ name: 'Wasps', property: box(3) }] }] });
    assert.equal((await t.client.samples.stats(ds.id)).data_spliting_enable, true, 'two labeled samples of each label');
  });

  test('metrics: a point per minute with changes, the latest value of the minute, answered from history', async () => {
    const ds = await createDataset(t, { type: 0 });
    const start = now;
    const add = async (name: string, labels: string[] = []) =>
      (await t.client.samples.upload(ds.id, { samples: [{ name, data: PNG.toString('base64'), labels: labels.map((n) => ({ name: n })) }] })).results![0]!
        .info!;
    await add('1.jpg');
    await add('2.jpg', ['cat']);
    now += 2 * MINUTE;
    const third = await add('3.jpg');
    await t.client.samples.updateLabels(ds.id, { samples: [{ sample_id: third, labels: [{ name: 'dog' }] }] });
    now += 10 * MINUTE;
    await t.client.samples.delete(ds.id, { samples: [third] });

    const m = await t.client.samples.metrics(ds.id, { start_time: start - MINUTE, end_time: now + MINUTE });
    assert.ok(Value.Check(MetricsResponse, m));
    const b0 = String(Math.floor(start / MINUTE) * MINUTE);
    const b1 = String(Math.floor((start + 2 * MINUTE) / MINUTE) * MINUTE);
    const b2 = String(Math.floor(now / MINUTE) * MINUTE);
    assert.deepEqual(m.metrics.total, { [b0]: 2, [b1]: 3, [b2]: 2 });
    assert.deepEqual(m.metrics.manual_annotation, { [b0]: 1, [b1]: 2, [b2]: 1 });
    assert.deepEqual(m.metrics.un_annotation, { [b0]: 1, [b1]: 1, [b2]: 1 });
    for (const k of ['queuing', 'success', 'unfinished', 'failed', 'failed_user', 'failed_system']) assert.deepEqual(m.metrics[k], {}, k);

    const window = await t.client.samples.metrics(ds.id, { start_time: start + MINUTE, end_time: start + 5 * MINUTE });
    assert.deepEqual(window.metrics.total, { [b1]: 3 }, 'only the points of the window');

    await assert.rejects(t.client.samples.metrics(ds.id, { start_time: now, end_time: start }), apiFailure(400, 'ModelArts.0104', 'start_time'));
    const res = await t.client.http.raw('GET', '/v2/{project_id}/datasets/{dataset_id}/metrics', {
      params: { dataset_id: ds.id },
      query: { start_time: start },
    });
    assert.equal(res.status, 400);
    assert.ok((res.json as { error_msg: string }).error_msg.includes('end_time'));
  });

  test('another project sees neither statistics nor metrics', async () => {
    const ds = await createDataset(t, { type: 0 });
    const other = await t.newTenant('stats-other');
    await assert.rejects(other.samples.stats(ds.id), apiFailure(404, 'ModelArts.6623'));
    await assert.rejects(other.samples.metrics(ds.id, { start_time: 0, end_time: now }), apiFailure(404, 'ModelArts.6623'));
    await assert.rejects(t.client.samples.stats('missing-dataset'), apiFailure(404, 'ModelArts.6623'));
  });
});
