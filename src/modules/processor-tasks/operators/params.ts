import { errors } from '#src/core/errors.ts';
import type { TemplateId } from '../schemas.ts';

// The parameters each operator takes, and their parsing: the spec sends most values as strings
// ("1920", "True", "[0,1,2]"), so a value is accepted as its type or as a string of it. A name the
// operator does not know, a value of the wrong type and one out of range are refused, naming it.

type Spec =
  | { kind: 'int'; min: number; max: number; default?: number }
  | { kind: 'float'; min: number; max: number; default?: number }
  | { kind: 'bool'; default?: boolean }
  | { kind: 'enum'; values: readonly string[]; default?: string }
  | { kind: 'text'; maxLength: number }
  | { kind: 'statuses' }
  | { kind: 'names'; values: readonly string[] };

export type ParamValue = string | number | boolean | (string | number)[];
export type Parsed = Record<string, number | boolean | string | number[] | string[]>;

const COMMON: Record<string, Spec> = {
  task_type: { kind: 'enum', values: ['image_classification', 'object_detection'], default: 'image_classification' },
  dataset_type: { kind: 'enum', values: ['manifest'], default: 'manifest' },
  source_service: { kind: 'enum', values: ['select'] },
  filter_func: {
    kind: 'enum',
    values: ['data_validation_select', 'data_cleaning_select', 'data_deduplication_select', 'data_selection_select', 'data_augmentation'],
  },
  total_status: { kind: 'statuses' },
  do_validation: { kind: 'bool', default: true },
};

const SIDE = { kind: 'int', min: 1, max: 65535 } as const;
const FRACTION = { kind: 'float', min: 0, max: 1 } as const;

export const ANALYSE_FEATURES = ['resolution', 'aspect_ratio', 'brightness', 'clarity', 'colorfulness', 'bbox_size', 'bbox_count'] as const;

/** The operators of each template: name → its own parameters (besides the common ones). */
export const OPERATORS: Record<TemplateId, Record<string, Record<string, Spec>>> = {
  sys_data_validation: {
    MetaValidation: {
      image_max_width: { ...SIDE, default: 65535 },
      image_max_height: { ...SIDE, default: 65535 },
      image_min_width: { ...SIDE, default: 8 },
      image_min_height: { ...SIDE, default: 8 },
    },
  },
  sys_data_cleaning: {
    PCC: {
      prototype_sample_path: { kind: 'text', maxLength: 1024 },
      criticism_sample_path: { kind: 'text', maxLength: 1024 },
      n_clusters: { kind: 'text', maxLength: 8 },
      simlarity_threshold: { ...FRACTION, default: 0.9 },
      embedding_distance: { ...FRACTION, default: 0.1 },
      checkpoint_path: { kind: 'text', maxLength: 1024 },
    },
  },
  sys_data_selection: {
    SimDeduplication: {
      simlarity_threshold: { ...FRACTION, default: 0.9 },
      image_min_width: { ...SIDE, default: 1 },
      image_min_height: { ...SIDE, default: 1 },
      image_max_width: { ...SIDE, default: 65535 },
      image_max_height: { ...SIDE, default: 65535 },
      min_aspect_ratio: { kind: 'float', min: 0.01, max: 100, default: 0.01 },
      max_aspect_ratio: { kind: 'float', min: 0.01, max: 100, default: 100 },
    },
  },
  sys_data_augmentation: {
    AddNoise: {
      AddNoise: { kind: 'int', min: 0, max: 1, default: 1 },
      noise_type: { kind: 'enum', values: ['Gauss', 'Poisson', 'SaltPepper'], default: 'Gauss' },
      loc: { kind: 'float', min: -255, max: 255, default: 0 },
      scale: { kind: 'float', min: 0, max: 255, default: 10 },
      lam: { kind: 'float', min: 0, max: 255, default: 2 },
      p: { ...FRACTION, default: 0.01 },
    },
    Flip: { Flip: { kind: 'int', min: 0, max: 1, default: 1 }, flip_type: { kind: 'enum', values: ['horizontal', 'vertical'], default: 'horizontal' } },
    Rotate: { Rotate: { kind: 'int', min: 0, max: 1, default: 1 }, angle: { kind: 'float', min: -360, max: 360, default: 90 } },
    Crop: { Crop: { kind: 'int', min: 0, max: 1, default: 1 }, crop_ratio: { kind: 'float', min: 0.1, max: 1, default: 0.8 } },
    Scale: { Scale: { kind: 'int', min: 0, max: 1, default: 1 }, scale_ratio: { kind: 'float', min: 0.1, max: 4, default: 0.5 } },
    Brightness: { Brightness: { kind: 'int', min: 0, max: 1, default: 1 }, factor: { kind: 'float', min: 0, max: 4, default: 1.2 } },
    Contrast: { Contrast: { kind: 'int', min: 0, max: 1, default: 1 }, factor: { kind: 'float', min: 0, max: 4, default: 1.2 } },
  },
  sys_data_analyse: {
    sys_data_analyse: {
      op_list: { kind: 'names', values: ANALYSE_FEATURES },
      manifest_path: { kind: 'text', maxLength: 1024 },
      file_path: { kind: 'text', maxLength: 1024 },
      is_normed: { kind: 'bool', default: false },
    },
  },
};

