import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { datasetTypes } from '#src/formats/dataset-types.ts';
import type { SnapshotSample } from '#src/formats/sample-records.ts';
import { csvCell, csvLine, planSampleExport, readLines, runExportPlan, scanDirectory, UniqueNames, writeCsv } from '#src/formats/index.ts';
import { listAll } from '#src/storage/index.ts';
import { B, collect, isApiError, openFixture, type Fixture } from './fixtures.ts';

const snap = (id: string, source: string, labels: SnapshotSample['labels'], metadata: Record<string, unknown> = {}): SnapshotSample => ({
  id,
  source,
  sampleType: 0,
  labels,
  metadata,
  labeledTime: labels.length > 0 ? 1 : 0,
});

async function keysUnder(f: Fixture, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const o of listAll(f.store, B, prefix)) keys.push(o.key.slice(prefix.length));
  return keys;
}

describe('export to a folder, in the layouts the import reads back', () => {
  let f: Fixture;
  before(async () => {
    f = await openFixture();
    f.file('src/a/1.jpg', 'one');
    f.file('src/b/1.jpg', 'other one');
    f.file('src/2.png', 'two');
    f.file('src/3.jpg', 'three');
  });
  after(async () => {
    await f.close();
  });

  const box = {
    name: 'car',
    type: 1,
    property: {
      '@modelarts:shape': 'bndbox',
      '@modelarts:feature': [
        [1, 2],
        [3, 4],
      ],
    },
  };
  const samples = [
    snap('s1', `/${B}/src/a/1.jpg`, [{ name: 'Cat', type: 0 }]),
    snap('s2', `/${B}/src/b/1.jpg`, [
      { name: 'Cat', type: 0 },
      { name: 'Pet', type: 0 },
    ]),
    snap('s3', `/${B}/src/2.png`, []),
  ];

  test('image classification, tiles: image + .txt of its labels; same names get distinct stems; it imports back', async () => {
    const names = new UniqueNames();
    let written = 0;
    for (const s of samples) written += await runExportPlan(f.store, planSampleExport(s, datasetTypes[0], { bucket: B, key: 'out-tile' }, 'tile', names));
    assert.equal(written, 5);
    assert.deepEqual(await keysUnder(f, 'out-tile/'), ['1.jpg', '1.txt', '1_1.jpg', '1_1.txt', '2.png']);
    assert.equal(await f.store.readText(B, 'out-tile/1_1.txt', 100), 'Cat\nPet\n');
    const { items } = await collect(scanDirectory(f.store, { bucket: B, key: 'out-tile' }, datasetTypes[0], { importAnnotations: true }));
    assert.deepEqual(
      items.map((s) => [s.name, (s.labels ?? []).map((l) => l.name)]),
      [
        ['1.jpg', ['Cat']],
        ['1_1.jpg', ['Cat', 'Pet']],
        ['2.png', []],
      ],
    );
  });

  test('image classification, tree: a folder per label (multi-label images in each); label names cannot escape the folder', async () => {
    const names = new UniqueNames();
    const odd = snap('s4', `/${B}/src/3.jpg`, [{ name: '../up', type: 0 }]);
    for (const s of [...samples, odd]) await runExportPlan(f.store, planSampleExport(s, datasetTypes[0], { bucket: B, key: 'out-tree/' }, 'tree', names));
    assert.deepEqual(await keysUnder(f, 'out-tree/'), ['.._up/3.jpg', '2.png', 'Cat/1.jpg', 'Cat/1_1.jpg', 'Pet/1.jpg']);
    const { items } = await collect(scanDirectory(f.store, { bucket: B, key: 'out-tree' }, datasetTypes[0], { importAnnotations: true }));
    assert.equal(items.filter((s) => s.labels?.[0]?.name === 'Cat').length, 2);
  });

  test('object detection: image + PASCAL VOC; free format: files alone; other types refused', async () => {
    const names = new UniqueNames();
    const od = snap('s5', `/${B}/src/3.jpg`, [box], { '@modelarts:size': [10, 10, 3] });
    await runExportPlan(f.store, planSampleExport(od, datasetTypes[1], { bucket: B, key: 'out-od' }, 'tile', names));
    await runExportPlan(f.store, planSampleExport(snap('s6', `/${B}/src/2.png`, []), datasetTypes[1], { bucket: B, key: 'out-od' }, 'tile', names));
    assert.deepEqual(await keysUnder(f, 'out-od/'), ['2.png', '3.jpg', '3.xml']);
    const { items } = await collect(scanDirectory(f.store, { bucket: B, key: 'out-od' }, datasetTypes[1], { importAnnotations: true }));
    assert.deepEqual(items.find((s) => s.name === '3.jpg')!.labels, [box]);
    assert.deepEqual(items.find((s) => s.name === '3.jpg')!.metadata, { '@modelarts:size': [10, 10, 3] });
    const free = planSampleExport(snap('s7', `/${B}/src/a/1.jpg`, []), datasetTypes[900], { bucket: B, key: 'out-free' }, 'tile', new UniqueNames());
    assert.deepEqual(free, { copies: [{ from: { bucket: B, key: 'src/a/1.jpg' }, to: { bucket: B, key: 'out-free/1.jpg' } }], writes: [] });
    assert.throws(
      () => planSampleExport(samples[0]!, datasetTypes[100], { bucket: B, key: 'x' }, 'tile', names),
      isApiError(400, 'ModelArts.4384', /type 100/),
    );
  });
});

