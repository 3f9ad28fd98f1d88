import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { datasetTypes } from '#src/formats/dataset-types.ts';
import type { SampleLabel, SnapshotSample } from '#src/formats/sample-records.ts';
import {
  FormatError,
  manifestTime,
  manifestToNewSample,
  parseManifestLine,
  readManifest,
  readManifestEntries,
  sampleToVoc,
  snapshotToManifestLine,
  writeManifest,
  writeVoc,
  type ManifestSample,
} from '#src/formats/index.ts';
import { B, isApiError, openFixture, VOC_SHAPES, type Fixture } from './fixtures.ts';

// The guide's examples, one per line.
const EXAMPLES = {
  imageClassification: {
    source: 's3://path/to/image1.jpg',
    usage: 'TRAIN',
    hard: 'true',
    'hard-coefficient': 0.8,
    id: '0162005993f8065ef47eefb59d1e4970',
    annotation: [
      {
        type: 'modelarts/image_classification',
        name: 'cat',
        property: { color: 'white', kind: 'Persian cat' },
        hard: 'true',
        'hard-coefficient': 0.8,
        'annotated-by': 'human',
        'creation-time': '2019-01-23 11:30:30',
      },
      {
        type: 'modelarts/image_classification',
        name: 'animal',
        'annotated-by': 'modelarts/active-learning',
        confidence: 0.8,
        'creation-time': '2019-01-23 11:30:30',
      },
    ],
    'inference-loc': '/path/to/inference-output',
  },
  textClassification: {
    source: 'content://I like this product ',
    id: 'XGDVGS',
    annotation: [{ type: 'modelarts/text_classification', name: ' positive', 'annotated-by': 'human', 'creation-time': '2019-01-23 11:30:30' }],
  },
  ner: {
    source: 'content://Michael Jordan is the most famous basketball player in the world.',
    usage: 'TRAIN',
    annotation: [
      {
        type: 'modelarts/text_entity',
        name: 'Person',
        property: { '@modelarts:start_index': 0, '@modelarts:end_index': 14 },
        'annotated-by': 'human',
        'creation-time': '2019-01-23 11:30:30',
      },
      {
        type: 'modelarts/text_entity',
        name: 'Category',
        property: { '@modelarts:start_index': 34, '@modelarts:end_index': 44 },
        'annotated-by': 'human',
        'creation-time': '2019-01-23 11:30:30',
      },
    ],
  },
  triplet: {
    source: 'content://"Three Body" is a series of long science fiction novels created by Liu Cix.',
    usage: 'TRAIN',
    annotation: [
      {
        type: 'modelarts/text_entity',
        name: 'Person',
        id: 'E1',
        property: { '@modelarts:start_index': 67, '@modelarts:end_index': 74 },
        'annotated-by': 'human',
      },
      { type: 'modelarts/text_entity', name: 'Book', id: 'E2', property: { '@modelarts:start_index': 0, '@modelarts:end_index': 12 }, 'annotated-by': 'human' },
      { type: 'modelarts/text_triplet', name: 'Author', id: 'R1', property: { '@modelarts:from': 'E1', '@modelarts:to': 'E2' }, 'annotated-by': 'human' },
    ],
  },
  objectDetection: {
    source: 's3://path/to/image1.jpg',
    usage: 'TRAIN',
    hard: 'true',
    'hard-coefficient': 0.8,
    annotation: [
      {
        type: 'modelarts/object_detection',
        'annotation-loc': 's3://path/to/annotation1.xml',
        'annotation-format': 'PASCAL VOC',
        'annotated-by': 'human',
        'creation-time': '2019-01-23 11:30:30',
      },
    ],
  },
  sound: {
    source: 's3://path/to/pets.wav',
    annotation: [{ type: 'modelarts/audio_classification', name: 'cat', 'annotated-by': 'human', 'creation-time': '2019-01-23 11:30:30' }],
  },
  speech: {
    source: 's3://path/to/audio1.wav',
    annotation: [{ type: 'modelarts/audio_content', property: { '@modelarts:content': 'Today is a good day.' }, 'annotated-by': 'human' }],
  },
  speechParagraph: {
    source: 's3://path/to/audio1.wav',
    usage: 'TRAIN',
    annotation: [
      {
        type: 'modelarts/audio_segmentation',
        property: {
          '@modelarts:start_time': '00:01:10.123',
          '@modelarts:end_time': '00:01:15.456',
          '@modelarts:source': 'Tom',
          '@modelarts:content': 'How are you?',
        },
        'annotated-by': 'human',
      },
    ],
  },
  video: {
    annotation: [
      {
        'annotation-format': 'PASCAL VOC',
        type: 'modelarts/object_detection',
        'annotation-loc': 's3://path/to/annotation1_t1.473722.xml',
        'creation-time': '2020-10-09 14:08:24',
        'annotated-by': 'human',
      },
    ],
    usage: 'train',
    property: { '@modelarts:parent_duration': 8, '@modelarts:parent_source': 's3://path/to/annotation1.mp4', '@modelarts:time_in_video': 1.473722 },
    source: 's3://input/path/to/annotation1_t1.473722.jpg',
    id: '43d88677c1e9a971eeb692a80534b5d5',
    'sample-type': 0,
  },
};

