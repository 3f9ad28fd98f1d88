// The manifest line of the guide ("Specifications for Importing the Manifest File"): one JSON object
// per line, fields named as in the file (hyphenated), and the check of one line with errors naming
// the line and the field.
import { SAMPLE_TYPES } from './dataset-types.ts';
import { FormatError, type FormatLocation } from './format-error.ts';

export const USAGES = ['TRAIN', 'EVAL', 'TEST', 'INFERENCE'] as const;
export type Usage = (typeof USAGES)[number];

/** One entry of a line's `annotation` list. */
export interface ManifestAnnotation {
  /** As written: `modelarts/image_classification` or `image_classification`. */
  type: string;
  name?: string;
  /** Triplets: `E1` (entity), `R1` (relation). */
  id?: string;
  property?: Record<string, unknown>;
  hard?: boolean;
  'hard-coefficient'?: number;
  'annotated-by'?: string;
  'creation-time'?: string;
  confidence?: number;
  /** Object detection, image segmentation: the label file (PASCAL VOC). */
  'annotation-loc'?: string;
  'annotation-format'?: string;
}

/** One line of a manifest. */
export interface ManifestSample {
  /** `s3://bucket/key`, `obs://...`, `/bucket/key` or `content://text`. */
  source: string;
  usage?: Usage;
  id?: string;
  hard?: boolean;
  'hard-coefficient'?: number;
  annotation?: ManifestAnnotation[];
  'inference-loc'?: string;
  /** 0 image, 1 text, 2 audio, 4 table, 6 video (video frames carry it). */
  'sample-type'?: number;
  /** Sample properties, e.g. a video frame's @modelarts:parent_source. */
  property?: Record<string, unknown>;
}

/** The annotation types of the guide's table and the label type each stands for. */
export const ANNOTATION_TYPES = {
  image_classification: 0,
  object_detection: 1,
  image_segmentation: 3,
  text_classification: 100,
  text_entity: 101,
  text_triplet: 102,
  audio_classification: 200,
  audio_content: 201,
  audio_segmentation: 202,
} as const;
export type AnnotationType = keyof typeof ANNOTATION_TYPES;

/** Types whose annotations must name a label. */
const NAMED_TYPES: readonly AnnotationType[] = ['image_classification', 'text_classification', 'audio_classification'];

/**
 * `modelarts/image_classification` -> `image_classification`. The guide's table lists bare names while
 * every example (and every manifest ModelArts writes) carries the `modelarts/` prefix: both are read.
 */
export function annotationTypeOf(written: string): AnnotationType | undefined {
  const bare = written.startsWith('modelarts/') ? written.slice('modelarts/'.length) : written;
  return Object.hasOwn(ANNOTATION_TYPES, bare) ? (bare as AnnotationType) : undefined;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

class LineChecker {
  constructor(private readonly at: FormatLocation) {}

  fail(field: string, problem: string): never {
    throw new FormatError({ ...this.at, field }, problem);
  }

  string(o: Json, key: string, field: string, required = false): string | undefined {
    const v = o[key];
    if (v === undefined || v === null) {
      if (required) this.fail(field, 'missing');
      return undefined;
    }
    if (typeof v !== 'string') this.fail(field, `must be a string, got ${JSON.stringify(v)}`);
    if (required && v === '') this.fail(field, 'is empty');
    return v;
  }

  /** true/false, also written as "true"/"false" (the guide's examples quote them) or 1/0. */
  bool(o: Json, key: string, field: string): boolean | undefined {
    const v = o[key];
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v === 'boolean') return v;
    const s = String(v).toLowerCase();
    if (s === 'true' || s === '1') return true;
    if (s === 'false' || s === '0') return false;
    return this.fail(field, `must be true or false, got ${JSON.stringify(v)}`);
  }

  /** A number within 0..1, also written as a numeric string. */
  unit(o: Json, key: string, field: string): number | undefined {
    const v = o[key];
    if (v === undefined || v === null || v === '') return undefined;
    const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
    if (!Number.isFinite(n) || n < 0 || n > 1) this.fail(field, `must be a number within 0..1, got ${JSON.stringify(v)}`);
    return n;
  }

  object(o: Json, key: string, field: string): Json | undefined {
    const v = o[key];
    if (v === undefined || v === null) return undefined;
    if (!isObject(v)) this.fail(field, 'must be an object');
    return v;
  }
}

