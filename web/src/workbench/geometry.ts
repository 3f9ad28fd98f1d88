// Geometry of the shapes drawn on an image, in image pixels: boxes drawn by dragging, resized from
// eight handles, moved, polygons built point by point; every result stays inside the image.

export type Point = readonly [number, number];

export interface Size {
  width: number;
  height: number;
}

/** An axis-aligned box, upper left corner (x1, y1) strictly above and left of (x2, y2). */
export interface Rect {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export type Shape = { kind: 'bndbox'; rect: Rect } | { kind: 'polygon'; points: Point[] };

export type Handle = 'nw' | 'n' | 'ne' | 'e' | 'se' | 's' | 'sw' | 'w';
export const HANDLES: readonly Handle[] = ['nw', 'n', 'ne', 'e', 'se', 's', 'sw', 'w'];

/** The smallest side of a box, in image pixels: a shorter drag is a click, not a box. */
export const MIN_SIZE = 4;

const limit = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/** The point moved inside the image and rounded to whole pixels. */
export function clampPoint(p: Point, size: Size): Point {
  return [Math.round(limit(p[0], 0, size.width)), Math.round(limit(p[1], 0, size.height))];
}

/** The box a drag from `a` to `b` draws (either direction), or null when a side is under `min`. */
export function rectFromDrag(a: Point, b: Point, size: Size, min = MIN_SIZE): Rect | null {
  const [ax, ay] = clampPoint(a, size);
  const [bx, by] = clampPoint(b, size);
  const r = { x1: Math.min(ax, bx), y1: Math.min(ay, by), x2: Math.max(ax, bx), y2: Math.max(ay, by) };
  return r.x2 - r.x1 < min || r.y2 - r.y1 < min ? null : r;
}

/**
 * The box with the edges a handle holds moved to `to` (clamped to the image). An edge stops `min`
 * pixels short of the opposite one, so a box never turns inside out or vanishes.
 */
export function resizeRect(r: Rect, handle: Handle, to: Point, size: Size, min = MIN_SIZE): Rect {
  const [x, y] = clampPoint(to, size);
  const out = { ...r };
  if (handle.includes('w')) out.x1 = Math.min(x, r.x2 - min);
  if (handle.includes('e')) out.x2 = Math.max(x, r.x1 + min);
  if (handle.includes('n')) out.y1 = Math.min(y, r.y2 - min);
  if (handle.includes('s')) out.y2 = Math.max(y, r.y1 + min);
  return { x1: Math.max(0, out.x1), y1: Math.max(0, out.y1), x2: Math.min(size.width, out.x2), y2: Math.min(size.height, out.y2) };
}

/** A new box placed from the keyboard: a quarter of each side of the image, in its middle. */
export function centredBox(size: Size, min = MIN_SIZE): Rect {
  const w = Math.min(size.width, Math.max(min, Math.round(size.width / 4)));
  const h = Math.min(size.height, Math.max(min, Math.round(size.height / 4)));
  const x1 = Math.round((size.width - w) / 2);
  const y1 = Math.round((size.height - h) / 2);
  return { x1, y1, x2: x1 + w, y2: y1 + h };
}

/** The box grown (or shrunk, for negative steps) by moving its lower right corner, inside the image and never under `min`. */
export function resizeBy(r: Rect, dx: number, dy: number, size: Size, min = MIN_SIZE): Rect {
  return resizeRect(r, 'se', [r.x2 + dx, r.y2 + dy], size, min);
}

/** Where each handle of a box sits. */
export function handlePoints(r: Rect): Record<Handle, Point> {
  const mx = (r.x1 + r.x2) / 2;
  const my = (r.y1 + r.y2) / 2;
  return { nw: [r.x1, r.y1], n: [mx, r.y1], ne: [r.x2, r.y1], e: [r.x2, my], se: [r.x2, r.y2], s: [mx, r.y2], sw: [r.x1, r.y2], w: [r.x1, my] };
}

/** The smallest box holding every point. */
export function boundsOf(points: readonly Point[]): Rect {
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  return { x1: Math.min(...xs), y1: Math.min(...ys), x2: Math.max(...xs), y2: Math.max(...ys) };
}

export const shapeBounds = (s: Shape): Rect => (s.kind === 'bndbox' ? s.rect : boundsOf(s.points));

/** The shape moved by (dx, dy), the move shortened so that no part of it leaves the image. */
export function moveShape(s: Shape, dx: number, dy: number, size: Size): Shape {
  const b = shapeBounds(s);
  const mx = Math.round(limit(dx, -b.x1, size.width - b.x2));
  const my = Math.round(limit(dy, -b.y1, size.height - b.y2));
  if (s.kind === 'bndbox') return { kind: 'bndbox', rect: { x1: b.x1 + mx, y1: b.y1 + my, x2: b.x2 + mx, y2: b.y2 + my } };
  return { kind: 'polygon', points: s.points.map(([x, y]) => [x + mx, y + my] as const) };
}

/** The polygon with one vertex moved to `to` (clamped). */
export function moveVertex(points: readonly Point[], index: number, to: Point, size: Size): Point[] {
  return points.map((p, i) => (i === index ? clampPoint(to, size) : p));
}

/** Whether a polygon under construction can be closed: three points that are not all on one line. */
export function canClose(points: readonly Point[]): boolean {
  if (points.length < 3) return false;
  const [a] = points;
  return points.some((b, i) => points.slice(i + 1).some((c) => Math.abs((b[0] - a![0]) * (c[1] - a![1]) - (b[1] - a![1]) * (c[0] - a![0])) > 0));
}

/**
 * A click while building a polygon: near its first point (within `tolerance`) it closes the polygon
 * when it can; otherwise the clicked point is added, unless it repeats the last one.
 */
export function addPolygonPoint(points: readonly Point[], p: Point, size: Size, tolerance: number): { points: Point[]; closed: boolean } {
  const q = clampPoint(p, size);
  const first = points[0];
  if (first && canClose(points) && Math.hypot(q[0] - first[0], q[1] - first[1]) <= tolerance) return { points: [...points], closed: true };
  const last = points[points.length - 1];
  if (last && last[0] === q[0] && last[1] === q[1]) return { points: [...points], closed: false };
  return { points: [...points, q], closed: false };
}

function insidePolygon(points: readonly Point[], [x, y]: Point): boolean {
  let inside = false;
  for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
    const [xi, yi] = points[i]!;
    const [xj, yj] = points[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Whether a point falls on a shape (inside it, or within `tolerance` of a box's border). */
export function hitsShape(s: Shape, p: Point, tolerance = 0): boolean {
  if (s.kind === 'polygon') return insidePolygon(s.points, p);
  const r = s.rect;
  return p[0] >= r.x1 - tolerance && p[0] <= r.x2 + tolerance && p[1] >= r.y1 - tolerance && p[1] <= r.y2 + tolerance;
}

/** The index of the topmost (last drawn) shape under the point, or -1. */
export function shapeAt(shapes: readonly Shape[], p: Point, tolerance = 0): number {
  for (let i = shapes.length - 1; i >= 0; i--) if (hitsShape(shapes[i]!, p, tolerance)) return i;
  return -1;
}

/** The API's @modelarts:feature of a shape: a box's two corners, or a polygon's points. */
export function featureOf(s: Shape): number[][] {
  return s.kind === 'bndbox'
    ? [
        [s.rect.x1, s.rect.y1],
        [s.rect.x2, s.rect.y2],
      ]
    : s.points.map(([x, y]) => [x, y]);
}

/** A shape read from @modelarts:shape and @modelarts:feature, or null for one the workbench does not draw. */
export function shapeFromFeature(shape: unknown, feature: unknown): Shape | null {
  if (!Array.isArray(feature)) return null;
  const points = feature.filter((p): p is [number, number] => Array.isArray(p) && p.length === 2 && p.every((v) => typeof v === 'number'));
  if (points.length !== feature.length) return null;
  if (shape === 'bndbox' && points.length === 2)
    return { kind: 'bndbox', rect: { x1: points[0]![0], y1: points[0]![1], x2: points[1]![0], y2: points[1]![1] } };
  if (shape === 'polygon' && points.length >= 3) return { kind: 'polygon', points };
  return null;
}
