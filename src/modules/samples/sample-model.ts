// How a sample's labels are stored and how a change to samples moves the counters.
import { isHard } from './annotation-rules.ts';
import { SampleState, type SampleRow } from './tables.ts';

/** A label on a sample as stored: the label by its number, so renames touch only the label row. */
export interface StoredAnnotation {
  label: number;
  property?: Record<string, unknown>;
  score?: number;
  annotated_by?: string;
  id?: string;
}

/** A dataset label as the write paths need it. */
export interface LabelRef {
  no: number;
  name: string;
  type: number;
  property: Record<string, unknown>;
  attributes?: Record<string, unknown>[];
}

/** What the counters need of a sample. */
export interface SampleSummary {
  state: number;
  annotations: readonly StoredAnnotation[];
  hard: boolean;
  metadata: Record<string, unknown>;
}

/** Metadata keys not counted: per-image values with no use as a filter or statistic. */
const UNCOUNTED_METADATA = new Set(['@modelarts:size']);
const MAX_COUNTED_VALUE = 256;

/** The (key, value) pairs of metadata that are counted: scalars, and the items of arrays. */
export function countedMetadata(m: Record<string, unknown>): { key: string; value: string }[] {
  const out: { key: string; value: string }[] = [];
  for (const [key, v] of Object.entries(m)) {
    if (UNCOUNTED_METADATA.has(key) || key.length > MAX_COUNTED_VALUE) continue;
    for (const item of Array.isArray(v) ? v : [v]) {
      if (item === null || typeof item === 'object') continue;
      const value = String(item);
      if (value.length <= MAX_COUNTED_VALUE) out.push({ key, value });
    }
  }
  return out;
}

export const labelSetOf = (annotations: readonly StoredAnnotation[]): string => {
  if (annotations.length === 0) return '';
  const nos = [...new Set(annotations.map((a) => a.label))].sort((a, b) => a - b);
  return nos.length === 0 ? '' : `,${nos.join(',')},`;
};

export const distinctLabels = (annotations: readonly StoredAnnotation[]): number[] => [...new Set(annotations.map((a) => a.label))];

export function maxScore(annotations: readonly StoredAnnotation[]): number | null {
  let best: number | null = null;
  for (const a of annotations) if (a.score !== undefined && (best === null || a.score > best)) best = a.score;
  return best;
}

export const summaryOf = (row: Pick<SampleRow, 'state' | 'labels' | 'hard' | 'metadata'>): SampleSummary => ({
  state: row.state,
  annotations: JSON.parse(row.labels) as StoredAnnotation[],
  hard: row.hard === 1,
  metadata: JSON.parse(row.metadata) as Record<string, unknown>,
});

export const summaryFromParts = (state: number, annotations: readonly StoredAnnotation[], metadata: Record<string, unknown>): SampleSummary => ({
  state,
  annotations,
  hard: isHard(metadata),
  metadata,
});

export interface LabelDelta {
  countManual: number;
  samplesManual: number;
  countAuto: number;
  samplesAuto: number;
}

/** The change a write makes to a dataset's counters, summed over its samples, applied once. */
export class CounterDelta {
  total = 0;
  manual = 0;
  auto = 0;
  hard = 0;
  multi = 0;
  deleted = 0;
  readonly labels = new Map<number, LabelDelta>();
  readonly metadata = new Map<string, { key: string; value: string; n: number }>();

  /** Adds (sign 1) or removes (sign -1) a sample. */
  add(s: SampleSummary, sign: 1 | -1): void {
    this.total += sign;
    if (s.state === SampleState.manual) this.manual += sign;
    if (s.state === SampleState.auto) this.auto += sign;
    if (s.hard) this.hard += sign;
    this.addLabels(s, sign);
    for (const { key, value } of countedMetadata(s.metadata)) {
      const k = `${key}\u0000${value}`;
      const e = this.metadata.get(k) ?? { key, value, n: 0 };
      e.n += sign;
      this.metadata.set(k, e);
    }
  }

  /** Only the label side of a sample (a change of labels that keeps the sample). */
  addLabels(s: Pick<SampleSummary, 'state' | 'annotations'>, sign: 1 | -1): void {
    if (s.state === SampleState.none) return;
    const manual = s.state === SampleState.manual;
    const perLabel = new Map<number, number>();
    for (const a of s.annotations) perLabel.set(a.label, (perLabel.get(a.label) ?? 0) + 1);
    if (manual && perLabel.size > 1) this.multi += sign;
    for (const [no, n] of perLabel) {
      const d = this.labels.get(no) ?? { countManual: 0, samplesManual: 0, countAuto: 0, samplesAuto: 0 };
      if (manual) {
        d.countManual += sign * n;
        d.samplesManual += sign;
      } else {
        d.countAuto += sign * n;
        d.samplesAuto += sign;
      }
      this.labels.set(no, d);
    }
  }

  /** A sample whose state, labels, hardness or metadata changed. */
  change(before: SampleSummary, after: SampleSummary): void {
    if (before.state !== after.state) {
      if (before.state === SampleState.manual) this.manual--;
      if (before.state === SampleState.auto) this.auto--;
      if (after.state === SampleState.manual) this.manual++;
      if (after.state === SampleState.auto) this.auto++;
    }
    if (before.hard !== after.hard) this.hard += after.hard ? 1 : -1;
    this.addLabels(before, -1);
    this.addLabels(after, 1);
    if (before.metadata !== after.metadata) {
      for (const { key, value } of countedMetadata(before.metadata)) this.bumpMeta(key, value, -1);
      for (const { key, value } of countedMetadata(after.metadata)) this.bumpMeta(key, value, 1);
    }
  }

  private bumpMeta(key: string, value: string, n: number): void {
    const k = `${key}\u0000${value}`;
    const e = this.metadata.get(k) ?? { key, value, n: 0 };
    e.n += n;
    this.metadata.set(k, e);
  }

  get isEmpty(): boolean {
    return (
      this.total === 0 &&
      this.manual === 0 &&
      this.auto === 0 &&
      this.hard === 0 &&
      this.multi === 0 &&
      this.deleted === 0 &&
      [...this.labels.values()].every((d) => d.countManual === 0 && d.samplesManual === 0 && d.countAuto === 0 && d.samplesAuto === 0) &&
      [...this.metadata.values()].every((m) => m.n === 0)
    );
  }
}
