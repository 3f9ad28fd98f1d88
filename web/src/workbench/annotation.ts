// A sample's labels as the workbench edits them, read from and written back to the API's form:
// classification tags, object shapes (@modelarts:shape / @modelarts:feature) and text spans
// (@modelarts:start_index / @modelarts:end_index, end exclusive).
import { featureOf, shapeFromFeature, type Shape } from './geometry.ts';

/** A label as the API returns it on a sample. */
export interface ApiLabel {
  name: string;
  type: number;
  property?: Record<string, unknown>;
  id?: string;
  score?: number;
  annotated_by?: string;
}

/** A label as UpdateSamples takes it. */
export interface LabelInput {
  name: string;
  type: number;
  property?: Record<string, unknown>;
  id?: string;
  score?: number;
  annotated_by?: 'human' | 'auto';
}

export type TaskKind = 'image-classification' | 'object-detection' | 'text-classification' | 'named-entity';

/** The label type each kind of task writes (the API's label type codes). */
export const LABEL_TYPE: Record<TaskKind, number> = {
  'image-classification': 0,
  'object-detection': 1,
  'text-classification': 100,
  'named-entity': 101,
};

/** The workbench's task for a dataset type, or null when it has none for it. */
export function taskKind(datasetType: number | undefined): TaskKind | null {
  const found = (Object.entries(LABEL_TYPE) as [TaskKind, number][]).find(([, t]) => t === datasetType);
  return found ? found[0] : null;
}

/** What a label keeps besides what the workbench edits: its id, score, author and other properties. */
interface Kept {
  id?: string;
  score?: number;
  annotated_by?: 'human' | 'auto';
  property: Record<string, unknown>;
}

export interface ShapeItem extends Kept {
  key: number;
  name: string;
  shape: Shape;
}

export interface SpanItem extends Kept {
  key: number;
  name: string;
  start: number;
  end: number;
}

export interface TagItem extends Kept {
  name: string;
}

export interface Annotation {
  tags: TagItem[];
  shapes: ShapeItem[];
  spans: SpanItem[];
  /** Labels this task does not edit (another type, or a shape it does not draw): saved back unchanged. */
  others: ApiLabel[];
}

export const EMPTY: Annotation = { tags: [], shapes: [], spans: [], others: [] };

let nextKey = 1;
/** A fresh key for a new shape or span (React's list key and the selection's handle). */
export const newKey = (): number => nextKey++;

const SHAPE_KEYS = ['@modelarts:shape', '@modelarts:feature'];
const SPAN_KEYS = ['@modelarts:start_index', '@modelarts:end_index'];

function kept(l: ApiLabel, drop: readonly string[]): Kept {
  const property = Object.fromEntries(Object.entries(l.property ?? {}).filter(([k]) => !drop.includes(k)));
  return {
    ...(l.id !== undefined ? { id: l.id } : {}),
    ...(l.score !== undefined ? { score: l.score } : {}),
    ...(l.annotated_by === 'human' || l.annotated_by === 'auto' ? { annotated_by: l.annotated_by } : {}),
    property,
  };
}

/** The sample's labels split into what the task edits and what it keeps as it is. */
export function fromLabels(labels: readonly ApiLabel[], kind: TaskKind): Annotation {
  const out: Annotation = { tags: [], shapes: [], spans: [], others: [] };
  const type = LABEL_TYPE[kind];
  for (const l of labels) {
    const p = l.property ?? {};
    if (l.type !== type) out.others.push(l);
    else if (kind === 'object-detection') {
      const shape = shapeFromFeature(p['@modelarts:shape'], p['@modelarts:feature']);
      if (shape) out.shapes.push({ key: newKey(), name: l.name, shape, ...kept(l, SHAPE_KEYS) });
      else out.others.push(l);
    } else if (kind === 'named-entity') {
      const start = p['@modelarts:start_index'];
      const end = p['@modelarts:end_index'];
      if (typeof start === 'number' && typeof end === 'number') out.spans.push({ key: newKey(), name: l.name, start, end, ...kept(l, SPAN_KEYS) });
      else out.others.push(l);
    } else out.tags.push({ name: l.name, ...kept(l, []) });
  }
  return out;
}

function base(item: Kept, name: string, type: number, property: Record<string, unknown>): LabelInput {
  return {
    name,
    type,
    ...(item.id !== undefined ? { id: item.id } : {}),
    ...(item.score !== undefined ? { score: item.score } : {}),
    ...(item.annotated_by !== undefined ? { annotated_by: item.annotated_by } : {}),
    ...(Object.keys(property).length > 0 ? { property } : {}),
  };
}

/** The labels UpdateSamples is sent for the annotation. */
export function toLabels(a: Annotation, kind: TaskKind): LabelInput[] {
  const type = LABEL_TYPE[kind];
  const edited =
    kind === 'object-detection'
      ? a.shapes.map((s) => base(s, s.name, type, { ...s.property, '@modelarts:shape': s.shape.kind, '@modelarts:feature': featureOf(s.shape) }))
      : kind === 'named-entity'
        ? [...a.spans]
            .sort((x, y) => x.start - y.start)
            .map((s) => base(s, s.name, type, { ...s.property, '@modelarts:start_index': s.start, '@modelarts:end_index': s.end }))
        : a.tags.map((t) => base(t, t.name, type, t.property));
  return [...edited, ...a.others.map((l) => base(kept(l, []), l.name, l.type, l.property ?? {}))];
}

/**
 * A classification label pressed: with one label per sample it becomes the only one (pressed again it
 * goes); with several it is added or taken away.
 */
export function toggleTag(a: Annotation, name: string, multiple: boolean): Annotation {
  const has = a.tags.some((t) => t.name === name);
  if (has) return { ...a, tags: a.tags.filter((t) => t.name !== name) };
  const tag: TagItem = { name, property: {} };
  return { ...a, tags: multiple ? [...a.tags, tag] : [tag] };
}

/** A new span [start, end) with its label; spans it overlaps are replaced. Null when it is empty. */
export function addSpan(a: Annotation, start: number, end: number, name: string): Annotation | null {
  const s = Math.min(start, end);
  const e = Math.max(start, end);
  if (e <= s) return null;
  const spans = a.spans.filter((x) => x.end <= s || x.start >= e);
  return { ...a, spans: [...spans, { key: newKey(), name, start: s, end: e, property: {} }].sort((x, y) => x.start - y.start) };
}

export interface Segment {
  text: string;
  start: number;
  span?: SpanItem;
}

/** The text cut into plain runs and labeled spans, in order, for highlighting. */
export function segments(text: string, spans: readonly SpanItem[]): Segment[] {
  const out: Segment[] = [];
  let at = 0;
  for (const s of [...spans].sort((x, y) => x.start - y.start)) {
    if (s.start < at || s.end > text.length) continue;
    if (s.start > at) out.push({ text: text.slice(at, s.start), start: at });
    out.push({ text: text.slice(s.start, s.end), start: s.start, span: s });
    at = s.end;
  }
  if (at < text.length) out.push({ text: text.slice(at), start: at });
  return out;
}

/** A text sample's content: the API gives inline text as content://<text>. */
export const textOf = (source: string | undefined): string | null => (source?.startsWith('content://') ? source.slice('content://'.length) : null);

/** Whether an annotation equals the one saved (the page asks before dropping unsaved edits). */
export const sameLabels = (a: Annotation, b: Annotation, kind: TaskKind): boolean => JSON.stringify(toLabels(a, kind)) === JSON.stringify(toLabels(b, kind));