describe('parseManifestLine', () => {
  test('reads every example of the guide', () => {
    for (const [name, example] of Object.entries(EXAMPLES)) {
      const m = parseManifestLine(JSON.stringify(example));
      assert.equal(m.source, example.source, name);
      assert.equal(m.annotation?.length, example.annotation.length, name);
    }
    const ic = parseManifestLine(JSON.stringify(EXAMPLES.imageClassification));
    assert.deepEqual(ic, {
      source: 's3://path/to/image1.jpg',
      usage: 'TRAIN',
      id: '0162005993f8065ef47eefb59d1e4970',
      hard: true,
      'hard-coefficient': 0.8,
      'inference-loc': '/path/to/inference-output',
      annotation: [
        {
          type: 'modelarts/image_classification',
          name: 'cat',
          property: { color: 'white', kind: 'Persian cat' },
          hard: true,
          'hard-coefficient': 0.8,
          'annotated-by': 'human',
          'creation-time': '2019-01-23 11:30:30',
        },
        {
          type: 'modelarts/image_classification',
          name: 'animal',
          'annotated-by': 'modelarts/active-learning',
          confidence: 0.8,
          'creation-time': '2019-01-23 11:30:30',
        },
      ],
    });
    assert.equal(parseManifestLine(JSON.stringify(EXAMPLES.video)).usage, 'TRAIN');
    // The table's bare type names are read as well as the examples' prefixed ones.
    assert.equal(
      parseManifestLine('{"source":"/b/x.jpg","annotation":[{"type":"image_classification","name":"a"}]}').annotation![0]!.type,
      'image_classification',
    );
  });

  test('bad lines: a 400 (ModelArts.4362) naming the line and the field', () => {
    const cases: [string, RegExp][] = [
      ['{"source": "/b/x.jpg",', /line 7\): not valid JSON/],
      ['["source"]', /must be a JSON object/],
      ['{"usage":"TRAIN"}', /line 7, source\): missing/],
      ['{"source":""}', /source\): is empty/],
      ['{"source":42}', /source\): must be a string/],
      ['{"source":"/b/x","usage":"LATER"}', /usage\): must be one of TRAIN, EVAL, TEST, INFERENCE/],
      ['{"source":"/b/x","hard":"maybe"}', /hard\): must be true or false/],
      ['{"source":"/b/x","hard-coefficient":2}', /hard-coefficient\): must be a number within 0\.\.1/],
      ['{"source":"/b/x","annotation":{}}', /annotation\): must be a list/],
      ['{"source":"/b/x","annotation":[{"name":"a"}]}', /annotation\[0\]\.type\): missing/],
      ['{"source":"/b/x","annotation":[{"type":"modelarts/unknown"}]}', /annotation\[0\]\.type\): unknown annotation type/],
      ['{"source":"/b/x","annotation":[{"type":"modelarts/image_classification"}]}', /annotation\[0\]\.name\): missing/],
      ['{"source":"/b/x","annotation":[{"type":"modelarts/object_detection"}]}', /annotation\[0\]\.annotation-loc\): missing/],
      [
        '{"source":"/b/x","annotation":[{"type":"modelarts/object_detection","annotation-loc":"/b/x.xml","annotation-format":"COCO"}]}',
        /annotation-format\): only "PASCAL VOC"/,
      ],
      ['{"source":"/b/x","annotation":[{"type":"image_classification","name":"a","confidence":-1}]}', /annotation\[0\]\.confidence\)/],
      ['{"source":"/b/x","annotation":[{"type":"image_classification","name":"a","property":[1]}]}', /annotation\[0\]\.property\): must be an object/],
      ['{"source":"/b/x","sample-type":3}', /sample-type\): must be one of/],
    ];
    for (const [line, message] of cases) {
      assert.throws(() => parseManifestLine(line, { file: '/b/m.manifest', line: 7 }), isApiError(400, 'ModelArts.4362', message), line);
    }
  });
});

