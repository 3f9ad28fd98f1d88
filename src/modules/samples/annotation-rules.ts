// What a label on a sample must look like for its label type: object shapes and their points,
// text offsets, triplet references, speech times, hard-example attributes. Pure checks; each failure
// is a 400 naming the field.
import { errors } from '#src/core/errors.ts';
import { labelErrors } from '#src/modules/datasets/index.ts';

export const LabelType = {
  imageClassification: 0,
  objectDetection: 1,
  imageSegmentation: 3,
  textClassification: 100,
  namedEntity: 101,
  tripletRelation: 102,
  tripletEntity: 103,
  soundClassification: 200,
  speechContent: 201,
  speechParagraph: 202,
  video: 600,
} as const;

export const SHAPES = ['bndbox', 'polygon', 'circle', 'line', 'dashed', 'point', 'polyline'] as const;
type Shape = (typeof SHAPES)[number];

/** Hard-example reason ids are 0..30. */
export const MAX_HARD_REASON = 30;

const TIME = /^(\d{2}):([0-5]\d):([0-5]\d)\.(\d{3})$/;

const bad = (field: string, why: string) => labelErrors.badType(`${field}: ${why}`);

function isPoint(p: unknown): p is [number, number] {
  return Array.isArray(p) && p.length === 2 && p.every((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0);
}

/** Checks @modelarts:feature against its @modelarts:shape (the spec's point rules for each shape). */
export function checkShape(shape: unknown, feature: unknown, field: string): void {
  if (typeof shape !== 'string' || !(SHAPES as readonly string[]).includes(shape)) {
    throw bad(`${field}.@modelarts:shape`, `must be one of ${SHAPES.join(', ')}`);
  }
  const f = `${field}.@modelarts:feature`;
  if (!Array.isArray(feature)) throw bad(f, 'must be a list of points');
  switch (shape as Shape) {
    case 'bndbox': {
      if (feature.length !== 2 || !feature.every(isPoint)) throw bad(f, 'a bndbox is two points [[x1,y1],[x2,y2]]');
      const [[x1, y1], [x2, y2]] = feature as [[number, number], [number, number]];
      if (!(x1 < x2 && y1 < y2)) throw bad(f, 'the first point of a bndbox is its upper left corner, the second its lower right');
      return;
    }
    case 'line':
    case 'dashed':
      if (feature.length !== 2 || !feature.every(isPoint)) throw bad(f, `a ${shape} is two points, start and end`);
      return;
    case 'point':
      if (feature.length !== 1 || !isPoint(feature[0])) throw bad(f, 'a point is one point [[x,y]]');
      return;
    case 'circle': {
      const [center, radius] = feature as unknown[];
      const r = Array.isArray(radius) ? (radius as unknown[])[0] : undefined;
      if (feature.length !== 2 || !isPoint(center) || !Array.isArray(radius) || radius.length !== 1 || typeof r !== 'number' || !(r > 0)) {
        throw bad(f, 'a circle is its center and radius [[x,y],[r]]');
      }
      return;
    }
    case 'polygon':
      if (feature.length < 3 || !feature.every(isPoint)) throw bad(f, 'a polygon has at least three points');
      return;
    case 'polyline':
      if (feature.length < 2 || !feature.every(isPoint)) throw bad(f, 'a polyline has at least two points');
      return;
  }
}

function timeMs(v: unknown, field: string): number {
  const m = typeof v === 'string' ? TIME.exec(v) : null;
  if (!m) throw bad(field, 'must be a time hh:mm:ss.SSS');
  return ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000 + Number(m[4]);
}

function checkOffsets(p: Record<string, unknown>, field: string): void {
  const start = p['@modelarts:start_index'];
  const end = p['@modelarts:end_index'];
  if (!Number.isInteger(start) || (start as number) < 0) throw bad(`${field}.@modelarts:start_index`, 'must be an integer >= 0');
  if (!Number.isInteger(end) || (end as number) <= (start as number)) {
    throw bad(`${field}.@modelarts:end_index`, 'must be an integer greater than start_index (it is exclusive)');
  }
}

/** The hard-example attributes any label may carry. */
function checkHard(p: Record<string, unknown>, field: string): void {
  const hard = p['@modelarts:hard'];
  if (hard !== undefined && !['0', '1', 'true', 'false', 0, 1, true, false].includes(hard as string)) {
    throw errors.badParam(`${field}.@modelarts:hard must be 0, 1, true or false`);
  }
  const coef = p['@modelarts:hard_coefficient'];
  if (coef !== undefined) {
    const n = typeof coef === 'string' ? Number(coef) : coef;
    if (typeof n !== 'number' || !(n >= 0 && n <= 1)) throw errors.badParam(`${field}.@modelarts:hard_coefficient must be within [0,1]`);
  }
  const reasons = p['@modelarts:hard_reasons'];
  if (reasons !== undefined) {
    const ok = typeof reasons === 'string' && /^\d+(-\d+)*$/.test(reasons) && reasons.split('-').every((r) => Number(r) <= MAX_HARD_REASON);
    if (!ok) throw errors.badParam(`${field}.@modelarts:hard_reasons must be reason ids 0-${MAX_HARD_REASON} joined by "-", e.g. 3-20-21`);
  }
}

/**
 * Checks one label of a sample, whose label type is known. Triplet references are checked by the
 * caller, which sees the whole list.
 */
export function checkSampleLabel(label: { property?: Record<string, unknown>; score?: number; annotated_by?: string }, type: number, field: string): void {
  const p = label.property ?? {};
  const pf = `${field}.property`;
  if (label.score !== undefined && !(label.score >= 0 && label.score <= 1)) throw errors.badParam(`${field}.score must be within [0,1]`);
  if (label.annotated_by !== undefined && !['human', 'auto'].includes(label.annotated_by)) {
    throw errors.badParam(`${field}.annotated_by must be human or auto`);
  }
  checkHard(p, pf);
  switch (type) {
    case LabelType.objectDetection:
      checkShape(p['@modelarts:shape'], p['@modelarts:feature'], pf);
      return;
    case LabelType.imageSegmentation:
    case LabelType.video:
      if (p['@modelarts:shape'] !== undefined || p['@modelarts:feature'] !== undefined) checkShape(p['@modelarts:shape'], p['@modelarts:feature'], pf);
      return;
    case LabelType.namedEntity:
    case LabelType.tripletEntity:
      checkOffsets(p, pf);
      return;
    case LabelType.tripletRelation:
      for (const k of ['@modelarts:from', '@modelarts:to']) {
        if (typeof p[k] !== 'string' || p[k] === '') throw bad(`${pf}.${k}`, 'a triplet relation names the id of its entity label on the same sample');
      }
      return;
    case LabelType.speechContent:
      if (p['@modelarts:content'] !== undefined && typeof p['@modelarts:content'] !== 'string') throw bad(`${pf}.@modelarts:content`, 'must be text');
      return;
    case LabelType.speechParagraph: {
      const start = timeMs(p['@modelarts:start_time'], `${pf}.@modelarts:start_time`);
      const end = timeMs(p['@modelarts:end_time'], `${pf}.@modelarts:end_time`);
      if (end <= start) throw bad(`${pf}.@modelarts:end_time`, 'must be after start_time');
      if (p['@modelarts:content'] !== undefined && typeof p['@modelarts:content'] !== 'string') throw bad(`${pf}.@modelarts:content`, 'must be text');
      return;
    }
    default:
      return;
  }
}

/**
 * Triplet relations point at entity labels of the same sample by id: both must be there and be
 * entities; when the relation's label defines from_type/to_type, the entities must carry those labels.
 */
export function checkTripletRefs(
  labels: readonly { id?: string; name: string; type: number; property?: Record<string, unknown> }[],
  definitionOf: (name: string) => { property?: Record<string, unknown> } | undefined,
  field: string,
): void {
  const entities = new Map(labels.filter((l) => l.type === LabelType.tripletEntity && l.id).map((l) => [l.id!, l]));
  labels.forEach((l, i) => {
    if (l.type !== LabelType.tripletRelation) return;
    const def = definitionOf(l.name)?.property ?? {};
    for (const [ref, typeKey] of [
      ['@modelarts:from', '@modelarts:from_type'],
      ['@modelarts:to', '@modelarts:to_type'],
    ] as const) {
      const id = l.property?.[ref] as string;
      const entity = entities.get(id);
      if (!entity) throw labelErrors.badTripletRef(`${field}[${i}].property.${ref}: no entity label with id "${id}" on this sample`);
      const want = def[typeKey];
      if (typeof want === 'string' && entity.name !== want) {
        throw bad(`${field}[${i}].property.${ref}`, `the relation "${l.name}" links a "${want}" entity, not "${entity.name}"`);
      }
    }
  });
}

/** Sample metadata rules for the built-in keys. */
export function checkMetadata(m: Record<string, unknown>, field: string): void {
  const hard = m['@modelarts:hard'];
  if (hard !== undefined && hard !== 0 && hard !== 1 && hard !== true && hard !== false && hard !== '0' && hard !== '1') {
    throw errors.badParam(`${field}.@modelarts:hard must be 0 or 1`);
  }
  const coef = m['@modelarts:hard_coefficient'];
  if (coef !== undefined && !(typeof coef === 'number' && coef >= 0 && coef <= 1)) {
    throw errors.badParam(`${field}.@modelarts:hard_coefficient must be a number within [0,1]`);
  }
  const reasons = m['@modelarts:hard_reasons'];
  if (reasons !== undefined && !(Array.isArray(reasons) && reasons.every((r) => Number.isInteger(r) && r >= 0 && r <= MAX_HARD_REASON))) {
    throw errors.badParam(`${field}.@modelarts:hard_reasons must be a list of reason ids 0-${MAX_HARD_REASON}`);
  }
  const size = m['@modelarts:size'];
  if (size !== undefined && !(Array.isArray(size) && (size.length === 2 || size.length === 3) && size.every((v) => Number.isInteger(v) && v > 0))) {
    throw errors.badParam(`${field}.@modelarts:size must be [width, height] or [width, height, depth] in pixels`);
  }
  const origin = m['@modelarts:import_origin'];
  if (origin !== undefined && !Number.isInteger(origin)) throw errors.badParam(`${field}.@modelarts:import_origin must be an integer`);
}

/** Whether metadata marks a sample as a hard example. */
export function isHard(m: Record<string, unknown>): boolean {
  const h = m['@modelarts:hard'];
  return h === 1 || h === true || h === '1' || h === 'true';
}
