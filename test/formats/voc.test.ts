import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { labelToVocObject, parseVoc, sampleToVoc, vocObjectToLabel, vocToSampleParts, writeVoc, type VocAnnotation } from '#src/formats/index.ts';
import { isApiError, VOC_BIKE, VOC_SHAPES } from './fixtures.ts';

describe('PASCAL VOC', () => {
  test('reads the guide examples: header, size, every shape, the unclosed <r> of its circle', () => {
    const bike = parseVoc(VOC_BIKE, '/b/bike.xml');
    assert.deepEqual(bike, {
      folder: 'NA',
      filename: 'bike_1_1593531469339.png',
      size: { width: 554, height: 606, depth: 3 },
      segmented: 0,
      objects: [
        {
          name: 'Rabbit',
          shape: 'bndbox',
          feature: [
            [279, 52],
            [474, 278],
          ],
          pose: 'Unspecified',
          truncated: 0,
          difficult: 0,
          occluded: 0,
        },
        {
          name: 'Cat',
          shape: 'bndbox',
          feature: [
            [279, 198],
            [456, 421],
          ],
          pose: 'Unspecified',
          truncated: 0,
          difficult: 0,
          occluded: 0,
        },
      ],
    });
    const shapes = parseVoc(VOC_SHAPES);
    assert.deepEqual(
      shapes.objects.map((o) => [o.shape, o.feature]),
      [
        ['point', [[456, 596]]],
        [
          'line',
          [
            [133, 651],
            [229, 561],
          ],
        ],
        [
          'bndbox',
          [
            [108, 101],
            [251, 238],
          ],
        ],
        [
          'polygon',
          [
            [373, 264],
            [500, 198],
            [437, 76],
            [310, 142],
          ],
        ],
        ['circle', [[405, 170], [100]]],
      ],
    );
    assert.equal(shapes.objects[3]!.hardCoefficient, 0.8);
  });

  test('variants: point as <x>/<y>, float coordinates, a single object, confidence, no size, dashed and polyline', () => {
    const a = parseVoc(`<annotation><filename>a.jpg</filename>
      <object><name>p</name><point><x>1.5</x><y>2</y></point><confidence>0.25</confidence></object></annotation>`);
    assert.deepEqual(a.objects, [{ name: 'p', shape: 'point', feature: [[1.5, 2]], confidence: 0.25 }]);
    assert.equal(a.size, undefined);
    const b = parseVoc(`<annotation><size><width>0</width><height>0</height></size>
      <object><name>d</name><dashed><x1>0</x1><y1>0</y1><x2>5000</x2><y2>1</y2></dashed></object>
      <object><name>l</name><polyline><x1>0</x1><y1>0</y1><x2>1</x2><y2>1</y2><x3>2</x3><y3>0</y3></polyline></object></annotation>`);
    assert.deepEqual(
      b.objects.map((o) => [o.shape, o.feature.length]),
      [
        ['dashed', 2],
        ['polyline', 3],
      ],
    );
    assert.deepEqual(parseVoc('<annotation><folder>x</folder></annotation>').objects, []);
  });

  test('malformed files: a 400 naming the file, the line or the field', () => {
    const cases: [string, RegExp][] = [
      ['<annotation><object><name>a</name>', /x\.xml.*not well-formed XML/],
      ['<annotation>\n<object>\n<name>a</b>\n</object></annotation>', /x\.xml, line 3\): not well-formed XML/],
      ['not xml at all', /no <annotation> root element|not well-formed/],
      ['<doc><object/></doc>', /annotation\): no <annotation> root element/],
      ['<annotation><object><pose>x</pose><bndbox><xmin>1</xmin></bndbox></object></annotation>', /object\[0\]\.name\): missing/],
      ['<annotation><object><name>a</name></object></annotation>', /object\[0\]\): has no shape/],
      [
        '<annotation><object><name>a</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</xmax></bndbox></object></annotation>',
        /object\[0\]\.bndbox\.ymax\): missing/,
      ],
      [
        '<annotation><object><name>a</name><bndbox><xmin>5</xmin><ymin>1</ymin><xmax>2</xmax><ymax>3</ymax></bndbox></object></annotation>',
        /object\[0\]\.bndbox\): xmin\/ymin must not be past xmax\/ymax/,
      ],
      [
        '<annotation><object><name>a</name><polygon><x1>1</x1><y1>1</y1><x2>2</x2><y2>2</y2></polygon></object></annotation>',
        /polygon\): needs at least 3 points/,
      ],
      ['<annotation><object><name>a</name><circle><cx>1</cx><cy>1</cy><r>-1</r></circle></object></annotation>', /circle\.r\): radius is negative/],
      [
        '<annotation><size><width>10</width><height>10</height></size><object><name>a</name><point><x>11</x><y>1</y></point></object></annotation>',
        /outside the 10x10 image/,
      ],
      ['<annotation><object><name>a</name><point><x>-1</x><y>1</y></point></object></annotation>', /must not be negative/],
      ['<annotation><size><width>wide</width><height>1</height></size></annotation>', /size\.width\): not a number/],
      [
        '<annotation><object><name>a</name><confidence>3</confidence><point><x>1</x><y>1</y></point></object></annotation>',
        /confidence\): must be within 0\.\.1/,
      ],
    ];
    for (const [xml, message] of cases) assert.throws(() => parseVoc(xml, '/b/x.xml'), isApiError(400, 'ModelArts.4362', message), xml);
  });

  test('write then read gives the same annotation; names are escaped', () => {
    const a: VocAnnotation = {
      folder: 'imgs',
      filename: 'a&b <1>.jpg',
      size: { width: 100, height: 80, depth: 1 },
      segmented: 0,
      objects: [
        {
          name: 'cat & "dog"',
          shape: 'bndbox',
          feature: [
            [1, 2],
            [30.5, 40],
          ],
          pose: 'Left',
          truncated: 1,
          occluded: 0,
          difficult: 1,
          confidence: 0.9,
          hardCoefficient: 0.3,
        },
        { name: 'p', shape: 'point', feature: [[5, 6]], pose: 'Unspecified', truncated: 0, occluded: 0, difficult: 0 },
        {
          name: 'l',
          shape: 'line',
          feature: [
            [0, 0],
            [9, 9],
          ],
          pose: 'Unspecified',
          truncated: 0,
          occluded: 0,
          difficult: 0,
        },
        {
          name: 'g',
          shape: 'polygon',
          feature: [
            [0, 0],
            [9, 0],
            [9, 9],
            [0, 9],
          ],
          pose: 'Unspecified',
          truncated: 0,
          occluded: 0,
          difficult: 0,
        },
        { name: 'c', shape: 'circle', feature: [[50, 40], [10]], pose: 'Unspecified', truncated: 0, occluded: 0, difficult: 0 },
      ],
    };
    const xml = writeVoc(a);
    assert.match(xml, /<name>cat &amp; &quot;dog&quot;<\/name>/);
    assert.match(xml, /<point>\s*<x>5<\/x>\s*<y>6<\/y>\s*<\/point>/);
    assert.deepEqual(parseVoc(xml), a);
  });

  test('labels: shapes as @modelarts:shape/@modelarts:feature, VOC defaults left out, back to the same objects', () => {
    const doc = parseVoc(VOC_SHAPES);
    const parts = vocToSampleParts(doc, 1);
    assert.deepEqual(parts.metadata, { '@modelarts:size': [767, 959, 3] });
    assert.deepEqual(parts.labels[4], { name: 'circle', type: 1, property: { '@modelarts:shape': 'circle', '@modelarts:feature': [[405, 170], [100]] } });
    const back = sampleToVoc('260730932.jpg', 'test_data', parts.labels, parts.metadata);
    assert.deepEqual(
      back.objects.map((o) => [o.name, o.shape, o.feature, o.hardCoefficient]),
      doc.objects.map((o) => [o.name, o.shape, o.feature, o.hardCoefficient]),
    );
    assert.deepEqual(back.size, { width: 767, height: 959, depth: 3 });
    const label = vocObjectToLabel(
      {
        name: 'x',
        shape: 'bndbox',
        feature: [
          [0, 0],
          [1, 1],
        ],
        pose: 'Rear',
        difficult: 1,
        truncated: 0,
        confidence: 0.5,
      },
      600,
    );
    assert.deepEqual(label, {
      name: 'x',
      type: 600,
      score: 0.5,
      property: {
        '@modelarts:shape': 'bndbox',
        '@modelarts:feature': [
          [0, 0],
          [1, 1],
        ],
        pose: 'Rear',
        difficult: 1,
      },
    });
    // Labels without a usable shape have no VOC object.
    assert.equal(labelToVocObject({ name: 'cat', type: 0 }), undefined);
    assert.equal(labelToVocObject({ name: 'bad', type: 1, property: { '@modelarts:shape': 'bndbox', '@modelarts:feature': [[0, 0]] } }), undefined);
    assert.equal(
      labelToVocObject({
        name: 'bad',
        type: 1,
        property: {
          '@modelarts:shape': 'hexagon',
          '@modelarts:feature': [
            [0, 0],
            [1, 1],
          ],
        },
      }),
      undefined,
    );
  });
});
