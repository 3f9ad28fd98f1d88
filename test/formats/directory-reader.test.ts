import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { datasetTypes } from '#src/formats/dataset-types.ts';
import type { NewSample } from '#src/formats/sample-records.ts';
import { scanDirectory, type ScanOptions } from '#src/formats/index.ts';
import type { ListOptions, ListResult, ObjectStore } from '#src/storage/index.ts';
import { B, collect, isApiError, openFixture, VOC_BIKE, VOC_SHAPES, type Fixture } from './fixtures.ts';

const bySource = (samples: NewSample[]) => new Map(samples.map((s) => [s.source, s]));
const labelNames = (s: NewSample | undefined) => (s?.labels ?? []).map((l) => l.name);

describe('scanDirectory: OBS folder layouts of the guide', () => {
  let f: Fixture;
  const scan = async (root: string, type: keyof typeof datasetTypes, opts: Partial<ScanOptions> = {}) =>
    (await collect(scanDirectory(f.store, { bucket: B, key: root }, datasetTypes[type], { importAnnotations: true, ...opts }))).items;

  before(async () => {
    f = await openFixture();
  });
  after(async () => {
    await f.close();
  });

  test('image classification, folder per label: the last folder names the label; files at the root are unlabeled', async () => {
    const cat10 = f.file('ic-dirs/Cat/10.jpg', 'x'.repeat(10));
    f.file('ic-dirs/Cat/11.JPEG', 'y');
    f.file('ic-dirs/Rabbit/1.png', 'z');
    f.file('ic-dirs/deep/er/Dog/2.bmp', 'w');
    f.file('ic-dirs/top.jpg', 't');
    f.file('ic-dirs/Cat/notes.md', 'not an image');
    const samples = await scan('ic-dirs', 0);
    const m = bySource(samples);
    assert.deepEqual(
      [...m.keys()].sort(),
      [
        `/${B}/ic-dirs/Cat/10.jpg`,
        `/${B}/ic-dirs/Cat/11.JPEG`,
        `/${B}/ic-dirs/Rabbit/1.png`,
        `/${B}/ic-dirs/deep/er/Dog/2.bmp`,
        `/${B}/ic-dirs/top.jpg`,
      ].sort(),
    );
    assert.deepEqual(m.get(`/${B}/ic-dirs/Cat/10.jpg`), {
      source: `/${B}/ic-dirs/Cat/10.jpg`,
      name: '10.jpg',
      size: 10,
      sampleTime: cat10,
      labels: [{ name: 'Cat', type: 0, annotated_by: 'human' }],
    });
    assert.deepEqual(labelNames(m.get(`/${B}/ic-dirs/Rabbit/1.png`)), ['Rabbit']);
    assert.deepEqual(labelNames(m.get(`/${B}/ic-dirs/deep/er/Dog/2.bmp`)), ['Dog']);
    assert.equal(m.get(`/${B}/ic-dirs/top.jpg`)!.labels, undefined);
  });

  test('image classification, .txt label files: one or several labels; the .txt files are not samples', async () => {
    f.file('ic-txt/import-dir-1/10.jpg', 'a');
    f.file('ic-txt/import-dir-1/10.txt', 'Cat\n');
    f.file('ic-txt/import-dir-1/11.jpg', 'b');
    f.file('ic-txt/import-dir-1/11.txt', 'Cat\r\nRabbit\r\n\r\n');
    f.file('ic-txt/import-dir-1/12.PNG', 'c');
    f.file('ic-txt/import-dir-1/12.TXT', 'Dog');
    f.file('ic-txt/import-dir-1/orphan.txt', 'Nobody');
    f.file('ic-txt/import-dir-2/1.jpg', 'd');
    f.file('ic-txt/root.jpg', 'e');
    const m = bySource(await scan('ic-txt/', 0));
    assert.equal(m.size, 5);
    assert.deepEqual(labelNames(m.get(`/${B}/ic-txt/import-dir-1/10.jpg`)), ['Cat']);
    assert.deepEqual(labelNames(m.get(`/${B}/ic-txt/import-dir-1/11.jpg`)), ['Cat', 'Rabbit']);
    assert.deepEqual(labelNames(m.get(`/${B}/ic-txt/import-dir-1/12.PNG`)), ['Dog']);
    // An image without a .txt beside it falls back to its folder's name.
    assert.deepEqual(labelNames(m.get(`/${B}/ic-txt/import-dir-2/1.jpg`)), ['import-dir-2']);
    assert.deepEqual(labelNames(m.get(`/${B}/ic-txt/root.jpg`)), []);
  });

  test('without importAnnotations every accepted file is an unlabeled sample', async () => {
    const samples = await scan('ic-txt', 0, { importAnnotations: false });
    assert.equal(samples.length, 5);
    assert.ok(samples.every((s) => s.labels === undefined && s.metadata === undefined));
  });

  test('object detection: PASCAL VOC beside each image gives shapes and @modelarts:size', async () => {
    f.file('od/IMG_1.jpg', 'img1');
    f.file('od/IMG_1.xml', VOC_BIKE);
    f.file('od/sub/IMG_2.png', 'img2');
    f.file('od/sub/IMG_2.xml', VOC_SHAPES);
    f.file('od/IMG_3.jpg', 'no labels');
    // Nested stems: "a.b.jpg" does not take "a.xml".
    f.file('od/a.b.jpg', 'ab');
    f.file('od/a.jpg', 'a');
    f.file('od/a.xml', VOC_BIKE);
    const m = bySource(await scan('od', 1));
    assert.deepEqual([...m.keys()].sort(), ['IMG_1.jpg', 'IMG_3.jpg', 'a.b.jpg', 'a.jpg', 'sub/IMG_2.png'].map((k) => `/${B}/od/${k}`).sort());
    const one = m.get(`/${B}/od/IMG_1.jpg`)!;
    assert.deepEqual(one.metadata, { '@modelarts:size': [554, 606, 3] });
    assert.deepEqual(one.labels, [
      {
        name: 'Rabbit',
        type: 1,
        property: {
          '@modelarts:shape': 'bndbox',
          '@modelarts:feature': [
            [279, 52],
            [474, 278],
          ],
        },
      },
      {
        name: 'Cat',
        type: 1,
        property: {
          '@modelarts:shape': 'bndbox',
          '@modelarts:feature': [
            [279, 198],
            [456, 421],
          ],
        },
      },
    ]);
    const two = m.get(`/${B}/od/sub/IMG_2.png`)!;
    assert.deepEqual(
      two.labels!.map((l) => [l.name, l.property!['@modelarts:shape'], l.property!['@modelarts:feature']]),
      [
        ['point', 'point', [[456, 596]]],
        [
          'line',
          'line',
          [
            [133, 651],
            [229, 561],
          ],
        ],
        [
          'bag',
          'bndbox',
          [
            [108, 101],
            [251, 238],
          ],
        ],
        [
          'boots',
          'polygon',
          [
            [373, 264],
            [500, 198],
            [437, 76],
            [310, 142],
          ],
        ],
        ['circle', 'circle', [[405, 170], [100]]],
      ],
    );
    assert.equal(two.labels![3]!.property!['@modelarts:hard_coefficient'], '0.8');
    assert.equal(m.get(`/${B}/od/IMG_3.jpg`)!.labels, undefined);
    assert.equal(m.get(`/${B}/od/a.b.jpg`)!.labels, undefined);
    assert.deepEqual(labelNames(m.get(`/${B}/od/a.jpg`)), ['Rabbit', 'Cat']);
  });

  test('with onFileError, an unreadable or malformed label file is reported (which, why) and its image comes unlabeled', async () => {
    f.file('od-rep/good.jpg', 'g');
    f.file('od-rep/good.xml', VOC_BIKE);
    f.file('od-rep/broken.jpg', 'b');
    f.file('od-rep/broken.xml', '<annotation><object><name>cat</name><bndbox><xmin>1</xmin></bndbox></object>');
    f.file('od-rep/huge.jpg', 'h');
    f.file('od-rep/huge.xml', `<annotation>${' '.repeat(8 * 1024 * 1024 + 1)}</annotation>`);
    // A file the server may not read (root reads everything: then there is no such file).
    const canDeny = process.getuid?.() !== 0;
    if (canDeny) {
      f.file('od-rep/locked.jpg', 'l');
      f.file('od-rep/locked.xml', VOC_BIKE);
      chmodSync(join(f.root, B, 'od-rep', 'locked.xml'), 0);
    }
    const errors: [string, string][] = [];
    const samples = await scan('od-rep', 1, { onFileError: (file, reason) => errors.push([file, reason]) });
    const m = bySource(samples);
    const bad = ['broken', 'huge', ...(canDeny ? ['locked'] : [])];
    assert.equal(samples.length, bad.length + 1, 'every image is a sample');
    assert.ok(labelNames(m.get(`/${B}/od-rep/good.jpg`)).length > 0);
    for (const n of bad) assert.equal(m.get(`/${B}/od-rep/${n}.jpg`)!.labels, undefined, n);
    const byFile = new Map(errors);
    assert.deepEqual([...byFile.keys()].sort(), bad.map((n) => `/${B}/od-rep/${n}.xml`).sort());
    assert.match(byFile.get(`/${B}/od-rep/broken.xml`)!, /xml|closed|tag/i);
    assert.ok(!byFile.get(`/${B}/od-rep/broken.xml`)!.includes('od-rep'), 'the reason does not repeat the file');
    assert.match(byFile.get(`/${B}/od-rep/huge.xml`)!, /larger than/);
    if (canDeny) assert.match(byFile.get(`/${B}/od-rep/locked.xml`)!, /cannot be read \(EACCES\)/);
  });

  test('with onFileError, a text file that stops being readable keeps its lines up to there, and is reported', async () => {
    f.file('tc-rep/ok.txt', 'fine\tpos\n');
    f.file(
      'tc-rep/bad.txt',
      Buffer.concat([Buffer.from('first line\tpos\n'), Buffer.alloc(70 * 1024, 'a'), Buffer.from('\n'), Buffer.from([0xff, 0xfe, 0x0a])]),
    );
    const errors: [string, string][] = [];
    const files: string[] = [];
    const samples = await scan('tc-rep', 100, { onFileError: (file, reason) => errors.push([file, reason]), onFile: (o) => files.push(o.key) });
    assert.deepEqual(files.sort(), ['tc-rep/bad.txt', 'tc-rep/ok.txt']);
    assert.ok(
      samples.some((s) => s.source === 'content://first line'),
      'lines before the problem are kept',
    );
    assert.ok(samples.some((s) => s.source === 'content://fine'));
    assert.deepEqual(
      errors.map(([file]) => file),
      [`/${B}/tc-rep/bad.txt`],
    );
    assert.match(errors[0]![1], /neither UTF-8 nor GBK|not UTF-8/);
  });

  test('object detection: a malformed label file is a 400 naming it', async () => {
    f.file('od-bad/x.jpg', 'x');
    f.file('od-bad/x.xml', '<annotation><object><name>cat</name><bndbox><xmin>1</xmin></bndbox></object>');
    await assert.rejects(
      collect(scanDirectory(f.store, { bucket: B, key: 'od-bad/' }, datasetTypes[1], { importAnnotations: true })),
      isApiError(400, 'ModelArts.4362', /od-bad\/x\.xml/),
    );
    f.file('od-bad2/y.jpg', 'y');
    f.file(
      'od-bad2/y.xml',
      '<annotation><object><name>cat</name><bndbox><xmin>1</xmin><ymin>a</ymin><xmax>2</xmax><ymax>3</ymax></bndbox></object></annotation>',
    );
    await assert.rejects(scan('od-bad2', 1), isApiError(400, 'ModelArts.4362', /object\[0\]\.bndbox\.ymin\): not a number: "a"/));
    // Without importAnnotations the label files are not read at all.
    assert.equal((await scan('od-bad2', 1, { importAnnotations: false })).length, 1);
  });

  test('text classification, labels on the same line: one sample per line, content:// sources', async () => {
    const t = f.file(
      'tc/comments.txt',
      "It touches good and responds quickly.\tpositive\r\nWhy does my phone heat up?\tnegative\n\nA gift for Father's Day.\tpositive,gift\nNo label here\n",
    );
    const samples = await scan('tc', 100);
    assert.deepEqual(samples[0], {
      source: 'content://It touches good and responds quickly.',
      name: 'comments.txt',
      size: Buffer.byteLength('It touches good and responds quickly.'),
      sampleTime: t,
      labels: [{ name: 'positive', type: 100, annotated_by: 'human' }],
    });
    assert.deepEqual(
      samples.map((s) => [s.source.slice('content://'.length), labelNames(s)]),
      [
        ['It touches good and responds quickly.', ['positive']],
        ['Why does my phone heat up?', ['negative']],
        ["A gift for Father's Day.", ['positive', 'gift']],
        ['No label here', []],
      ],
    );
    const plain = await scan('tc', 100, { importAnnotations: false });
    assert.deepEqual(
      plain.map((s) => [s.source, s.labels]),
      samples.map((s) => [s.source, undefined]),
    );
  });

  test('text classification: custom separators, escaped tab, GBK text', async () => {
    f.file('tc-sep/a.csv', 'good phone|pos;new\nbad|neg\n');
    const samples = await scan('tc-sep', 100, { labelFormat: { text_sample_separator: '|', text_label_separator: ';' } });
    assert.deepEqual(
      samples.map((s) => [s.source, labelNames(s)]),
      [
        ['content://good phone', ['pos', 'new']],
        ['content://bad', ['neg']],
      ],
    );
    f.file('tc-gbk/g.txt', Buffer.concat([Buffer.from([0xc4, 0xe3, 0xba, 0xc3]), Buffer.from('\tpositive\n')]));
    const gbk = await scan('tc-gbk', 100, { labelFormat: { label_type: '1', text_sample_separator: '\\t' } });
    assert.deepEqual(
      gbk.map((s) => [s.source, labelNames(s)]),
      [['content://你好', ['positive']]],
    );
    await assert.rejects(
      scan('tc-sep', 100, { labelFormat: { text_label_separator: '::' } }),
      isApiError(400, 'ModelArts.0104', /label_format\.text_label_separator/),
    );
    await assert.rejects(scan('tc-sep', 100, { labelFormat: { label_type: '2' } }), isApiError(400, 'ModelArts.0104', /label_format\.label_type/));
  });

  test('text classification, _result files (label_type 0): row n labels row n; result files are not samples', async () => {
    f.file('tc-res/COMMENTS_1.txt', 'It touches good.\nThree months ago.\nWhy does it heat up?\nA gift.\n');
    f.file('tc-res/COMMENTS_1_result.txt', 'positive\nnegative\nnegative\n');
    f.file('tc-res/COMMENTS_10.txt', 'Alone\n');
    const samples = await scan('tc-res', 100, { labelFormat: { label_type: '0' } });
    assert.deepEqual(
      samples.map((s) => [s.source, labelNames(s)]),
      [
        ['content://It touches good.', ['positive']],
        ['content://Three months ago.', ['negative']],
        ['content://Why does it heat up?', ['negative']],
        ['content://A gift.', []],
        ['content://Alone', []],
      ],
    );
  });

  test('sound classification: folder per label', async () => {
    f.file('snd/Cat/10.wav', 'riff');
    f.file('snd/Rabbit/1.wav', 'riff');
    f.file('snd/Rabbit/1.mp3', 'not accepted');
    const samples = await scan('snd', 200);
    assert.deepEqual(
      samples.map((s) => [s.name, labelNames(s), s.labels?.[0]?.type]),
      [
        ['10.wav', ['Cat'], 200],
        ['1.wav', ['Rabbit'], 200],
      ],
    );
  });

  test('other types take files alone: free format takes every file, NER takes whole text files', async () => {
    f.file('free/a/b.bin', 'bin');
    f.file('free/c.txt', 'text');
    f.file('free/Cat/d.jpg', 'jpg');
    const free = await scan('free', 900);
    assert.deepEqual(
      free.map((s) => [s.name, s.labels]),
      [
        ['d.jpg', undefined],
        ['b.bin', undefined],
        ['c.txt', undefined],
      ],
    );
    const ner = await scan('tc', 101);
    assert.deepEqual(
      ner.map((s) => s.source),
      [`/${B}/tc/comments.txt`],
    );
  });

  test('folder markers and keys the store would refuse are skipped; a bad root is a 400', async () => {
    f.file('odd/ok.jpg', 'ok');
    f.file('odd/back\\slash.jpg', 'bad');
    f.file('odd/ctl\u0001.jpg', 'bad');
    f.file('odd/empty/.keep', '');
    const samples = await scan('odd', 0, { importAnnotations: false });
    assert.deepEqual(
      samples.map((s) => s.source),
      [`/${B}/odd/ok.jpg`],
    );
    await assert.rejects(scan('../odd/', 0), isApiError(400, 'ModelArts.0104'));
    assert.deepEqual(await scan('does/not/exist', 0), []);
  });
});