describe('manifests in the object store', () => {
  let f: Fixture;
  const now = Date.UTC(2024, 0, 2, 3, 4, 5);
  before(async () => {
    f = await openFixture();
  });
  after(async () => {
    await f.close();
  });

  test('readManifest streams lines: BOM, CRLF and blank lines; onError skips bad lines with their numbers', async () => {
    f.file('m/a.manifest', `\uFEFF{"source":"s3://${B}/x.jpg"}\r\n\r\n{"source":"/${B}/y.jpg","usage":"eval"}\n{oops}\n{"source":"content://hello"}`);
    await assert.rejects(collectAll(readManifest(f.store, { bucket: B, key: 'm/a.manifest' })), isApiError(400, 'ModelArts.4362', /a\.manifest, line 4\)/));
    const bad: FormatError[] = [];
    const entries = [];
    for await (const e of readManifestEntries(f.store, { bucket: B, key: 'm/a.manifest' }, { onError: (e) => bad.push(e) })) entries.push(e);
    assert.deepEqual(
      entries.map((e) => [e.line, e.sample.source, e.sample.usage]),
      [
        [1, `s3://${B}/x.jpg`, undefined],
        [3, `/${B}/y.jpg`, 'EVAL'],
        [5, 'content://hello', undefined],
      ],
    );
    assert.deepEqual(
      bad.map((e) => e.location.line),
      [4],
    );
    await assert.rejects(collectAll(readManifest(f.store, { bucket: B, key: 'm/none.manifest' })), isApiError(404, 'ModelArts.6624'));
    f.file('m/latin1.manifest', Buffer.from([0x7b, 0x22, 0xe9, 0x22, 0x7d]));
    await assert.rejects(collectAll(readManifest(f.store, { bucket: B, key: 'm/latin1.manifest' })), isApiError(400, 'ModelArts.4362', /not UTF-8/));
  });

  test('manifestToNewSample: object sources get size and time from the store, content sources their text', async () => {
    const t = f.file('img/cat.jpg', 'meow!');
    const ic = await manifestToNewSample(
      f.store,
      parseManifestLine(JSON.stringify({ ...EXAMPLES.imageClassification, source: `s3://${B}/img/cat.jpg` })),
      datasetTypes[0],
      { now },
    );
    assert.deepEqual(ic, {
      source: `/${B}/img/cat.jpg`,
      name: 'cat.jpg',
      size: 5,
      sampleTime: t,
      usage: 'TRAIN',
      metadata: { '@modelarts:hard': 1, '@modelarts:hard_coefficient': 0.8 },
      labels: [
        {
          name: 'cat',
          type: 0,
          annotated_by: 'human',
          property: { color: 'white', kind: 'Persian cat', '@modelarts:hard': 'true', '@modelarts:hard_coefficient': '0.8' },
        },
        { name: 'animal', type: 0, annotated_by: 'modelarts/active-learning', score: 0.8 },
      ],
    });
    const text = await manifestToNewSample(f.store, parseManifestLine(JSON.stringify(EXAMPLES.textClassification)), datasetTypes[100], {
      now,
      at: { file: `/${B}/m/t.manifest` },
    });
    assert.deepEqual(text, {
      source: 'content://I like this product ',
      name: 't.manifest',
      size: 20,
      sampleTime: now,
      labels: [{ name: ' positive', type: 100, annotated_by: 'human' }],
    });
    const bare = await manifestToNewSample(
      f.store,
      parseManifestLine(JSON.stringify({ ...EXAMPLES.imageClassification, source: `/${B}/img/cat.jpg` })),
      datasetTypes[0],
      { now, importAnnotations: false },
    );
    assert.equal(bare.labels, undefined);
    // Table and free-format datasets hold no labels: the sample comes alone.
    assert.equal(
      (await manifestToNewSample(f.store, parseManifestLine(JSON.stringify({ ...EXAMPLES.sound, source: `/${B}/img/cat.jpg` })), datasetTypes[900], { now }))
        .labels,
      undefined,
    );
  });

  test('manifestToNewSample: triplets keep ids and entity type 103; video frames take 600 and their properties', async () => {
    const triplet = await manifestToNewSample(f.store, parseManifestLine(JSON.stringify(EXAMPLES.triplet)), datasetTypes[102], { now });
    assert.deepEqual(
      triplet.labels!.map((l) => [l.id, l.name, l.type]),
      [
        ['E1', 'Person', 103],
        ['E2', 'Book', 103],
        ['R1', 'Author', 102],
      ],
    );
    const ner = await manifestToNewSample(f.store, parseManifestLine(JSON.stringify(EXAMPLES.ner)), datasetTypes[101], { now });
    assert.deepEqual(ner.labels![0], {
      name: 'Person',
      type: 101,
      annotated_by: 'human',
      property: { '@modelarts:start_index': 0, '@modelarts:end_index': 14 },
    });
    f.file('video/frame_t1.jpg', 'frame');
    f.file('video/frame_t1.xml', VOC_SHAPES);
    const line = {
      ...EXAMPLES.video,
      source: `s3://${B}/video/frame_t1.jpg`,
      annotation: [{ ...EXAMPLES.video.annotation[0]!, 'annotation-loc': `s3://${B}/video/frame_t1.xml` }],
    };
    const frame = await manifestToNewSample(f.store, parseManifestLine(JSON.stringify(line)), datasetTypes[600], { now });
    assert.equal(frame.usage, 'TRAIN');
    assert.deepEqual(frame.metadata, { ...EXAMPLES.video.property, '@modelarts:size': [767, 959, 3] });
    assert.deepEqual(
      frame.labels!.map((l) => [l.name, l.type, l.property!['@modelarts:shape']]),
      [
        ['point', 600, 'point'],
        ['line', 600, 'line'],
        ['bag', 600, 'bndbox'],
        ['boots', 600, 'polygon'],
        ['circle', 600, 'circle'],
      ],
    );
  });

  test('manifestToNewSample: missing files, bad paths and labels the dataset cannot hold are 400s naming the field', async () => {
    const run = (line: object, type: keyof typeof datasetTypes) =>
      manifestToNewSample(f.store, parseManifestLine(JSON.stringify(line)), datasetTypes[type], { now, at: { file: '/b/m.manifest', line: 3 } });
    await assert.rejects(
      run({ source: `s3://${B}/img/none.jpg` }, 0),
      isApiError(400, 'ModelArts.4362', /line 3, source\): \/formats-bucket\/img\/none\.jpg does not exist/),
    );
    await assert.rejects(run({ source: `s3://${B}/../etc/passwd` }, 0), isApiError(400, 'ModelArts.4362', /source\).*".."/));
    await assert.rejects(run({ source: 'relative/path.jpg' }, 0), isApiError(400, 'ModelArts.4362', /source\)/));
    await assert.rejects(
      run({ ...EXAMPLES.sound, source: `/${B}/img/cat.jpg` }, 0),
      isApiError(400, 'ModelArts.4362', /annotation\[0\]\.type\): "modelarts\/audio_classification" labels do not fit/),
    );
    await assert.rejects(
      run({ source: `/${B}/img/cat.jpg`, annotation: [{ type: 'modelarts/object_detection', 'annotation-loc': `/${B}/img/none.xml` }] }, 1),
      isApiError(400, 'ModelArts.4362', /annotation\[0\]\.annotation-loc\): \/formats-bucket\/img\/none\.xml does not exist/),
    );
    f.file('img/bad.xml', '<annotation><object>');
    await assert.rejects(
      run({ source: `/${B}/img/cat.jpg`, annotation: [{ type: 'modelarts/object_detection', 'annotation-loc': `/${B}/img/bad.xml` }] }, 1),
      isApiError(400, 'ModelArts.4362', /img\/bad\.xml.*not well-formed XML/),
    );
  });

  test('round trip: frozen samples written as a manifest read back with the same sources, usages and labels', async () => {
    f.file('rt/cat.jpg', 'c');
    f.file('rt/dog.png', 'd');
    f.file('rt/car.jpg', 'car');
    f.file('rt/song.wav', 's');
    const box: SampleLabel = {
      name: 'car',
      type: 1,
      property: {
        '@modelarts:shape': 'bndbox',
        '@modelarts:feature': [
          [1, 2],
          [30, 40],
        ],
      },
      annotated_by: 'human',
    };
    const poly: SampleLabel = {
      name: 'road',
      type: 1,
      property: {
        '@modelarts:shape': 'polygon',
        '@modelarts:feature': [
          [0, 0],
          [10, 0],
          [5, 5],
        ],
        difficult: 1,
      },
      score: 0.5,
      annotated_by: 'human',
    };
    const samples: SnapshotSample[] = [
      {
        id: 's1',
        source: `/${B}/rt/cat.jpg`,
        sampleType: 0,
        usage: 'TRAIN',
        labels: [
          { name: 'cat', type: 0, annotated_by: 'human', property: { '@modelarts:hard': 'true', color: 'white' } },
          { name: 'pet', type: 0, annotated_by: 'modelarts/active-learning', score: 0.75 },
        ],
        metadata: { '@modelarts:import_origin': 0, '@modelarts:hard': 1, '@modelarts:hard_coefficient': 0.4 },
        labeledTime: Date.UTC(2019, 0, 23, 11, 30, 30),
      },
      { id: 's2', source: `/${B}/rt/dog.png`, sampleType: 0, labels: [], metadata: {}, labeledTime: 0 },
      {
        id: 's3',
        source: `/${B}/rt/car.jpg`,
        sampleType: 0,
        usage: 'EVAL',
        labels: [box, poly],
        metadata: { '@modelarts:size': [100, 50, 3] },
        labeledTime: 1,
      },
    ];
    const detection = samples.slice(2);
    const entity: SnapshotSample = {
      id: 's4',
      source: 'content://Liu Cix wrote Three Body',
      sampleType: 1,
      usage: 'TEST',
      labels: [
        { id: 'E1', name: 'Person', type: 103, property: { '@modelarts:start_index': 0, '@modelarts:end_index': 7 }, annotated_by: 'human' },
        { id: 'E2', name: 'Book', type: 103, property: { '@modelarts:start_index': 14, '@modelarts:end_index': 24 }, annotated_by: 'human' },
        { id: 'R1', name: 'Author', type: 102, property: { '@modelarts:from': 'E1', '@modelarts:to': 'E2' }, annotated_by: 'human' },
      ],
      metadata: {},
      labeledTime: 5,
    };
    const speech: SnapshotSample = {
      id: 's5',
      source: `/${B}/rt/song.wav`,
      sampleType: 2,
      labels: [
        {
          name: '',
          type: 202,
          property: { '@modelarts:start_time': '00:00:01.000', '@modelarts:end_time': '00:00:02.500', '@modelarts:source': 'Tom', '@modelarts:content': 'Hi' },
          annotated_by: 'human',
        },
      ],
      metadata: {},
      labeledTime: 5,
    };
    const cases: [keyof typeof datasetTypes, SnapshotSample[], boolean][] = [
      [0, samples.slice(0, 2), false],
      [1, detection, false],
      [1, detection, true],
      [102, [entity], false],
      [202, [speech], false],
    ];
    for (const [type, input, viaVoc] of cases) {
      const path = { bucket: B, key: `rt/v-${type}-${viaVoc}.manifest` };
      async function* lines(): AsyncGenerator<ManifestSample> {
        for (const s of input) {
          if (!viaVoc) {
            yield snapshotToManifestLine(s);
            continue;
          }
          const key = `rt/annotation/${s.id}.xml`;
          await f.store.put(B, key, writeVoc(sampleToVoc(s.source.slice(s.source.lastIndexOf('/') + 1), 'rt', s.labels, s.metadata)));
          yield snapshotToManifestLine(s, { annotationLoc: `/${B}/${key}` });
        }
      }
      await writeManifest(f.store, path, lines());
      const back = [];
      for await (const m of readManifest(f.store, path)) back.push(await manifestToNewSample(f.store, m, datasetTypes[type], { now }));
      assert.deepEqual(
        back.map((s) => [s.source, s.usage, s.labels ?? []]),
        input.map((s) => [s.source, s.usage, s.labels]),
        `type ${type}${viaVoc ? ' via VOC' : ''}`,
      );
      if (type === 1) assert.deepEqual(back[0]!.metadata, { '@modelarts:size': [100, 50, 3] });
    }
    const first = snapshotToManifestLine(samples[0]!);
    assert.equal(first.source, `s3://${B}/rt/cat.jpg`);
    assert.equal(first.hard, true);
    assert.equal(first.property, undefined);
    assert.equal(first.annotation![0]!['creation-time'], '2019-01-23 11:30:30');
    assert.equal(first.annotation![0]!.type, 'modelarts/image_classification');
    assert.equal(manifestTime(0), '1970-01-01 00:00:00');
  });

  test('writeManifest streams many lines; a failing source leaves no object behind', async () => {
    const n = 20_000;
    async function* many(): AsyncGenerator<ManifestSample> {
      for (let i = 0; i < n; i++) yield { source: `s3://${B}/x/${i}.jpg`, usage: 'TRAIN' };
    }
    const info = await writeManifest(f.store, { bucket: B, key: 'w/big.manifest' }, many());
    let count = 0;
    for await (const m of readManifest(f.store, { bucket: B, key: 'w/big.manifest' })) {
      assert.equal(m.source, `s3://${B}/x/${count}.jpg`);
      count++;
    }
    assert.equal(count, n);
    assert.equal(info.size, (await f.store.head(B, 'w/big.manifest'))!.size);
    async function* failing(): AsyncGenerator<string> {
      yield '{"source":"/b/1.jpg"}';
      throw new Error('source broke');
    }
    await assert.rejects(writeManifest(f.store, { bucket: B, key: 'w/failed.manifest' }, failing()), /source broke/);
    assert.equal(await f.store.head(B, 'w/failed.manifest'), null);
    await assert.rejects(
      writeManifest(
        f.store,
        { bucket: B, key: 'w/nl.manifest' },
        (async function* () {
          yield 'a\nb';
        })(),
      ),
      isApiError(400, 'ModelArts.4362', /line break/),
    );
  });
});

async function collectAll<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
