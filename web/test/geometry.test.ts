import { describe, expect, test } from 'vitest';
import {
  addPolygonPoint,
  canClose,
  centredBox,
  clampPoint,
  featureOf,
  handlePoints,
  HANDLES,
  MIN_SIZE,
  moveShape,
  moveVertex,
  rectFromDrag,
  resizeBy,
  resizeRect,
  shapeAt,
  shapeFromFeature,
  type Rect,
  type Shape,
} from '../src/workbench/geometry.ts';

const size = { width: 200, height: 100 };
const box: Rect = { x1: 50, y1: 20, x2: 100, y2: 60 };

describe('drawing a box', () => {
  test('a drag in any direction gives the same box, corners upper left then lower right', () => {
    expect(rectFromDrag([10, 10], [60, 40], size)).toEqual({ x1: 10, y1: 10, x2: 60, y2: 40 });
    expect(rectFromDrag([60, 40], [10, 10], size)).toEqual({ x1: 10, y1: 10, x2: 60, y2: 40 });
    expect(rectFromDrag([60, 10], [10, 40], size)).toEqual({ x1: 10, y1: 10, x2: 60, y2: 40 });
  });
  test('a drag past the image ends at its edges', () => {
    expect(rectFromDrag([-30, -5], [250, 130], size)).toEqual({ x1: 0, y1: 0, x2: 200, y2: 100 });
  });
  test('coordinates are whole pixels', () => {
    expect(rectFromDrag([10.4, 10.6], [60.5, 40.2], size)).toEqual({ x1: 10, y1: 11, x2: 61, y2: 40 });
  });
  test(`a side under ${MIN_SIZE} pixels is a click, not a box`, () => {
    expect(rectFromDrag([10, 10], [12, 60], size)).toBeNull();
    expect(rectFromDrag([10, 10], [60, 10 + MIN_SIZE - 1], size)).toBeNull();
    expect(rectFromDrag([10, 10], [10 + MIN_SIZE, 10 + MIN_SIZE], size)).toEqual({ x1: 10, y1: 10, x2: 14, y2: 14 });
  });
});

describe('resizing a box', () => {
  test('each handle moves its own edges only', () => {
    const to: [number, number] = [30, 80];
    const expected: Record<string, Rect> = {
      nw: { x1: 30, y1: 56, x2: 100, y2: 60 },
      n: { x1: 50, y1: 56, x2: 100, y2: 60 },
      ne: { x1: 50, y1: 56, x2: 54, y2: 60 },
      e: { x1: 50, y1: 20, x2: 54, y2: 60 },
      se: { x1: 50, y1: 20, x2: 54, y2: 80 },
      s: { x1: 50, y1: 20, x2: 100, y2: 80 },
      sw: { x1: 30, y1: 20, x2: 100, y2: 80 },
      w: { x1: 30, y1: 20, x2: 100, y2: 60 },
    };
    for (const h of HANDLES) expect([h, resizeRect(box, h, to, size)]).toEqual([h, expected[h]]);
  });
  test('outward drags grow the box up to the image edges', () => {
    expect(resizeRect(box, 'nw', [-20, -20], size)).toEqual({ x1: 0, y1: 0, x2: 100, y2: 60 });
    expect(resizeRect(box, 'se', [500, 500], size)).toEqual({ x1: 50, y1: 20, x2: 200, y2: 100 });
    expect(resizeRect(box, 'e', [150, 0], size)).toEqual({ x1: 50, y1: 20, x2: 150, y2: 60 });
    expect(resizeRect(box, 'n', [0, 5], size)).toEqual({ x1: 50, y1: 5, x2: 100, y2: 60 });
  });
  test('an edge dragged across the opposite one stops at the minimum size', () => {
    expect(resizeRect(box, 'w', [180, 40], size)).toEqual({ x1: 100 - MIN_SIZE, y1: 20, x2: 100, y2: 60 });
    expect(resizeRect(box, 's', [0, 0], size)).toEqual({ x1: 50, y1: 20, x2: 100, y2: 20 + MIN_SIZE });
  });
  test('the handles sit on the corners and the middles of the sides', () => {
    const h = handlePoints(box);
    expect(h.nw).toEqual([50, 20]);
    expect(h.se).toEqual([100, 60]);
    expect(h.n).toEqual([75, 20]);
    expect(h.w).toEqual([50, 40]);
  });
});

