// COCO instances: boxes and polygons written from sample labels read back as the same labels; a
// document that is not COCO is a 400 naming the file.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CocoBuilder, readCoco, type SampleLabel } from '#src/formats/index.ts';
import { isApiError } from './fixtures.ts';

const box = (name: string, x1: number, y1: number, x2: number, y2: number, score?: number): SampleLabel => ({
  name,
  type: 1,
  property: {
    '@modelarts:shape': 'bndbox',
    '@modelarts:feature': [
      [x1, y1],
      [x2, y2],
    ],
  },
  ...(score !== undefined ? { score } : {}),
});

describe('COCO', () => {
  test('round trip: boxes, a polygon, scores and sizes; other shapes and classification labels are left out', () => {
    const polygon: SampleLabel = {
      name: 'lake',
      type: 1,
      property: {
        '@modelarts:shape': 'polygon',
        '@modelarts:feature': [
          [1, 1],
          [9, 2],
          [5, 8],
        ],
      },
    };
    const point: SampleLabel = { name: 'dot', type: 1, property: { '@modelarts:shape': 'point', '@modelarts:feature': [[3, 3]] } };
    const b = new CocoBuilder();
    assert.equal(
      b.add('one.jpg', { labels: [box('car', 1, 2, 11, 22), box('bike', 5, 5, 8, 9, 0.75), polygon, point], metadata: { '@modelarts:size': [100, 50, 3] } }),
      3,
    );
    assert.equal(b.add('none.jpg', { labels: [{ name: 'cat', type: 0 }], metadata: {} }), 0);
    const doc = JSON.parse(b.toJSON()) as { categories: { name: string }[]; annotations: { bbox: number[] }[] };
    assert.deepEqual(
      doc.categories.map((c) => c.name),
      ['car', 'bike', 'lake'],
    );
    assert.deepEqual(doc.annotations[0]!.bbox, [1, 2, 10, 20]);
    const back = readCoco(b.toJSON(), '/b/coco.json', 1);
    assert.deepEqual(back.get('one.jpg'), {
      labels: [box('car', 1, 2, 11, 22), box('bike', 5, 5, 8, 9, 0.75), polygon],
      metadata: { '@modelarts:size': [100, 50, 3] },
    });
    assert.deepEqual(back.get('none.jpg'), { labels: [], metadata: {} });
  });

  test('not COCO: a 400 (ModelArts.4362) naming the file', () => {
    assert.throws(() => readCoco('{"images": [', '/b/x.json', 1), isApiError(400, 'ModelArts.4362', /\/b\/x\.json/));
    assert.throws(() => readCoco('{"images": []}', '/b/x.json', 1), isApiError(400, 'ModelArts.4362', /categories/));
    assert.throws(
      () =>
        readCoco(
          '{"images": [{"id": 1, "file_name": "a.jpg"}], "categories": [], "annotations": [{"id": 7, "image_id": 1, "category_id": 3, "bbox": [0,0,1,1]}]}',
          '/b/x.json',
          1,
        ),
      isApiError(400, 'ModelArts.4362', /annotation 7/),
    );
  });
});
