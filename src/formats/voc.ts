// PASCAL VOC label files (object detection, video frames): parsed into shapes and written back.
// The layout is the guide's "PASCAL VOC format parameters" table with its shape table
// (point, line, bndbox, polygon, circle), plus dashed and polyline, which SampleLabelProperty names.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { ObjectStore } from '#src/storage/object-store.ts';
import type { ObjectPath } from '#src/storage/obs-path.ts';
import { formatObsPath } from '#src/storage/obs-path.ts';
import { FormatError, type FormatLocation } from './format-error.ts';
import { escapeXml } from './xml-text.ts';

export const SHAPES = ['bndbox', 'polygon', 'circle', 'line', 'dashed', 'point', 'polyline'] as const;
export type Shape = (typeof SHAPES)[number];

/** One <object> of a VOC file. `feature` is the @modelarts:feature of the shape. */
export interface VocObject {
  name: string;
  shape: Shape;
  /** bndbox/line/dashed: [[x1,y1],[x2,y2]]; point: [[x,y]]; polygon/polyline: [[x,y],...]; circle: [[cx,cy],[r]]. */
  feature: number[][];
  pose?: string;
  truncated?: number;
  occluded?: number;
  difficult?: number;
  /** 0..1, when a machine labeled it. */
  confidence?: number;
  hardCoefficient?: number;
}

export interface VocAnnotation {
  folder?: string;
  filename?: string;
  size?: { width: number; height: number; depth?: number };
  segmented?: number;
  objects: VocObject[];
}

/** Label files are small; a larger one is refused instead of read. */
export const MAX_VOC_BYTES = 8 * 1024 * 1024;

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (name, jpath) => name === 'object' && String(jpath) === 'annotation.object',
});

type XmlNode = Record<string, unknown>;

const isNode = (v: unknown): v is XmlNode => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The guide's own shape table and example close some tags with a second opening tag (`<r>50<r>`);
 * such a pair around plain text is read as if it were closed.
 */
function repairUnclosedLeaves(xml: string): string {
  return xml.replace(/<([A-Za-z_][\w.-]*)>([^<>]*)<\1>/g, '<$1>$2</$1>');
}