describe('moving and clamping', () => {
  const b: Shape = { kind: 'bndbox', rect: box };
  test('a box moves by the drag', () => {
    expect(moveShape(b, 10, -5, size)).toEqual({ kind: 'bndbox', rect: { x1: 60, y1: 15, x2: 110, y2: 55 } });
  });
  test('a move that would leave the image stops at its edge, keeping the size', () => {
    expect(moveShape(b, 500, 500, size)).toEqual({ kind: 'bndbox', rect: { x1: 150, y1: 60, x2: 200, y2: 100 } });
    expect(moveShape(b, -500, -500, size)).toEqual({ kind: 'bndbox', rect: { x1: 0, y1: 0, x2: 50, y2: 40 } });
  });
  test('a polygon moves as a whole and stays inside', () => {
    const p: Shape = {
      kind: 'polygon',
      points: [
        [10, 10],
        [40, 10],
        [25, 30],
      ],
    };
    expect(moveShape(p, -50, 100, size)).toEqual({
      kind: 'polygon',
      points: [
        [0, 80],
        [30, 80],
        [15, 100],
      ],
    });
  });
  test('points are clamped to the image', () => {
    expect(clampPoint([-1, 300], size)).toEqual([0, 100]);
    expect(moveVertex([[1, 1] as const, [5, 5] as const], 1, [999, -3], size)).toEqual([
      [1, 1],
      [200, 0],
    ]);
  });
});

describe('polygons', () => {
  const tri: [number, number][] = [
    [10, 10],
    [50, 10],
    [30, 40],
  ];
  test('points are added one by one, a repeated click adds nothing', () => {
    let r = addPolygonPoint([], [10, 10], size, 5);
    r = addPolygonPoint(r.points, [50, 10], size, 5);
    r = addPolygonPoint(r.points, [50, 10], size, 5);
    expect(r).toEqual({
      points: [
        [10, 10],
        [50, 10],
      ],
      closed: false,
    });
  });
  test('a click near the first point closes it once it has three points', () => {
    expect(addPolygonPoint(tri.slice(0, 2), [11, 11], size, 5).closed).toBe(false);
    expect(addPolygonPoint(tri, [12, 9], size, 5)).toEqual({ points: tri, closed: true });
  });
  test('three points on one line cannot close', () => {
    expect(canClose(tri)).toBe(true);
    expect(
      canClose([
        [0, 0],
        [10, 10],
        [20, 20],
      ]),
    ).toBe(false);
    expect(canClose(tri.slice(0, 2))).toBe(false);
  });
  test('a click outside the image adds a point on its edge', () => {
    expect(addPolygonPoint([], [-10, 500], size, 5).points).toEqual([[0, 100]]);
  });
});

describe('hit testing and the API form', () => {
  test('the topmost shape under the point is found', () => {
    const shapes: Shape[] = [
      { kind: 'bndbox', rect: { x1: 0, y1: 0, x2: 100, y2: 100 } },
      {
        kind: 'polygon',
        points: [
          [40, 40],
          [80, 40],
          [60, 80],
        ],
      },
    ];
    expect(shapeAt(shapes, [60, 50])).toBe(1);
    expect(shapeAt(shapes, [10, 10])).toBe(0);
    expect(shapeAt(shapes, [150, 10])).toBe(-1);
  });
  test('features round-trip: a box is its two corners, a polygon its points', () => {
    const b: Shape = { kind: 'bndbox', rect: box };
    expect(featureOf(b)).toEqual([
      [50, 20],
      [100, 60],
    ]);
    expect(shapeFromFeature('bndbox', featureOf(b))).toEqual(b);
    expect(
      shapeFromFeature('polygon', [
        [1, 2],
        [3, 4],
        [5, 1],
      ]),
    ).toEqual({
      kind: 'polygon',
      points: [
        [1, 2],
        [3, 4],
        [5, 1],
      ],
    });
    expect(shapeFromFeature('circle', [[1, 2], [3]])).toBeNull();
    expect(shapeFromFeature('polygon', [[1, 2]])).toBeNull();
  });
});

describe('boxes placed and shaped from the keyboard', () => {
  const size = { width: 400, height: 300 };
  test('a new box is a quarter of each side, in the middle of the image', () => {
    expect(centredBox(size)).toEqual({ x1: 150, y1: 113, x2: 250, y2: 188 });
    expect(centredBox({ width: 8, height: 6 })).toEqual({ x1: 2, y1: 1, x2: 6, y2: 5 });
    expect(centredBox({ width: 3, height: 3 })).toEqual({ x1: 0, y1: 0, x2: 3, y2: 3 });
  });
  test('resizing moves the lower right corner, stops at the image and never goes under the smallest size', () => {
    const r: Rect = { x1: 150, y1: 113, x2: 250, y2: 188 };
    expect(resizeBy(r, 10, -3, size)).toEqual({ x1: 150, y1: 113, x2: 260, y2: 185 });
    expect(resizeBy(r, 500, 500, size)).toEqual({ x1: 150, y1: 113, x2: 400, y2: 300 });
    expect(resizeBy(r, -500, -500, size)).toEqual({ x1: 150, y1: 113, x2: 150 + MIN_SIZE, y2: 113 + MIN_SIZE });
  });
});
