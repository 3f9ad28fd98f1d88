// The samples port as the datasets family uses it: import, counts, labels, frozen versions.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createDataManagement, type DataManagement } from '../helpers/data-management.ts';
import type { DatasetRecord } from '#src/modules/datasets/dataset-directory.ts';
import type { NewSample, SnapshotSample } from '#src/formats/sample-records.ts';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';
import { createDataset } from './fixtures.ts';

const box = (x: number) => ({
  '@modelarts:shape': 'bndbox',
  '@modelarts:feature': [
    [x, x],
    [x + 10, x + 10],
  ],
});

function newSample(i: number, labels: string[] = [], extra: Partial<NewSample> = {}): NewSample {
  return {
    source: `/port-bucket/in/img-${String(i).padStart(5, '0')}.jpg`,
    name: `img-${i}.jpg`,
    size: 100 + i,
    sampleTime: 1_700_000_000_000 + i,
    labels: labels.map((name) => ({ name, type: 1, property: box(i) })),
    ...extra,
  };
}

async function collect(it: AsyncIterable<SnapshotSample>): Promise<SnapshotSample[]> {
  const out: SnapshotSample[] = [];
  for await (const s of it) out.push(s);
  return out;
}

describe('the samples port (DatasetSamplesPort)', () => {
  let t: TestApp;
  let data: DataManagement;
  let dataset: DatasetRecord;

  before(async () => {
    t = await startTestApp();
    t.atelier.startBackground();
    data = createDataManagement(t.atelier.context);
    const ds = await createDataset(t, { type: 1 });
    dataset = await data.directory.require(t.creds.project_id, ds.id);
  });
  after(() => t.close());

  test('addLabels adds new names and leaves existing ones; listLabels gives them back', async () => {
    await data.samples.addLabels(dataset, [{ name: 'car', type: 1, property: { '@modelarts:color': '#ff0000' } }]);
    await data.samples.addLabels(dataset, [
      { name: 'car', type: 1, property: { '@modelarts:color': '#00ff00' } },
      { name: 'bus', type: 1 },
    ]);
    assert.deepEqual(await data.samples.listLabels(dataset.id), [
      { name: 'car', type: 1, property: { '@modelarts:color': '#ff0000' } },
      { name: 'bus', type: 1, property: {} },
    ]);
  });

  test('importSamples: many rows in one call, sources already present skipped, missing labels created, counts follow', async () => {
    const batch = Array.from({ length: 2500 }, (_, i) => newSample(i, i % 2 === 0 ? ['car'] : i % 3 === 0 ? ['truck', 'car'] : []));
    assert.equal(await data.samples.importSamples(dataset, batch), 2500);
    assert.equal(await data.samples.importSamples(dataset, [...batch.slice(0, 10), newSample(9000)]), 1, 'only the new source');
    const labeled = batch.filter((s) => s.labels!.length > 0).length;
    assert.deepEqual(await data.samples.counts(dataset.id), { total: 2501, annotated: labeled, unconfirmed: 0 });
    assert.ok((await data.samples.listLabels(dataset.id)).some((l) => l.name === 'truck' && l.type === 1));
    const page = await t.client.samples.list(dataset.id, { label_name: 'truck', limit: 100 });
    assert.equal(page.sample_count, batch.filter((s) => s.labels!.some((l) => l.name === 'truck')).length);
  });

  test('importSamples refuses labels the dataset type cannot carry, storing nothing', async () => {
    const before = await data.samples.counts(dataset.id);
    await assert.rejects(
      data.samples.importSamples(dataset, [newSample(20_000), { ...newSample(20_001), labels: [{ name: 'txt', type: 100 }] }]),
      apiFailureLike(400, 'ModelArts.4413'),
    );
    assert.deepEqual(await data.samples.counts(dataset.id), before);
    assert.ok(!(await data.samples.listLabels(dataset.id)).some((l) => l.name === 'txt'));
  });

  test('importSamples with onRejected: a sample with bad labels comes without them and is reported; the rest of the batch stands', async () => {
    const own = await data.directory.require(t.creds.project_id, (await createDataset(t, { type: 1 })).id);
    const before = await data.samples.counts(own.id);
    const rejected: [string, string][] = [];
    let annotated = 0;
    const bad = { ...newSample(21_001), labels: [{ name: 'txt', type: 100 }] };
    const added = await data.samples.importSamples(
      own,
      [newSample(21_000, ['car']), bad, { ...newSample(21_002), metadata: { '@modelarts:size': [0, 0, 3] } }],
      {
        onRejected: (source, reason) => rejected.push([source, reason]),
        onAnnotated: (n) => (annotated += n),
      },
    );
    assert.equal(added, 3);
    assert.equal(annotated, 1);
    assert.deepEqual(
      rejected.map(([source]) => source),
      [bad.source, newSample(21_002).source],
    );
    assert.match(rejected[0]![1], /imported without its labels: .*type/);
    const after = await data.samples.counts(own.id);
    assert.deepEqual([after.total - before.total, after.annotated - before.annotated], [3, 1]);
  });

  test('freezeVersion: an exact, deterministic TRAIN/EVAL split of labeled samples, and the snapshot statistics', async () => {
    const snap = await data.samples.freezeVersion(dataset.id, 'version-a', 0.8);
    const counts = await data.samples.counts(dataset.id);
    assert.equal(snap.total, counts.total);
    assert.equal(snap.annotated, counts.annotated);
    assert.equal(snap.labelType, 'multi');
    const car = snap.labelStats.find((l) => l.name === 'car')!;
    assert.equal(car.sample_count, 1250 + 417);
    assert.equal(car.count, 1250 + 417);
    assert.deepEqual(car.property, { '@modelarts:color': '#ff0000' });

    const frozen = await collect(data.samples.streamVersion('version-a'));
    assert.equal(frozen.length, counts.total, 'every sample, across several pages');
    assert.equal(new Set(frozen.map((s) => s.id)).size, frozen.length);
    const labeled = frozen.filter((s) => s.labels.length > 0);
    const train = labeled.filter((s) => s.usage === 'TRAIN').length;
    assert.equal(train, Math.round(labeled.length * 0.8));
    // The split follows the random part of the ids: the first 80% of that order train.
    const shuffled = labeled.map((s) => ({ key: s.id.slice(12) + s.id, usage: s.usage })).sort((a, b) => (a.key < b.key ? -1 : 1));
    assert.deepEqual(
      shuffled.map((s) => s.usage),
      shuffled.map((_, i) => (i < train ? 'TRAIN' : 'EVAL')),
    );
    assert.equal(labeled.length - train, labeled.filter((s) => s.usage === 'EVAL').length);
    assert.ok(frozen.filter((s) => s.labels.length === 0).every((s) => s.usage === undefined));
    const one = frozen.find((s) => s.source.endsWith('img-00002.jpg'))!;
    assert.deepEqual(one.labels, [{ name: 'car', type: 1, property: box(2) }]);
    assert.equal(one.sampleType, 0);
    assert.ok(one.labeledTime > 0);

    await data.samples.freezeVersion(dataset.id, 'version-b', 0.8);
    const again = await collect(data.samples.streamVersion('version-b'));
    assert.deepEqual(
      again.map((s) => [s.id, s.usage]),
      frozen.map((s) => [s.id, s.usage]),
      'the same split every time',
    );
  });

  test("freezeVersion keeps a sample's own usage only when asked (keepUsage)", async () => {
    const page = await t.client.samples.list(dataset.id, { label_name: 'car', limit: 1 });
    const id = page.samples[0]!.sample_id;
    await t.client.samples.updateLabels(dataset.id, { samples: [{ sample_id: id, labels: [{ name: 'car', property: box(1) }], sample_usage: 'TEST' }] });
    const usageIn = async (versionId: string) => (await collect(data.samples.streamVersion(versionId))).find((s) => s.id === id)!.usage;
    await data.samples.freezeVersion(dataset.id, 'version-keep', 0.5, { keepUsage: true });
    assert.equal(await usageIn('version-keep'), 'TEST');
    await data.samples.freezeVersion(dataset.id, 'version-split', 0.5);
    assert.ok(['TRAIN', 'EVAL'].includes((await usageIn('version-split'))!));
    const split = (await collect(data.samples.streamVersion('version-split'))).filter((s) => s.labels.length > 0);
    assert.equal(split.filter((s) => s.usage === 'TRAIN').length, Math.round(split.length * 0.5));
  });

  test('a frozen version ignores later changes; its labels and samples stay listable; dropVersion removes it', async () => {
    await t.client.samples.updateLabel(dataset.id, 'car', { '@modelarts:rename_to': 'auto' });
    const page = await t.client.samples.list(dataset.id, { limit: 1, label_name: 'auto', order: 'asc' });
    await t.client.samples.updateLabels(dataset.id, { samples: [{ sample_id: page.samples[0]!.sample_id, labels: [] }] });

    const frozen = await collect(data.samples.streamVersion('version-a'));
    assert.ok(
      frozen.some((s) => s.labels.some((l) => l.name === 'car')),
      'the old name stays in the version',
    );
    assert.ok(!frozen.some((s) => s.labels.some((l) => l.name === 'auto')));
    const labels = await t.client.samples.listLabels(dataset.id, { version_id: 'version-a' });
    assert.ok(labels.labels.some((l) => l.name === 'car'));
    // The whole version lists in the order it streams (list order when it froze), page by page.
    const ids = (page: { samples: { sample_id: string }[] }) => page.samples.map((x) => x.sample_id);
    const first = await t.client.samples.list(dataset.id, { version_id: 'version-a', limit: 3, order: 'asc' });
    assert.equal(first.sample_count, frozen.length);
    assert.deepEqual(
      ids(first),
      frozen.slice(0, 3).map((x) => x.id),
    );
    assert.deepEqual(
      ids(await t.client.samples.list(dataset.id, { version_id: 'version-a', limit: 3, offset: 1, order: 'asc' })),
      frozen.slice(3, 6).map((x) => x.id),
    );
    assert.deepEqual(
      ids(await t.client.samples.list(dataset.id, { version_id: 'version-a', limit: 3 })),
      frozen
        .slice(-3)
        .reverse()
        .map((x) => x.id),
    );
    const v = await t.client.samples.list(dataset.id, { version_id: 'version-a', label_name: 'car', limit: 5 });
    assert.equal(v.sample_count, 1250 + 417);
    assert.ok(v.samples.every((s) => s.labels.some((l) => l.name === 'car')));

    await data.samples.dropVersion('version-a');
    assert.deepEqual(await collect(data.samples.streamVersion('version-a')), []);
    await assert.rejects(t.client.samples.list(dataset.id, { version_id: 'version-a' }), apiFailure(400, 'ModelArts.4353'));
    await assert.rejects(t.client.samples.listLabels(dataset.id, { version_id: 'version-a' }), apiFailure(400, 'ModelArts.4353'));
  });

  test('a version of another dataset is not found', async () => {
    const other = await createDataset(t, { type: 1 });
    await assert.rejects(t.client.samples.list(other.id, { version_id: 'version-b' }), apiFailure(400, 'ModelArts.4353'));
  });

  test('deleting the dataset removes its samples, labels and versions with it', async () => {
    const ds = await createDataset(t, { type: 1 });
    const rec = await data.directory.require(t.creds.project_id, ds.id);
    await data.samples.importSamples(
      rec,
      [newSample(1, ['car'])].map((s) => ({ ...s, source: '/port-bucket/del/x.jpg' })),
    );
    await data.samples.freezeVersion(ds.id, 'version-del', 1);
    await t.client.datasets.delete(ds.id);
    assert.deepEqual(await data.samples.counts(ds.id), { total: 0, annotated: 0, unconfirmed: 0 });
    assert.deepEqual(await data.samples.listLabels(ds.id), []);
  });
});

/** As apiFailure, for errors thrown in process (no request id). */
function apiFailureLike(status: number, code: string) {
  return (err: unknown): boolean => {
    const e = err as { status?: number; code?: string };
    assert.equal(e.status, status);
    assert.equal(e.code, code);
    return true;
  };
}