function checkAnnotation(c: LineChecker, raw: unknown, i: number): ManifestAnnotation {
  const f = `annotation[${i}]`;
  if (!isObject(raw)) c.fail(f, 'must be an object');
  const type = c.string(raw, 'type', `${f}.type`, true)!;
  const known = annotationTypeOf(type);
  if (!known) c.fail(`${f}.type`, `unknown annotation type "${type}" (one of ${Object.keys(ANNOTATION_TYPES).join(', ')})`);
  const a: ManifestAnnotation = { type };
  const name = c.string(raw, 'name', `${f}.name`);
  if (name !== undefined) a.name = name;
  const loc = c.string(raw, 'annotation-loc', `${f}.annotation-loc`);
  if (loc !== undefined && loc !== '') a['annotation-loc'] = loc;
  if (NAMED_TYPES.includes(known) && (name === undefined || name.trim() === '')) c.fail(`${f}.name`, `missing (required for ${known})`);
  if ((known === 'object_detection' || known === 'image_segmentation') && !a['annotation-loc'] && !isObject(raw.property)) {
    c.fail(`${f}.annotation-loc`, `missing (required for ${known} unless the shape is in property)`);
  }
  const id = c.string(raw, 'id', `${f}.id`);
  if (id !== undefined) a.id = id;
  const property = c.object(raw, 'property', `${f}.property`);
  if (property) a.property = property;
  const hard = c.bool(raw, 'hard', `${f}.hard`);
  if (hard !== undefined) a.hard = hard;
  const coefficient = c.unit(raw, 'hard-coefficient', `${f}.hard-coefficient`);
  if (coefficient !== undefined) a['hard-coefficient'] = coefficient;
  const by = c.string(raw, 'annotated-by', `${f}.annotated-by`);
  if (by) a['annotated-by'] = by;
  const time = c.string(raw, 'creation-time', `${f}.creation-time`);
  if (time) a['creation-time'] = time;
  const confidence = c.unit(raw, 'confidence', `${f}.confidence`);
  if (confidence !== undefined) a.confidence = confidence;
  const format = c.string(raw, 'annotation-format', `${f}.annotation-format`);
  if (format) {
    if (format.replace(/\s+/g, ' ').trim().toUpperCase() !== 'PASCAL VOC') c.fail(`${f}.annotation-format`, `only "PASCAL VOC" is supported, got "${format}"`);
    a['annotation-format'] = format;
  }
  return a;
}

/**
 * Checks one manifest line (blank lines are the caller's to skip). A FormatError (400 ModelArts.4362)
 * names `at.file`, `at.line` and the field for bad JSON, a missing source, an unknown usage or
 * annotation type, and values of the wrong type. Unknown fields are ignored.
 */
export function parseManifestLine(line: string, at: FormatLocation = {}): ManifestSample {
  // Typed explicitly so that the never-returning fail() narrows.
  const c: LineChecker = new LineChecker(at);
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch (e) {
    c.fail('', `not valid JSON (${(e as Error).message})`);
  }
  if (!isObject(raw)) c.fail('', 'must be a JSON object');
  const m: ManifestSample = { source: c.string(raw, 'source', 'source', true)! };
  const usage = c.string(raw, 'usage', 'usage');
  if (usage) {
    // The video example writes "train": usage is read without regard to case.
    const u = usage.toUpperCase();
    if (!(USAGES as readonly string[]).includes(u)) c.fail('usage', `must be one of ${USAGES.join(', ')}, got "${usage}"`);
    m.usage = u as Usage;
  }
  const id = c.string(raw, 'id', 'id');
  if (id) m.id = id;
  const hard = c.bool(raw, 'hard', 'hard');
  if (hard !== undefined) m.hard = hard;
  const coefficient = c.unit(raw, 'hard-coefficient', 'hard-coefficient');
  if (coefficient !== undefined) m['hard-coefficient'] = coefficient;
  const inference = c.string(raw, 'inference-loc', 'inference-loc');
  if (inference) m['inference-loc'] = inference;
  const sampleType = raw['sample-type'];
  if (sampleType !== undefined && sampleType !== null) {
    if (typeof sampleType !== 'number' || !(SAMPLE_TYPES as readonly number[]).includes(sampleType)) {
      c.fail('sample-type', `must be one of ${SAMPLE_TYPES.join(', ')}, got ${JSON.stringify(sampleType)}`);
    }
    m['sample-type'] = sampleType;
  }
  const property = c.object(raw, 'property', 'property');
  if (property) m.property = property;
  const annotation = raw.annotation;
  if (annotation !== undefined && annotation !== null) {
    if (!Array.isArray(annotation)) c.fail('annotation', 'must be a list');
    m.annotation = annotation.map((a, i) => checkAnnotation(c, a, i));
  }
  return m;
}