function text(node: XmlNode, key: string): string | undefined {
  const v = node[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function num(node: XmlNode, key: string, at: FormatLocation, required: boolean): number | undefined {
  const s = text(node, key);
  if (s === undefined || s === '') {
    if (required) throw new FormatError({ ...at, field: `${at.field}.${key}` }, 'missing');
    return undefined;
  }
  const n = Number(s);
  if (!Number.isFinite(n)) throw new FormatError({ ...at, field: `${at.field}.${key}` }, `not a number: "${s}"`);
  return n;
}

function point(node: XmlNode, x: string, y: string, at: FormatLocation): number[] {
  return [num(node, x, at, true)!, num(node, y, at, true)!];
}

/** Numbered points x1,y1,x2,y2,... in order; at least `min`. */
function numberedPoints(node: XmlNode, at: FormatLocation, min: number): number[][] {
  const pts: number[][] = [];
  for (let i = 1; node[`x${i}`] !== undefined || node[`y${i}`] !== undefined; i++) pts.push(point(node, `x${i}`, `y${i}`, at));
  if (pts.length < min) throw new FormatError(at, `needs at least ${min} points (x1, y1, ...), has ${pts.length}`);
  return pts;
}

function shapeFeature(shape: Shape, node: XmlNode, at: FormatLocation): number[][] {
  switch (shape) {
    case 'bndbox': {
      const [xmin, ymin] = point(node, 'xmin', 'ymin', at);
      const [xmax, ymax] = point(node, 'xmax', 'ymax', at);
      if (xmin! > xmax! || ymin! > ymax!) throw new FormatError(at, 'xmin/ymin must not be past xmax/ymax');
      return [
        [xmin!, ymin!],
        [xmax!, ymax!],
      ];
    }
    case 'point':
      // The shape table writes <x>/<y>; the guide's example writes <x1>/<y1>. Both are read.
      return node.x !== undefined || node.y !== undefined ? [point(node, 'x', 'y', at)] : [point(node, 'x1', 'y1', at)];
    case 'line':
    case 'dashed': {
      const pts = numberedPoints(node, at, 2);
      return pts.slice(0, 2);
    }
    case 'polygon':
      return numberedPoints(node, at, 3);
    case 'polyline':
      return numberedPoints(node, at, 2);
    case 'circle': {
      const r = num(node, 'r', at, true)!;
      if (r < 0) throw new FormatError({ ...at, field: `${at.field}.r` }, 'radius is negative');
      return [point(node, 'cx', 'cy', at), [r]];
    }
  }
}

function checkInside(feature: number[][], shape: Shape, size: VocAnnotation['size'], at: FormatLocation): void {
  const pts = shape === 'circle' ? feature.slice(0, 1) : feature;
  for (const [x, y] of pts) {
    if (x! < 0 || y! < 0) throw new FormatError(at, 'coordinates must not be negative');
    // VOC files with an unknown size carry 0 (or nothing): nothing to check against then.
    if (size && size.width > 0 && size.height > 0 && (x! > size.width || y! > size.height)) {
      throw new FormatError(at, `point (${x}, ${y}) lies outside the ${size.width}x${size.height} image`);
    }
  }
}

function parseObject(node: unknown, index: number, size: VocAnnotation['size'], file: string | undefined): VocObject {
  const at: FormatLocation = { file, field: `object[${index}]` };
  if (!isNode(node)) throw new FormatError(at, 'is empty');
  const name = text(node, 'name');
  if (!name) throw new FormatError({ ...at, field: `${at.field}.name` }, 'missing');
  const shape = SHAPES.find((s) => node[s] !== undefined);
  if (!shape) throw new FormatError(at, `has no shape (one of ${SHAPES.join(', ')})`);
  const geometry = node[shape];
  const shapeAt = { ...at, field: `${at.field}.${shape}` };
  if (!isNode(geometry)) throw new FormatError(shapeAt, 'has no coordinates');
  const feature = shapeFeature(shape, geometry, shapeAt);
  checkInside(feature, shape, size, shapeAt);
  const obj: VocObject = { name, shape, feature };
  const pose = text(node, 'pose');
  if (pose) obj.pose = pose;
  for (const key of ['truncated', 'occluded', 'difficult'] as const) {
    const v = num(node, key, at, false);
    if (v !== undefined) obj[key] = v;
  }
  const confidence = num(node, 'confidence', at, false);
  if (confidence !== undefined) {
    if (confidence < 0 || confidence > 1) throw new FormatError({ ...at, field: `${at.field}.confidence` }, 'must be within 0..1');
    obj.confidence = confidence;
  }
  const hard = num(node, 'hard-coefficient', at, false);
  if (hard !== undefined) obj.hardCoefficient = hard;
  return obj;
}

/** Parses a VOC document; a FormatError names the file and the field for anything unreadable. */
export function parseVoc(xml: string, file?: string): VocAnnotation {
  const at: FormatLocation = { file };
  const repaired = repairUnclosedLeaves(xml);
  const valid = XMLValidator.validate(repaired);
  if (valid !== true) throw new FormatError({ ...at, line: valid.err.line }, `not well-formed XML: ${valid.err.msg}`);
  const doc: unknown = parser.parse(repaired);
  const root = isNode(doc) ? doc.annotation : undefined;
  if (!isNode(root)) throw new FormatError({ ...at, field: 'annotation' }, 'no <annotation> root element');
  const result: VocAnnotation = { objects: [] };
  const folder = text(root, 'folder');
  if (folder !== undefined) result.folder = folder;
  const filename = text(root, 'filename');
  if (filename !== undefined) result.filename = filename;
  if (isNode(root.size)) {
    const sizeAt = { ...at, field: 'size' };
    const width = num(root.size, 'width', sizeAt, true)!;
    const height = num(root.size, 'height', sizeAt, true)!;
    const depth = num(root.size, 'depth', sizeAt, false);
    result.size = depth === undefined ? { width, height } : { width, height, depth };
  }
  const segmented = num(root, 'segmented', { ...at, field: 'annotation' }, false);
  if (segmented !== undefined) result.segmented = segmented;
  const objects = Array.isArray(root.object) ? (root.object as unknown[]) : [];
  result.objects = objects.map((o, i) => parseObject(o, i, result.size, file));
  return result;
}

/** Reads and parses the VOC file at `path` (at most MAX_VOC_BYTES). */
export async function readVoc(store: ObjectStore, path: ObjectPath): Promise<VocAnnotation> {
  return parseVoc(await store.readText(path.bucket, path.key, MAX_VOC_BYTES), formatObsPath(path));
}

function leaf(indent: string, tag: string, value: string | number): string {
  return `${indent}<${tag}>${escapeXml(String(value))}</${tag}>`;
}

function geometryLines(o: VocObject, indent: string): string[] {
  const f = o.feature;
  switch (o.shape) {
    case 'bndbox':
      return [leaf(indent, 'xmin', f[0]![0]!), leaf(indent, 'ymin', f[0]![1]!), leaf(indent, 'xmax', f[1]![0]!), leaf(indent, 'ymax', f[1]![1]!)];
    case 'point':
      // The shape table's <x>/<y>, not the <x1>/<y1> of the guide's example (the table rules).
      return [leaf(indent, 'x', f[0]![0]!), leaf(indent, 'y', f[0]![1]!)];
    case 'circle':
      return [leaf(indent, 'cx', f[0]![0]!), leaf(indent, 'cy', f[0]![1]!), leaf(indent, 'r', f[1]![0]!)];
    case 'line':
    case 'dashed':
    case 'polygon':
    case 'polyline':
      return f.flatMap((p, i) => [leaf(indent, `x${i + 1}`, p[0]!), leaf(indent, `y${i + 1}`, p[1]!)]);
  }
}

/** The VOC document of an annotation, with every field the guide's table marks mandatory. */
export function writeVoc(a: VocAnnotation): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', '<annotation>'];
  out.push(leaf('  ', 'folder', a.folder ?? 'NA'), leaf('  ', 'filename', a.filename ?? ''));
  out.push('  <source>', leaf('    ', 'database', 'Unknown'), '  </source>');
  const size = a.size ?? { width: 0, height: 0 };
  out.push('  <size>', leaf('    ', 'width', size.width), leaf('    ', 'height', size.height), leaf('    ', 'depth', size.depth ?? 3), '  </size>');
  out.push(leaf('  ', 'segmented', a.segmented ?? 0));
  for (const o of a.objects) {
    out.push('  <object>', leaf('    ', 'name', o.name), leaf('    ', 'pose', o.pose ?? 'Unspecified'));
    out.push(leaf('    ', 'truncated', o.truncated ?? 0), leaf('    ', 'occluded', o.occluded ?? 0), leaf('    ', 'difficult', o.difficult ?? 0));
    if (o.confidence !== undefined) out.push(leaf('    ', 'confidence', o.confidence));
    if (o.hardCoefficient !== undefined) out.push(leaf('    ', 'hard-coefficient', o.hardCoefficient));
    out.push(`    <${o.shape}>`, ...geometryLines(o, '      '), `    </${o.shape}>`, '  </object>');
  }
  out.push('</annotation>', '');
  return out.join('\n');
}
