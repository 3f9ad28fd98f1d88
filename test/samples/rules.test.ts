// Pure rules of the samples family: label shapes and attributes, search conditions, ids, counters.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '#src/core/errors.ts';
import { checkMetadata, checkSampleLabel, checkShape, checkTripletRefs } from '#src/modules/samples/annotation-rules.ts';
import { CounterDelta, countedMetadata, labelSetOf } from '#src/modules/samples/sample-model.ts';
import { sampleId } from '#src/modules/samples/sample-rows.ts';
import { checkSampleName, decodeBase64 } from '#src/modules/samples/upload-plan.ts';
import { parseRange, parseSearchConditions, parseTimeRange } from '#src/modules/samples/search-conditions.ts';
import { SampleState } from '#src/modules/samples/tables.ts';

const refused = (fn: () => unknown, code: string, text?: string) =>
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ApiError);
    assert.equal(e.code, code);
    if (text) assert.ok(e.message.includes(text), `"${e.message}" mentions "${text}"`);
    return true;
  });

describe('label rules', () => {
  test('shapes: the point rules of each shape', () => {
    checkShape(
      'bndbox',
      [
        [0, 10],
        [50, 95],
      ],
      'p',
    );
    checkShape('circle', [[100, 100], [50]], 'p');
    checkShape(
      'polyline',
      [
        [0, 100],
        [50, 95],
      ],
      'p',
    );
    refused(() => checkShape('square', [[0, 0]], 'p'), 'ModelArts.4413', 'p.@modelarts:shape');
    refused(
      () =>
        checkShape(
          'bndbox',
          [
            [0, 10],
            [0, 95],
          ],
          'p',
        ),
      'ModelArts.4413',
      'upper left',
    );
    refused(() => checkShape('line', [[0, 10]], 'p'), 'ModelArts.4413');
    refused(() => checkShape('point', 'x', 'p'), 'ModelArts.4413');
    refused(
      () =>
        checkShape(
          'polygon',
          [
            [0, 0],
            [1, 1],
            [2, 'x'],
          ],
          'p',
        ),
      'ModelArts.4413',
    );
  });

  test('hard-example attributes and scores on any label', () => {
    checkSampleLabel({ property: { '@modelarts:hard': 'true', '@modelarts:hard_coefficient': '0.3', '@modelarts:hard_reasons': '3-20-21-19' } }, 0, 'l');
    refused(() => checkSampleLabel({ property: { '@modelarts:hard_reasons': '3-31' } }, 0, 'l'), 'ModelArts.0104', 'hard_reasons');
    refused(() => checkSampleLabel({ property: { '@modelarts:hard_coefficient': 2 } }, 0, 'l'), 'ModelArts.0104');
    refused(() => checkSampleLabel({ property: { '@modelarts:hard': 'maybe' } }, 0, 'l'), 'ModelArts.0104');
    refused(() => checkSampleLabel({ score: 1.5 }, 0, 'l'), 'ModelArts.0104', 'l.score');
    refused(() => checkSampleLabel({ annotated_by: 'robot' }, 600, 'l'), 'ModelArts.0104');
  });

  test('triplet relations point at entities of the same sample, of the defined entity labels', () => {
    const defs = new Map([['rel', { property: { '@modelarts:from_type': 'A', '@modelarts:to_type': 'B' } }]]);
    const labels = [
      { id: '1', name: 'A', type: 103 },
      { id: '2', name: 'B', type: 103 },
      { name: 'rel', type: 102, property: { '@modelarts:from': '1', '@modelarts:to': '2' } },
    ];
    checkTripletRefs(labels, (n) => defs.get(n), 'f');
    refused(() => checkTripletRefs([labels[0]!, labels[2]!], (n) => defs.get(n), 'f'), 'ModelArts.4414', 'f[1]');
    refused(
      () => checkTripletRefs([...labels.slice(0, 2), { ...labels[2]!, property: { '@modelarts:from': '2', '@modelarts:to': '1' } }], (n) => defs.get(n), 'f'),
      'ModelArts.4413',
    );
  });

  test('metadata built-ins', () => {
    checkMetadata({ '@modelarts:size': [100, 200], '@modelarts:hard': 1, '@modelarts:hard_reasons': [0, 30], other: { any: 'thing' } }, 'm');
    refused(() => checkMetadata({ '@modelarts:size': [100] }, 'm'), 'ModelArts.0104', 'm.@modelarts:size');
    refused(() => checkMetadata({ '@modelarts:hard': 2 }, 'm'), 'ModelArts.0104');
    refused(() => checkMetadata({ '@modelarts:import_origin': 'x' }, 'm'), 'ModelArts.0104');
  });
});

