import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Value } from 'typebox/value';
import { DescribeSampleResp, ListSamplesResponse, ListSearchResponse } from '#src/modules/samples/schemas.ts';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';
import { createDataset, objectPathOf, PNG, putFile } from './fixtures.ts';

const DAY = 86_400_000;

describe('listing samples, details and search conditions (#12, #15, #16)', () => {
  let t: TestApp;
  let ds: { id: string; input: string };
  const ids: Record<string, string> = {};

  before(async () => {
    t = await startTestApp();
    t.atelier.startBackground();
    ds = await createDataset(t, { type: 1 });
    const bndbox = {
      '@modelarts:shape': 'bndbox',
      '@modelarts:feature': [
        [0, 10],
        [50, 95],
      ],
    };
    const files: [string, object][] = [
      ['a.jpg', { labels: [{ name: 'car', property: bndbox }], metadata: { '@modelarts:size': [100, 200, 3], group: 'g1' } }],
      [
        'b.jpg',
        {
          labels: [
            { name: 'car', property: bndbox },
            { name: 'bus', property: { '@modelarts:shape': 'point', '@modelarts:feature': [[5, 5]] } },
          ],
          metadata: { group: 'g2' },
        },
      ],
      [
        'c.jpg',
        {
          labels: [{ name: 'bus', property: { '@modelarts:shape': 'circle', '@modelarts:feature': [[100, 100], [50]] } }],
          metadata: { '@modelarts:hard': 1, '@modelarts:hard_reasons': [1, 3], '@modelarts:hard_coefficient': 0.8 },
        },
      ],
      ['d.jpg', {}],
      ['sub/e.jpg', { metadata: { group: 'g1' } }],
    ];
    for (const [name] of files) putFile(t, `/list-bucket/src/${name}`, PNG);
    for (const [name, extra] of files) {
      const r = await t.client.samples.upload(ds.id, { samples: [{ data_source: { data_path: `/list-bucket/src/${name}` }, ...extra }] });
      ids[name] = r.results![0]!.info!;
      await new Promise((res) => setTimeout(res, 5)); // distinct sample times, in this order
    }
    putFile(t, '/list-bucket/src/auto.jpg', PNG);
    const auto = await t.client.samples.upload(ds.id, {
      final_annotation: false,
      samples: [{ data_source: { data_path: '/list-bucket/src/auto.jpg' }, labels: [{ name: 'car', score: 0.4, property: bndbox }] }],
    });
    ids['auto.jpg'] = auto.results![0]!.info!;
  });
  after(() => t.close());

  const names = async (query: Parameters<TestApp['client']['samples']['list']>[1]) =>
    (await t.client.samples.list(ds.id, query)).samples.map((s) => s.sample_name);

  test('the list has the shape of the spec, newest first by default', async () => {
    const list = await t.client.samples.list(ds.id);
    assert.ok(Value.Check(ListSamplesResponse, list));
    assert.equal(list.sample_count, 6);
    assert.deepEqual(
      list.samples.map((s) => s.sample_name),
      ['auto.jpg', 'e.jpg', 'd.jpg', 'c.jpg', 'b.jpg', 'a.jpg'],
    );
    const a = list.samples.find((s) => s.sample_name === 'a.jpg')!;
    // The fields of the spec example.
    for (const k of ['sample_id', 'sample_type', 'labels', 'source', 'metadata', 'sample_time', 'sample_status']) assert.ok(k in a, k);
    assert.equal(a.sample_status, 'MANUAL_ANNOTATION');
    assert.deepEqual(a.labels, [
      {
        name: 'car',
        type: 1,
        property: {
          '@modelarts:shape': 'bndbox',
          '@modelarts:feature': [
            [0, 10],
            [50, 95],
          ],
        },
      },
    ]);
    assert.deepEqual(await names({ order: 'asc' }), ['a.jpg', 'b.jpg', 'c.jpg', 'd.jpg', 'e.jpg', 'auto.jpg']);
  });

  test('paging: offset counts pages of limit; limits outside 1..100 and negative pages are refused', async () => {
    assert.deepEqual(await names({ order: 'asc', limit: 2, offset: 0 }), ['a.jpg', 'b.jpg']);
    assert.deepEqual(await names({ order: 'asc', limit: 2, offset: 1 }), ['c.jpg', 'd.jpg']);
    assert.deepEqual(await names({ order: 'asc', limit: 2, offset: 9 }), []);
    assert.equal((await t.client.samples.list(ds.id, { limit: 2, offset: 9 })).sample_count, 6);
    assert.equal((await t.client.samples.list(ds.id)).samples.length, 6, 'default limit 10');
    for (const query of [
      { limit: 0 },
      { limit: 101 },
      { offset: -1 },
      { order: 'up' },
      { limit: 'x' },
      { sample_state: '__SOME__' },
      { label_type: 7 },
      { sample_type: 3 },
    ]) {
      const res = await t.client.http.raw('GET', '/v2/{project_id}/datasets/{dataset_id}/data-annotations/samples', { params: { dataset_id: ds.id }, query });
      assert.equal(res.status, 400, JSON.stringify(query));
      assert.equal((res.json as { error_code: string }).error_code, 'ModelArts.0104');
    }
  });

  test('filters: state, label name and type, sample type, confidence', async () => {
    assert.deepEqual(await names({ sample_state: '__ALL__', order: 'asc' }), ['a.jpg', 'b.jpg', 'c.jpg']);
    assert.deepEqual(await names({ sample_state: '__NONE__', order: 'asc' }), ['d.jpg', 'e.jpg']);
    assert.deepEqual(await names({ sample_state: '__AUTO_ANNOTATION__' }), ['auto.jpg']);
    assert.deepEqual(await names({ sample_state: '__ACCEPTED__' }), [], 'no team labeling here: no sample was accepted');
    assert.deepEqual(await names({ label_name: 'car', order: 'asc' }), ['a.jpg', 'b.jpg', 'auto.jpg']);
    assert.equal((await t.client.samples.list(ds.id, { label_name: 'car' })).sample_count, 3);
    assert.equal((await t.client.samples.list(ds.id, { label_name: 'car', sample_state: '__ALL__' })).sample_count, 2);
    assert.deepEqual(await names({ label_name: 'bus', order: 'asc', limit: 1, offset: 1 }), ['c.jpg']);
    assert.deepEqual(await names({ label_name: 'nope' }), []);
    assert.deepEqual(await names({ label_type: 1, sample_state: '__ALL__', order: 'asc' }), ['a.jpg', 'b.jpg', 'c.jpg']);
    assert.deepEqual(await names({ label_type: 0 }), []);
    assert.equal((await t.client.samples.list(ds.id, { sample_type: 0 })).sample_count, 6);
    assert.equal((await t.client.samples.list(ds.id, { sample_type: 1 })).sample_count, 0);
    assert.deepEqual(await names({ low_score: '0.3', high_score: '0.5' }), ['auto.jpg']);
    assert.deepEqual(await names({ low_score: '0.5' }), []);
    await assert.rejects(t.client.samples.list(ds.id, { low_score: 'high' }), apiFailure(400, 'ModelArts.0104', 'query.low_score'));
  });

  test('search conditions (URL-encoded JSON, ANDed): labels with properties, names, folders, times, hardness, metadata', async () => {
    const search = async (conds: unknown) =>
      (await t.client.samples.list(ds.id, { order: 'asc', search_conditions: JSON.stringify(conds) })).samples.map((s) => s.sample_name);
    assert.deepEqual(await search([{ label_list: { labels: [{ name: 'car' }, { name: 'bus' }], op: 'AND' } }]), ['b.jpg']);
    assert.deepEqual(await search([{ label_list: { labels: [{ name: 'car' }, { name: 'bus' }], op: 'OR' } }]), ['a.jpg', 'b.jpg', 'c.jpg', 'auto.jpg']);
    assert.deepEqual(await search([{ label_list: { labels: [{ name: 'bus', property: { '@modelarts:shape': ['circle'] } }] } }]), ['c.jpg']);
    assert.deepEqual(await search([{ label_list: { labels: [{ name: 'bus', property: { '@modelarts:shape': null } }] } }]), ['b.jpg', 'c.jpg']);
    assert.deepEqual(await search([{ sample_name: 'e.jpg' }]), ['e.jpg']);
    assert.deepEqual(await search([{ sample_dir: '/list-bucket/src/sub/' }]), ['e.jpg']);
    assert.deepEqual(await search([{ hard: '1' }]), ['c.jpg']);
    assert.deepEqual(await search([{ coefficient: '0.5-0.9' }]), ['c.jpg']);
    assert.deepEqual(await search([{ labeler: 'human/admin', label_list: { labels: [{ name: 'car' }] } }]), ['a.jpg', 'b.jpg', 'auto.jpg']);
    assert.deepEqual(await search([{ metadata: { props: { group: ['g1'] } } }]), ['a.jpg', 'e.jpg']);
    assert.deepEqual(await search([{ metadata: { props: { group: ['g1', 'g2'] } } }, { sample_time: 'day' }]), ['a.jpg', 'b.jpg', 'e.jpg']);
    assert.deepEqual(await search([{ metadata: { props: { '@modelarts:hard_reasons': ['3'] } } }]), ['c.jpg']);
    assert.deepEqual(await search({ sample_name: 'a.jpg' }), ['a.jpg'], 'a single condition object is taken too');
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10).replaceAll('-', '');
    assert.deepEqual(await search([{ sample_time: `${day(Date.now() - 10 * DAY)}-${day(Date.now() - 2 * DAY)}` }]), []);
    const bad: Array<[unknown, string]> = [
      ['[{', 'query.search_conditions'],
      [[{ hard: '2' }], 'query.search_conditions[0].hard'],
      [[{ sample_time: '20240101-20240301' }], 'sample_time'],
      [[{ sample_time: 'week' }], 'sample_time'],
      [[{ sample_dir: '/list-bucket/src' }], 'sample_dir'],
      [[{ score: '2-3' }], 'score'],
      [[{ kvp: '1' }], 'kvp'],
      [[{ metadata: { props: { 'a"b': ['x'] } } }], 'metadata.props'],
    ];
    for (const [conds, field] of bad) {
      await assert.rejects(
        t.client.samples.list(ds.id, { search_conditions: typeof conds === 'string' ? conds : JSON.stringify(conds) }),
        apiFailure(400, 'ModelArts.0104', field),
      );
    }
  });

  test('details: labels, metadata, hard example details; a sample of another dataset is not found', async () => {
    const c = await t.client.samples.describe(ds.id, ids['c.jpg']!);
    assert.ok(Value.Check(DescribeSampleResp, c));
    assert.equal(c.sample_id, ids['c.jpg']);
    assert.equal(objectPathOf(c.source), '/list-bucket/src/c.jpg');
    assert.equal(c.sample_dir, '/list-bucket/src/');
    assert.deepEqual(c.metadata, { '@modelarts:hard': 1, '@modelarts:hard_reasons': [1, 3], '@modelarts:hard_coefficient': 0.8 });
    assert.deepEqual(Object.keys(c.hard_details!).sort(), ['1', '3']);
    assert.equal(c.hard_details!['1']!.id, 1);
    assert.ok(c.hard_details!['1']!.reason.length > 0);
    const other = await createDataset(t, { type: 1 });
    await assert.rejects(t.client.samples.describe(other.id, ids['c.jpg']!), apiFailure(400, 'ModelArts.4420'));
    await assert.rejects(t.client.samples.describe(ds.id, 'nope'), apiFailure(400, 'ModelArts.4420'));
    const tenant = await t.newTenant('list-other');
    await assert.rejects(tenant.samples.describe(ds.id, ids['c.jpg']!), apiFailure(404, 'ModelArts.6623'));
    await assert.rejects(tenant.samples.list(ds.id), apiFailure(404, 'ModelArts.6623'));
    await assert.rejects(tenant.samples.searchConditions(ds.id), apiFailure(404, 'ModelArts.6623'));
  });

  test('search conditions come from the data: labels in use, labelers, metadata values', async () => {
    await t.client.samples.createLabels(ds.id, { labels: [{ name: 'unused', type: 1 }] });
    const sc = await t.client.samples.searchConditions(ds.id);
    assert.ok(Value.Check(ListSearchResponse, sc));
    assert.deepEqual(sc.labels.map((l) => l.name).sort(), ['bus', 'car']);
    assert.deepEqual(sc.labelers, ['human/admin']);
    assert.deepEqual(sc.metadata.group, ['g1', 'g2']);
    assert.deepEqual(sc.metadata['@modelarts:hard_reasons'], ['1', '3']);
    assert.equal(sc.metadata['@modelarts:size'], undefined, 'per-image sizes are no search criterion');
  });
});
