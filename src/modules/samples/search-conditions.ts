// The SearchCondition objects of sample lists (and of exports): parsed from the wire and checked.
import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';
import { errors } from '#src/core/errors.ts';
import { LABEL_TYPE_MEANINGS, LABEL_TYPES } from '#src/formats/dataset-types.ts';
import { IntCodes, StringEnum } from '#src/core/schemas.ts';

const Op = StringEnum(['AND', 'OR'] as const);

export const SearchLabel = Type.Object({
  name: Type.Optional(Type.String({ maxLength: 1024 })),
  op: Type.Optional(Op),
  property: Type.Optional(Type.Record(Type.String(), Type.Union([Type.Array(Type.String({ maxLength: 1024 }), { maxItems: 1000 }), Type.Null()]))),
  type: Type.Optional(IntCodes(LABEL_TYPES, LABEL_TYPE_MEANINGS, 'Only labels of this type')),
});

export const SearchLabels = Type.Object({
  labels: Type.Optional(Type.Array(SearchLabel, { maxItems: 1000 })),
  op: Type.Optional(Op),
});

export const SearchProp = Type.Object({
  op: Type.Optional(Op),
  props: Type.Optional(Type.Record(Type.String(), Type.Array(Type.String({ maxLength: 1024 }), { maxItems: 1000 }))),
});

export const SearchCondition = Type.Object({
  coefficient: Type.Optional(Type.String({ maxLength: 64 })),
  frame_in_video: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000_000 })),
  hard: Type.Optional(StringEnum(['0', '1'] as const)),
  import_origin: Type.Optional(Type.String({ maxLength: 64 })),
  kvp: Type.Optional(Type.String({ maxLength: 64 })),
  label_list: Type.Optional(SearchLabels),
  labeler: Type.Optional(Type.String({ maxLength: 256 })),
  metadata: Type.Optional(SearchProp),
  parent_sample_id: Type.Optional(Type.String({ maxLength: 64 })),
  sample_dir: Type.Optional(Type.String({ maxLength: 2048 })),
  sample_name: Type.Optional(Type.String({ maxLength: 1024 })),
  sample_time: Type.Optional(Type.String({ maxLength: 64 })),
  score: Type.Optional(Type.String({ maxLength: 64 })),
  slice_thickness: Type.Optional(Type.String({ maxLength: 64 })),
  study_date: Type.Optional(Type.String({ maxLength: 64 })),
  time_in_video: Type.Optional(Type.String({ maxLength: 64 })),
});
export type SearchCondition = Static<typeof SearchCondition>;

/** Medical and video fields: no sample here has them, so asking for them is an error, not an empty page. */
export const UNSUPPORTED_CONDITIONS = ['frame_in_video', 'kvp', 'parent_sample_id', 'slice_thickness', 'study_date', 'time_in_video'] as const;

const MAX_CONDITIONS = 100;

/** The query's search_conditions: a JSON list (Fastify has already URL-decoded it). */
export function parseSearchConditions(raw: string, field = 'query.search_conditions'): SearchCondition[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw errors.badParam(`${field} must be a JSON list of search conditions`);
  }
  const list = Array.isArray(parsed) ? parsed : [parsed];
  if (list.length > MAX_CONDITIONS) throw errors.badParam(`${field} holds more than ${MAX_CONDITIONS} conditions`);
  return list.map((c, i) => checkSearchCondition(c, `${field}[${i}]`));
}

export function checkSearchCondition(c: unknown, field: string): SearchCondition {
  if (!Value.Check(SearchCondition, c)) {
    const first = Value.Errors(SearchCondition, c)[0];
    const at = first?.instancePath ? first.instancePath.split('/').filter(Boolean).join('.') : '';
    throw errors.badParam(`${field}${at ? `.${at}` : ''} ${first?.message ?? 'is not a search condition'}`);
  }
  for (const k of UNSUPPORTED_CONDITIONS) {
    if (c[k] !== undefined) throw errors.badParam(`${field}.${k}: no sample here has this attribute (medical and video frame search is not served)`);
  }
  return c;
}

/** "a-b" or "a" (a lower bound) within [0,1], for score and coefficient. */
export function parseRange(v: string, field: string): { low: number; high: number } {
  const m = /^\s*([0-9]*\.?[0-9]+)\s*(?:-\s*([0-9]*\.?[0-9]+)\s*)?$/.exec(v);
  const low = m ? Number(m[1]) : NaN;
  const high = m?.[2] !== undefined ? Number(m[2]) : 1;
  if (!(low >= 0 && high <= 1 && low <= high)) throw errors.badParam(`${field} must be "low-high" or "low" within [0,1], e.g. 0.5-0.9`);
  return { low, high };
}

const DAY = 86_400_000;

/** sample_time: "month" (last 30 days), "day" (since yesterday) or "yyyyMMdd-yyyyMMdd" (at most 30 days, UTC). */
export function parseTimeRange(v: string, now: number, field: string): { from: number; to: number } {
  if (v === 'month') return { from: now - 30 * DAY, to: now };
  if (v === 'day') return { from: now - DAY, to: now };
  const m = /^(\d{4})(\d{2})(\d{2})-(\d{4})(\d{2})(\d{2})$/.exec(v);
  const from = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  const to = m ? Date.UTC(Number(m[4]), Number(m[5]) - 1, Number(m[6])) + DAY - 1 : NaN;
  const valid = m && new Date(from).getUTCDate() === Number(m[3]) && new Date(to).getUTCDate() === Number(m[6]);
  if (!valid || !(from <= to)) throw errors.badParam(`${field} must be month, day or yyyyMMdd-yyyyMMdd`);
  if (to - from >= 31 * DAY) throw errors.badParam(`${field} spans more than 30 days`);
  return { from, to };
}