describe('upload input', () => {
  test('base64: padded standard or unpadded url-safe; anything else refused', () => {
    assert.equal(decodeBase64(Buffer.from('hello?').toString('base64'), 'd').toString(), 'hello?');
    assert.equal(decodeBase64(Buffer.from('hello?').toString('base64url'), 'd').toString(), 'hello?');
    assert.equal(decodeBase64('', 'd').length, 0);
    for (const bad of ['a b=', '@@@@', 'abcde', 'ab=c', 'abc=d===']) refused(() => decodeBase64(bad, 'body.data'), 'ModelArts.0104', 'body.data');
  });

  test('sample names are plain file names', () => {
    checkSampleName('photo 1.jpg', 'n');
    checkSampleName('草莓.png', 'n');
    for (const bad of ['', '.', '..', 'a/b.jpg', 'a\\b.jpg', 'x<y.jpg', "it's.jpg", 'a\nb.jpg'])
      refused(() => checkSampleName(bad, 'n'), 'ModelArts.0104', 'n');
  });
});

describe('search conditions', () => {
  test('a JSON list (or one object) of checked conditions', () => {
    assert.deepEqual(parseSearchConditions('[{"hard":"1"},{"sample_name":"a.jpg"}]'), [{ hard: '1' }, { sample_name: 'a.jpg' }]);
    assert.deepEqual(parseSearchConditions('{"labeler":"human/x"}'), [{ labeler: 'human/x' }]);
    refused(() => parseSearchConditions('nope'), 'ModelArts.0104', 'query.search_conditions');
    refused(() => parseSearchConditions('[{"label_list":{"op":"XOR"}}]'), 'ModelArts.0104', 'query.search_conditions[0].label_list.op');
    refused(() => parseSearchConditions('[{"study_date":"20200101"}]'), 'ModelArts.0104', 'study_date');
  });

  test('ranges and time windows', () => {
    assert.deepEqual(parseRange('0.2-0.8', 'f'), { low: 0.2, high: 0.8 });
    assert.deepEqual(parseRange('0.5', 'f'), { low: 0.5, high: 1 });
    for (const bad of ['0.8-0.2', '1.5', 'x', '-1']) refused(() => parseRange(bad, 'f'), 'ModelArts.0104', 'f');
    const now = Date.UTC(2024, 5, 15);
    assert.deepEqual(parseTimeRange('day', now, 'f'), { from: now - 86_400_000, to: now });
    assert.deepEqual(parseTimeRange('20240601-20240602', now, 'f'), { from: Date.UTC(2024, 5, 1), to: Date.UTC(2024, 5, 3) - 1 });
    for (const bad of ['20240601-20240801', '20240231-20240301', '20240602-20240601', 'week'])
      refused(() => parseTimeRange(bad, now, 'f'), 'ModelArts.0104', 'f');
  });
});

describe('sample model', () => {
  test('sample ids: 32 hex characters, in time order', () => {
    const a = sampleId(1_700_000_000_000);
    const b = sampleId(1_700_000_000_001);
    assert.match(a, /^[0-9a-f]{32}$/);
    assert.ok(a < b);
  });

  test('label sets and counted metadata', () => {
    assert.equal(labelSetOf([{ label: 7 }, { label: 3 }, { label: 7 }]), ',3,7,');
    assert.equal(labelSetOf([]), '');
    assert.deepEqual(countedMetadata({ '@modelarts:size': [1, 2], tags: ['a', 'b'], n: 3, o: { x: 1 } }), [
      { key: 'tags', value: 'a' },
      { key: 'tags', value: 'b' },
      { key: 'n', value: '3' },
    ]);
  });

  test('counter deltas of adding, relabeling and removing samples', () => {
    const d = new CounterDelta();
    const labeled = { state: SampleState.manual, annotations: [{ label: 1 }, { label: 1 }, { label: 2 }], hard: true, metadata: { g: 'x' } };
    d.add(labeled, 1);
    assert.deepEqual([d.total, d.manual, d.hard, d.multi], [1, 1, 1, 1]);
    assert.deepEqual(d.labels.get(1), { countManual: 2, samplesManual: 1, countAuto: 0, samplesAuto: 0 });
    d.change(labeled, { state: SampleState.none, annotations: [], hard: false, metadata: {} });
    assert.deepEqual([d.total, d.manual, d.hard, d.multi], [1, 0, 0, 0]);
    assert.deepEqual(d.labels.get(1), { countManual: 0, samplesManual: 0, countAuto: 0, samplesAuto: 0 });
    assert.equal(d.metadata.get('g\u0000x')!.n, 0);
    d.add({ state: SampleState.none, annotations: [], hard: false, metadata: {} }, -1);
    assert.equal(d.isEmpty, true);
  });
});