const TRUE = new Set(['true', 'True', 'TRUE', '1']);
const FALSE = new Set(['false', 'False', 'FALSE', '0']);

function listOf(value: ParamValue, field: string): (string | number)[] {
  if (Array.isArray(value)) return value;
  if (typeof value !== 'string') throw errors.badParam(`${field}: must be a list`);
  if (value.trim() === '') return [];
  try {
    const v: unknown = JSON.parse(value);
    if (Array.isArray(v) && v.every((x) => typeof x === 'string' || typeof x === 'number')) return v as (string | number)[];
  } catch {
    // a comma-separated list below
  }
  return value.split(',').map((s) => s.trim());
}

function parseOne(spec: Spec, value: ParamValue, field: string): number | boolean | string | number[] | string[] {
  switch (spec.kind) {
    case 'int':
    case 'float': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
      if (!Number.isFinite(n)) throw errors.badParam(`${field}: must be a number, got ${JSON.stringify(value)}`);
      if (spec.kind === 'int' && !Number.isInteger(n)) throw errors.badParam(`${field}: must be an integer, got ${JSON.stringify(value)}`);
      if (n < spec.min || n > spec.max) throw errors.badParam(`${field}: must be between ${spec.min} and ${spec.max}, got ${n}`);
      return n;
    }
    case 'bool':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'string' && TRUE.has(value)) return true;
      if (typeof value === 'string' && FALSE.has(value)) return false;
      throw errors.badParam(`${field}: must be true or false, got ${JSON.stringify(value)}`);
    case 'enum':
      if (typeof value !== 'string' || !spec.values.includes(value)) throw errors.badParam(`${field}: must be one of ${spec.values.join(', ')}`);
      return value;
    case 'text':
      if (typeof value !== 'string' && typeof value !== 'number') throw errors.badParam(`${field}: must be a string`);
      if (String(value).length > spec.maxLength) throw errors.badParam(`${field}: longer than ${spec.maxLength} characters`);
      return String(value);
    case 'statuses': {
      const list = listOf(value, field).map(Number);
      if (list.some((n) => !Number.isInteger(n) || n < 0 || n > 3)) throw errors.badParam(`${field}: must list sample states 0 to 3, as [0,1,2]`);
      return list;
    }
    case 'names': {
      const list = listOf(value, field).map(String);
      const bad = list.find((n) => !spec.values.includes(n));
      if (bad !== undefined) throw errors.badParam(`${field}: unknown item "${bad}"; known: ${spec.values.join(', ')}`);
      return list;
    }
  }
}

export interface ParsedOperator {
  name: string;
  params: Parsed;
}

/** The operators of a template, checked and with defaults filled; `field` names the request field. */
export function parseOperators(
  templateId: TemplateId,
  operators: readonly { id?: string; name?: string; params?: Record<string, ParamValue> }[],
  field: string,
): ParsedOperator[] {
  const known = OPERATORS[templateId];
  const names = Object.keys(known);
  const list = operators.length > 0 ? operators : [{ name: names[0] }];
  return list.map((op, i) => {
    const at = `${field}[${i}]`;
    const name = op.name ?? (op.id !== undefined && op.id in known ? op.id : names.length === 1 ? names[0] : undefined);
    if (name === undefined || !(name in known)) throw errors.badParam(`${at}.name: must be one of ${names.join(', ')} for ${templateId}`);
    const specs = { ...COMMON, ...known[name] };
    const parsed: Parsed = {};
    for (const [key, value] of Object.entries(op.params ?? {})) {
      const spec = specs[key];
      if (!spec) throw errors.badParam(`${at}.params.${key}: unknown parameter of ${name}; known: ${Object.keys(specs).join(', ')}`);
      parsed[key] = parseOne(spec, value, `${at}.params.${key}`);
    }
    for (const [key, spec] of Object.entries(specs)) {
      if (parsed[key] === undefined && 'default' in spec && spec.default !== undefined) parsed[key] = spec.default;
    }
    return { name, params: parsed };
  });
}

export const num = (p: Parsed, key: string, fallback: number): number => (typeof p[key] === 'number' ? p[key] : fallback);
export const str = (p: Parsed, key: string, fallback: string): string => (typeof p[key] === 'string' ? p[key] : fallback);
export const bool = (p: Parsed, key: string, fallback: boolean): boolean => (typeof p[key] === 'boolean' ? p[key] : fallback);
