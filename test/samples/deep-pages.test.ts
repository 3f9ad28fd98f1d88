// Pages deep into a long sample list (read from the list's far end by the server) hold the samples
// the ordinary pages place there: the list is read ascending and descending through pages that skip
// few samples, and the deep pages are checked against it; the last page is partial.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { createDataset, putFile } from './fixtures.ts';

const TOTAL = 10_550;

describe('deep pages of a long sample list', () => {
  let t: TestApp;
  let ds: { id: string; input: string };

  before(async () => {
    t = await startTestApp();
    t.atelier.startBackground();
    ds = await createDataset(t, { type: 0 });
    const paths = Array.from({ length: TOTAL }, (_, i) => `/samples-bucket/deep/${Math.floor(i / 1000)}/s-${i}.png`);
    for (const p of paths) putFile(t, p, 'x');
    for (let i = 0; i < TOTAL; i += 5000) {
      await t.client.samples.upload(ds.id, { samples: paths.slice(i, i + 5000).map((p) => ({ data_source: { data_path: p } })) });
    }
  });
  after(() => t?.close());

  const names = async (query: { offset: number; limit: number; order?: 'asc' | 'desc' }) => {
    const r = await t.client.samples.list(ds.id, query);
    return { count: r.sample_count, names: (r.samples ?? []).map((s) => s.sample_name) };
  };

  /** The list in `order`, from pages that skip at most 10,000 samples (read the ordinary way). */
  const wholeList = async (order: 'asc' | 'desc'): Promise<string[]> => {
    const head: string[] = [];
    for (let offset = 0; offset <= 100; offset++) head.push(...(await names({ offset, limit: 100, order })).names);
    const other = order === 'asc' ? 'desc' : 'asc';
    const rest: string[] = [];
    for (let offset = 0; rest.length < TOTAL - head.length; offset++) rest.push(...(await names({ offset, limit: 100, order: other })).names);
    return [...head, ...rest.slice(0, TOTAL - head.length).reverse()];
  };

  for (const order of ['desc', 'asc'] as const) {
    test(`${order}: pages past the middle hold the list's samples in order, and the last page holds the rest`, async () => {
      const whole = await wholeList(order);
      assert.equal(new Set(whole).size, TOTAL);
      for (const offset of [101, 104, 105]) {
        const page = await names({ offset, limit: 100, order });
        assert.equal(page.count, TOTAL);
        assert.deepEqual(page.names, whole.slice(offset * 100, offset * 100 + 100), `page ${offset}`);
      }
      assert.equal((await names({ offset: 105, limit: 100, order })).names.length, 50);
      assert.deepEqual((await names({ offset: 106, limit: 100, order })).names, []);
    });
  }
});
