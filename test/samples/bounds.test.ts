// Bounds of the data-management request schemas: paging past any sane page, arrays past their
// documented maxItems and numbers out of range are 400s naming the field; everything the schemas
// admit works on SQLite and PostgreSQL alike (long label lists are inserted in chunks).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_PAGE_OFFSET } from '#src/core/start-page.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { b64, createDataset, PNG } from './fixtures.ts';

const names = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('bounds of the data-management requests', () => {
  let t: TestApp;
  let ds: { id: string; input: string };
  before(async () => {
    t = await startTestApp();
    t.atelier.startBackground();
    ds = await createDataset(t, { type: 1, files: { 'a.jpg': PNG } });
  });
  after(() => t.close());

  const refused = async (
    method: string,
    path: string,
    opts: { query?: Record<string, string>; body?: unknown; params?: Record<string, string> },
    field: string,
  ) => {
    const res = await t.client.http.raw(method, path, {
      params: { dataset_id: ds.id, ...opts.params },
      ...(opts.query ? { query: opts.query } : {}),
      ...(opts.body !== undefined ? { body: opts.body } : {}),
    });
    assert.equal(res.status, 400, `${method} ${path} ${JSON.stringify(opts.query ?? '')}: ${res.text.slice(0, 300)}`);
    const err = res.json as { error_code: string; error_msg: string };
    assert.equal(err.error_code, 'ModelArts.0104');
    assert.ok(err.error_msg.includes(field), `"${err.error_msg}" names ${field}`);
  };

  test('offset and limit out of range on every list are 400s, never 500s', async () => {
    const lists = [
      '/v2/{project_id}/datasets',
      '/v2/{project_id}/datasets/{dataset_id}/versions',
      '/v2/{project_id}/datasets/{dataset_id}/data-annotations/samples',
      '/v2/{project_id}/datasets/{dataset_id}/data-annotations/labels',
      '/v2/{project_id}/datasets/{dataset_id}/import-tasks',
    ];
    for (const path of lists) {
      for (const offset of ['9007199254740993', '1e20', String(MAX_PAGE_OFFSET + 1), '-1', '1.5', 'x'])
        await refused('GET', path, { query: { offset } }, 'query.offset');
      for (const limit of ['0', '100001', '1e20']) await refused('GET', path, { query: { limit } }, 'query.limit');
      const last = await t.client.http.raw('GET', path, { params: { dataset_id: ds.id }, query: { offset: String(MAX_PAGE_OFFSET), limit: '1' } });
      assert.equal(last.status, 200, `${path}: the largest offset is a page, empty (${last.text.slice(0, 200)})`);
    }
    await refused('GET', '/v2/{project_id}/datasets/{dataset_id}/metrics', { query: { start_time: '0', end_time: '1e20' } }, 'query.end_time');
  });

  test('3,000 labels in one CreateLabels, then all of them changed and deleted in one request each', async () => {
    const d = await createDataset(t, { type: 0 });
    const many = names(3000, 'L');
    const created = await t.client.samples.createLabels(d.id, { labels: many.map((name) => ({ name })) });
    assert.deepEqual(created, { success: true });
    const listed = await t.client.samples.listLabels(d.id);
    assert.equal(listed.total_number, 3000);
    assert.deepEqual(
      listed.labels.map((l) => l.name),
      many,
    );
    const started = Date.now();
    await t.client.samples.modifyLabels(d.id, { labels: many.map((name) => ({ name, property: { '@modelarts:color': '#00ff00' } })) });
    const changeMs = Date.now() - started;
    assert.ok((await t.client.samples.listLabels(d.id)).labels.every((l) => l.property['@modelarts:color'] === '#00ff00'));
    await t.client.samples.deleteLabels(d.id, { labels: many.slice(0, 2999).map((name) => ({ name })) });
    assert.deepEqual(
      (await t.client.samples.listLabels(d.id)).labels.map((l) => l.name),
      ['L2999'],
    );
    assert.ok(changeMs < 30_000, `changing 3,000 labels took ${changeMs} ms`);
  });

  test('a dataset created with 10,000 labels; 10,001 is a 400 naming the field', async () => {
    const labels = names(10_000, 'c').map((name) => ({ name }));
    const body = (n: string, l: unknown[]) => ({
      dataset_name: n,
      dataset_type: 0,
      data_sources: [{ data_type: 0, data_path: ds.input }],
      work_path: `/samples-bucket/${n}/out/`,
      work_path_type: 0,
      labels: l,
    });
    const r = await t.client.http.call<{ dataset_id: string }>('POST', '/v2/{project_id}/datasets', { body: body('ten-thousand', labels) });
    assert.equal((await t.client.samples.listLabels(r.dataset_id)).total_number, 10_000);
    await refused('POST', '/v2/{project_id}/datasets', { body: body('too-many', [...labels, { name: 'one-more' }]) }, 'body.labels');
    await refused('POST', '/v2/{project_id}/datasets/{dataset_id}/data-annotations/labels', { body: { labels: [...labels, { name: 'x' }] } }, 'body.labels');
    await refused('PUT', '/v2/{project_id}/datasets/{dataset_id}', { body: { add_labels: [...labels, { name: 'x' }] } }, 'body.add_labels');
  });

  test('a sample uploaded with 10,000 labels (each new); 10,001 is a 400 naming the field', async () => {
    const d = await createDataset(t, { type: 1 });
    const box = (i: number) => ({
      name: `obj${i}`,
      property: {
        '@modelarts:shape': 'bndbox',
        '@modelarts:feature': [
          [i % 100, 0],
          [(i % 100) + 1, 1],
        ],
      },
    });
    const labels = Array.from({ length: 10_000 }, (_, i) => box(i));
    const metadata = { '@modelarts:size': [200, 200, 3] };
    const res = await t.client.samples.upload(d.id, { samples: [{ name: 'crowd.jpg', data: b64(PNG), labels, metadata }] });
    assert.equal(res.success, true, JSON.stringify(res).slice(0, 300));
    const s = await t.client.samples.describe(d.id, res.results![0]!.info!);
    assert.equal(s.labels.length, 10_000);
    assert.equal((await t.client.samples.listLabels(d.id)).total_number, 10_000);
    const stats = await t.client.samples.stats(d.id);
    assert.equal(stats.label_stats.length, 10_000);
    assert.ok(stats.label_stats.every((l) => l.count === 1 && l.sample_count === 1));
    // The same sample relabeled with 10,000 other labels, through UpdateSamples.
    const other = Array.from({ length: 10_000 }, (_, i) => ({ ...box(i), name: `new${i}` }));
    const upd = await t.client.samples.updateLabels(d.id, { samples: [{ sample_id: s.sample_id, labels: other }] });
    assert.deepEqual(upd, { success: true });
    assert.deepEqual((await t.client.samples.describe(d.id, s.sample_id)).labels.map((l) => l.name).slice(0, 2), ['new0', 'new1']);

    await refused(
      'POST',
      '/v2/{project_id}/datasets/{dataset_id}/data-annotations/samples',
      { body: { samples: [{ name: 'x.jpg', data: b64(PNG), labels: [...labels, box(1)] }] } },
      'body.samples.0.labels',
    );
    await refused(
      'PUT',
      '/v2/{project_id}/datasets/{dataset_id}/data-annotations/samples',
      { body: { samples: [{ sample_id: s.sample_id, labels: [...labels, box(1)] }] } },
      'body.samples.0.labels',
    );
  });

  test('batches past 10,000 samples, and numbers out of range, are 400s naming the field', async () => {
    const ids = Array.from({ length: 10_001 }, (_, i) => `id${i}`);
    await refused('POST', '/v2/{project_id}/datasets/{dataset_id}/data-annotations/samples/delete', { body: { samples: ids } }, 'body.samples');
    await refused(
      'PUT',
      '/v2/{project_id}/datasets/{dataset_id}/data-annotations/samples',
      { body: { samples: ids.map((sample_id) => ({ sample_id })) } },
      'body.samples',
    );
    await refused(
      'POST',
      '/v2/{project_id}/datasets/{dataset_id}/data-annotations/samples',
      { body: { samples: ids.map(() => ({ data_source: { data_path: '/b/x.jpg' } })) } },
      'body.samples',
    );
    await refused(
      'POST',
      '/v2/{project_id}/datasets/{dataset_id}/data-annotations/samples',
      { body: { samples: [{ name: 'x.jpg', data: b64(PNG), metadata: { '@modelarts:size': [0, 10] } }] } },
      '@modelarts:size',
    );
    await refused(
      'POST',
      '/v2/{project_id}/datasets/{dataset_id}/data-annotations/samples',
      { body: { samples: [{ name: 'x.jpg', data: b64(PNG), metadata: { '@modelarts:hard': 7 } }] } },
      '@modelarts:hard',
    );
    await refused(
      'POST',
      '/v2/{project_id}/datasets/{dataset_id}/data-annotations/samples',
      { body: { samples: [{ name: 'x.jpg', data: b64(PNG), labels: [{ name: 'a', score: 1e20 }] }] } },
      'score',
    );
  });
});