/** Counts list calls and the page sizes asked for. */
function countingStore(inner: ObjectStore, calls: ListOptions[]): ObjectStore {
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'list') {
        return async (bucket: string, opts?: ListOptions): Promise<ListResult> => {
          calls.push(opts ?? {});
          return target.list(bucket, opts);
        };
      }
      const v: unknown = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

describe('scanDirectory: large folders, paging, abort', () => {
  let f: Fixture;
  before(async () => {
    f = await openFixture();
    for (let i = 0; i < 2500; i++) f.file(`big/${String(i % 7)}/img-${String(i).padStart(5, '0')}.jpg`, 'j');
    // Pairs whose image and label fall on different pages.
    for (let i = 0; i < 40; i++) {
      f.file(`pairs/p${String(i).padStart(3, '0')}.jpg`, 'j');
      f.file(`pairs/p${String(i).padStart(3, '0')}.xml`, VOC_BIKE);
    }
  });
  after(async () => {
    await f.close();
  });

  test('2,500 files over 25 pages come out once each, in batches of at most batchSize', async () => {
    const calls: ListOptions[] = [];
    const store = countingStore(f.store, calls);
    const { items, batches } = await collect(
      scanDirectory(store, { bucket: B, key: 'big' }, datasetTypes[0], { importAnnotations: true, pageSize: 100, batchSize: 300 }),
    );
    assert.equal(items.length, 2500);
    assert.equal(new Set(items.map((s) => s.source)).size, 2500);
    assert.ok(batches.every((n) => n <= 300));
    assert.equal(batches.length, Math.ceil(2500 / 300));
    assert.equal(calls.length, 25);
    assert.ok(calls.every((c) => c.maxKeys === 100 && c.prefix === 'big/'));
    assert.equal(items.find((s) => s.name === 'img-00003.jpg')!.labels![0]!.name, '3');
  });

  test('a label file on the page after its image still pairs', async () => {
    for (const pageSize of [1, 3, 7]) {
      const { items } = await collect(
        scanDirectory(f.store, { bucket: B, key: 'pairs/' }, datasetTypes[1], { importAnnotations: true, pageSize, batchSize: 8 }),
      );
      assert.equal(items.length, 40);
      assert.ok(
        items.every((s) => s.labels?.length === 2),
        `pageSize ${pageSize}`,
      );
    }
  });

  test('abort: stops between pages with the signal reason', async () => {
    const calls: ListOptions[] = [];
    const store = countingStore(f.store, calls);
    const ac = new AbortController();
    const seen: number[] = [];
    await assert.rejects(
      (async () => {
        for await (const b of scanDirectory(store, { bucket: B, key: 'big/' }, datasetTypes[0], {
          importAnnotations: false,
          pageSize: 100,
          batchSize: 100,
          signal: ac.signal,
        })) {
          seen.push(b.length);
          ac.abort();
        }
      })(),
      (e: unknown) => e instanceof Error && e.name === 'AbortError',
    );
    assert.deepEqual(seen, [100]);
    assert.ok(calls.length <= 2);
    const before = new AbortController();
    before.abort();
    await assert.rejects(collect(scanDirectory(f.store, { bucket: B, key: 'big/' }, datasetTypes[0], { importAnnotations: false, signal: before.signal })), {
      name: 'AbortError',
    });
  });
});
