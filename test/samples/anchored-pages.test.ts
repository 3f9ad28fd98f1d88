// Pages of a dataset's whole list read from anchors (keys placed every STEP rows) hold exactly the
// samples that ordinary offset paging places there, in both orders, with ties in sample_time, and
// again after samples are deleted and added (the anchors of the old state are not used).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { createDataManagement } from '../helpers/data-management.ts';
import { ANCHOR_STEP, ListAnchors } from '#src/modules/samples/list-anchors.ts';
import { ListStore, type ListRequest } from '#src/modules/samples/list-store.ts';
import { SampleStore } from '#src/modules/samples/store.ts';
import type { DatasetRecord } from '#src/modules/datasets/index.ts';
import { createDataset } from './fixtures.ts';

/** Past two anchors of the server's own step, and not a multiple of it. */
const TOTAL = 2 * ANCHOR_STEP + 1_234;

describe('anchored pages of a long sample list', () => {
  let t: TestApp;
  let ds: { id: string };
  let record: DatasetRecord;
  let data: ReturnType<typeof createDataManagement>;
  let added = 0;

  /** Imports `n` samples; three at a time share a sample_time, so the id breaks the ties. */
  const addSamples = async (n: number) => {
    const batch = Array.from({ length: n }, (_, j) => {
      const i = added + j;
      return {
        source: `/samples-bucket/anchored/${Math.floor(i / 1000)}/a-${i}.jpg`,
        name: `a-${i}.jpg`,
        size: 10,
        sampleTime: 1_700_000_000_000 + Math.floor(i / 3) * 1000,
        labels: [],
      };
    });
    for (let i = 0; i < batch.length; i += 5000) await data.samples.importSamples(record, batch.slice(i, i + 5000));
    added += n;
  };

  before(async () => {
    t = await startTestApp();
    t.atelier.startBackground();
    ds = await createDataset(t, { type: 0 });
    data = createDataManagement(t.atelier.context);
    record = await data.directory.require(t.creds.project_id, ds.id);
    await addSamples(TOTAL);
  });
  after(() => t?.close());

  /** The list in `order` through a filter every sample passes (sample_type 0): ordinary offset pages. */
  const reference = async (order: 'asc' | 'desc'): Promise<string[]> => {
    const out: string[] = [];
    for (let offset = 0; ; offset++) {
      const r = await t.client.samples.list(ds.id, { offset, limit: 100, order, sample_type: 0 });
      out.push(...(r.samples ?? []).map((s) => s.sample_id!));
      if ((r.samples ?? []).length < 100) return out;
    }
  };

  test('over HTTP: deep pages of the whole list are the ones offset paging gives', async () => {
    await t.client.samples.list(ds.id, { offset: 0, limit: 10 });
    // Let the anchors be placed (a few short walks in the background).
    await new Promise((res) => setTimeout(res, 300));
    for (const order of ['desc', 'asc'] as const) {
      const whole = await reference(order);
      assert.equal(whole.length, TOTAL);
      assert.equal(new Set(whole).size, TOTAL);
      for (const [offset, limit] of [
        [41, 100],
        [50, 100],
        [81, 100],
        [82, 100],
        [94, 100],
        [95, 100],
        [96, 100],
        [40, 100],
        [600, 7],
      ] as const) {
        const r = await t.client.samples.list(ds.id, { offset, limit, order });
        assert.equal(r.sample_count, TOTAL);
        assert.deepEqual(
          (r.samples ?? []).map((s) => s.sample_id),
          whole.slice(offset * limit, offset * limit + limit),
          `${order} page ${offset} of ${limit}`,
        );
      }
    }
  });

  test('with a small step: every page matches, before and after deletes and imports change the places', async () => {
    const store = new SampleStore(t.atelier.context.database);
    const lists = new ListStore(t.atelier.context.database);
    let clock = 0;
    const anchors = new ListAnchors(store, lists, 97, () => clock);
    const check = async (label: string) => {
      for (const order of ['asc', 'desc'] as const) {
        const whole = await reference(order);
        for (const limit of [100, 7]) {
          for (let offset = 0; offset * limit < whole.length + limit; offset += limit === 7 ? 53 : 3) {
            const req: ListRequest = { scope: { datasetId: ds.id }, conds: [], order, limit, offset: offset * limit };
            const [total, rows] = await anchors.page(req);
            assert.equal(total, whole.length);
            assert.deepEqual(
              rows.map((r) => r.id),
              whole.slice(offset * limit, offset * limit + limit),
              `${label}: ${order} page ${offset} of ${limit}`,
            );
          }
        }
      }
    };
    await anchors.ready(ds.id);
    assert.equal(anchors.placed(ds.id), Math.floor((added - 1) / 97), 'anchors at every 97th place');
    await check('first state');

    // Change the places under the anchors: delete some samples, import others. The old anchors must not be used.
    const some = (await reference('asc')).filter((_, i) => i % 211 === 5 || (i > 3000 && i < 3050));
    assert.equal(await data.samples.removeSamples(record, some), some.length);
    await addSamples(500);
    await check('stale anchors');
    clock += 10_000;
    await anchors.ready(ds.id);
    assert.equal(anchors.placed(ds.id), Math.floor((added - some.length - 1) / 97));
    await check('second state');
  });
});
