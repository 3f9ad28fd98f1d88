// VOC objects <-> sample labels: a shape becomes @modelarts:shape and @modelarts:feature (the
// SampleLabelProperty keys), the image size becomes the sample's @modelarts:size metadata.
import type { SampleLabel } from './sample-records.ts';
import { SHAPES, type Shape, type VocAnnotation, type VocObject } from './voc.ts';

export const SHAPE_KEY = '@modelarts:shape';
export const FEATURE_KEY = '@modelarts:feature';
export const SIZE_KEY = '@modelarts:size';
export const HARD_COEFFICIENT_KEY = '@modelarts:hard_coefficient';

/** VOC object fields kept as plain label properties when they differ from VOC's defaults. */
const VOC_DEFAULTS = { pose: 'Unspecified', truncated: 0, occluded: 0, difficult: 0 } as const;

/** The label of one VOC object; `type` is 1 (object detection) or 600 (video frames). */
export function vocObjectToLabel(o: VocObject, type: number): SampleLabel {
  const property: Record<string, unknown> = { [SHAPE_KEY]: o.shape, [FEATURE_KEY]: o.feature };
  for (const key of ['pose', 'truncated', 'occluded', 'difficult'] as const) {
    const v = o[key];
    if (v !== undefined && v !== VOC_DEFAULTS[key]) property[key] = v;
  }
  if (o.hardCoefficient !== undefined) property[HARD_COEFFICIENT_KEY] = String(o.hardCoefficient);
  const label: SampleLabel = { name: o.name, type, property };
  if (o.confidence !== undefined) label.score = o.confidence;
  return label;
}

function isShape(v: unknown): v is Shape {
  return typeof v === 'string' && (SHAPES as readonly string[]).includes(v);
}

function isFeature(v: unknown): v is number[][] {
  return Array.isArray(v) && v.every((p) => Array.isArray(p) && p.every((n) => typeof n === 'number' && Number.isFinite(n)));
}

function optionalNumber(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

/** The VOC object of a shape label; undefined for a label without a usable shape (e.g. a classification label). */
export function labelToVocObject(label: SampleLabel): VocObject | undefined {
  const p = label.property ?? {};
  const shape = p[SHAPE_KEY];
  const feature = p[FEATURE_KEY];
  if (!isShape(shape) || !isFeature(feature)) return undefined;
  const need = shape === 'point' ? 1 : shape === 'polygon' ? 3 : 2;
  if (feature.length < need || feature.slice(0, shape === 'circle' ? 1 : undefined).some((pt) => pt.length < 2)) return undefined;
  if (shape === 'circle' && (feature[1]?.length ?? 0) < 1) return undefined;
  const o: VocObject = { name: label.name, shape, feature };
  if (typeof p.pose === 'string') o.pose = p.pose;
  for (const key of ['truncated', 'occluded', 'difficult'] as const) {
    const v = optionalNumber(p[key]);
    if (v !== undefined) o[key] = v;
  }
  const hard = optionalNumber(p[HARD_COEFFICIENT_KEY]);
  if (hard !== undefined) o.hardCoefficient = hard;
  if (label.score !== undefined) o.confidence = label.score;
  return o;
}

/** Labels and metadata of a sample from its VOC file. */
export function vocToSampleParts(a: VocAnnotation, labelType: number): { labels: SampleLabel[]; metadata: Record<string, unknown> } {
  const metadata: Record<string, unknown> = {};
  // VOC writes 0 for a size it does not know: no size then (the metadata's sizes are positive).
  if (a.size && a.size.width > 0 && a.size.height > 0) {
    metadata[SIZE_KEY] = [a.size.width, a.size.height, a.size.depth !== undefined && a.size.depth > 0 ? a.size.depth : 3];
  }
  return { labels: a.objects.map((o) => vocObjectToLabel(o, labelType)), metadata };
}

/** The VOC document of a sample: its shape labels, its file name and its @modelarts:size. */
export function sampleToVoc(fileName: string, folder: string, labels: SampleLabel[], metadata: Record<string, unknown>): VocAnnotation {
  const a: VocAnnotation = { folder, filename: fileName, segmented: 0, objects: [] };
  const size = metadata[SIZE_KEY];
  if (Array.isArray(size) && size.length >= 2) {
    const [w, h, d] = size.map(optionalNumber);
    if (w !== undefined && h !== undefined) a.size = d === undefined ? { width: w, height: h } : { width: w, height: h, depth: d };
  }
  for (const l of labels) {
    const o = labelToVocObject(l);
    if (o) a.objects.push(o);
  }
  return a;
}