describe('CSV for table datasets', () => {
  test('RFC 4180 quoting; formula-like text gets a Tab and quotes; numbers stay numbers', () => {
    assert.equal(csvLine(['a', 1, -2.5, true, null, undefined, 'x,y', 'say "hi"', 'two\nlines']), 'a,1,-2.5,true,,,"x,y","say ""hi""","two\nlines"\r\n');
    assert.equal(csvCell('=SUM(A1:A3)'), '"\t=SUM(A1:A3)"');
    assert.equal(csvCell('+1 555'), '"\t+1 555"');
    assert.equal(csvCell('@cmd "x"'), '"\t@cmd ""x"""');
    assert.equal(csvCell('-3'), '-3');
    assert.equal(csvCell('-rm'), '"\t-rm"');
  });

  test('writeCsv streams rows after an optional header', async () => {
    const f = await openFixture();
    try {
      async function* rows(): AsyncGenerator<(string | number)[]> {
        for (let i = 0; i < 3; i++) yield [i, `name ${i}`];
      }
      await writeCsv(f.store, { bucket: B, key: 't/with.csv' }, rows(), ['id', 'name']);
      await writeCsv(f.store, { bucket: B, key: 't/without.csv' }, rows());
      assert.equal(await f.store.readText(B, 't/with.csv', 1000), 'id,name\r\n0,name 0\r\n1,name 1\r\n2,name 2\r\n');
      assert.equal(await f.store.readText(B, 't/without.csv', 1000), '0,name 0\r\n1,name 1\r\n2,name 2\r\n');
    } finally {
      await f.close();
    }
  });
});

describe('readLines', () => {
  test('UTF-8 past the sniffed head, characters split across chunks; invalid UTF-8 later in the file is a 400 with its line', async () => {
    const f = await openFixture();
    try {
      const line = 'héllo wörld ✓ 你好\n';
      const big = line.repeat(8000);
      f.file('l/big.txt', big);
      let n = 0;
      for await (const l of readLines(f.store, { bucket: B, key: 'l/big.txt' })) {
        assert.equal(l.text, line.slice(0, -1));
        n++;
      }
      assert.equal(n, 8000);
      f.file('l/bad.txt', Buffer.concat([Buffer.from(big), Buffer.from([0xff, 0x0a])]));
      await assert.rejects(
        (async () => {
          for await (const _ of readLines(f.store, { bucket: B, key: 'l/bad.txt' }, { allowGbk: true })) void _;
        })(),
        isApiError(400, 'ModelArts.4362', /line 8001\): text is neither UTF-8 nor GBK/),
      );
    } finally {
      await f.close();
    }
  });
});
