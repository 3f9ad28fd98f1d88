// Building sample rows and resolving the labels a write names.
import { randomBytes } from 'node:crypto';
import { errors } from '#src/core/errors.ts';
import { labelErrors, type DatasetRecord } from '#src/modules/datasets/index.ts';
import { isHard } from './annotation-rules.ts';
import { labelSetOf, maxScore, type LabelRef, type StoredAnnotation } from './sample-model.ts';
import type { SampleDraft, SampleTx } from './sample-tx.ts';
import type { SampleRow } from './tables.ts';
import { LABEL_NAME, LABEL_NAME_RULE } from './label-name.ts';

export interface RowInput {
  source: string;
  name: string;
  size: number;
  sampleTime: number;
  state: number;
  annotations: StoredAnnotation[];
  metadata: Record<string, unknown>;
  usage: string | null;
  labeler: string | null;
}

/**
 * A sample id: 32 hex characters like ModelArts', time-ordered (12 of milliseconds, then 20 random)
 * so a big import appends to the id index instead of writing all over it.
 */
export function sampleId(now: number): string {
  if (now !== time.now) time = { now, hex: now.toString(16).padStart(12, '0').slice(-12) };
  if (poolAt + 20 > pool.length) {
    pool = randomBytes(4096).toString('hex');
    poolAt = 0;
  }
  poolAt += 20;
  return time.hex + pool.slice(poolAt - 20, poolAt);
}

// Random hex drawn 4 KB at a time: one call per sample costs more than the rest of building its row.
let pool = '';
let poolAt = 0;
// A batch's samples share their time.
let time = { now: -1, hex: '' };

function isEmpty(o: Record<string, unknown>): boolean {
  for (const _ in o) return false;
  return true;
}

/** `/bucket/dir/` of `/bucket/dir/file`. */
export const dirOf = (source: string): string => source.slice(0, source.lastIndexOf('/') + 1);

/** A row to insert with the parsed parts the counters need (see SampleTx.insertSamples). */
export function sampleDraft(dataset: DatasetRecord, input: RowInput, now: number): SampleDraft {
  return { row: sampleRow(dataset, input, now), annotations: input.annotations, metadata: input.metadata };
}

export function sampleRow(dataset: DatasetRecord, input: RowInput, now: number): SampleRow {
  return {
    id: sampleId(now),
    dataset_id: dataset.id,
    source: input.source,
    name: input.name,
    dir: dirOf(input.source),
    size: input.size,
    sample_type: dataset.info.sampleType,
    sample_time: input.sampleTime,
    state: input.state,
    labels: input.annotations.length === 0 ? '[]' : JSON.stringify(input.annotations),
    label_set: labelSetOf(input.annotations),
    metadata: isEmpty(input.metadata) ? '{}' : JSON.stringify(input.metadata),
    usage: input.usage,
    hard: isHard(input.metadata) ? 1 : 0,
    score: maxScore(input.annotations),
    labeler: input.labeler,
    labeled_time: input.annotations.length > 0 ? now : 0,
    create_time: now,
  };
}

/** A label as requests and imports give it (the name may be missing: that is an error). */
export interface LabelInput {
  id?: string;
  name?: string;
  type?: number;
  property?: Record<string, unknown>;
  score?: number;
  annotated_by?: string;
}

export interface ResolveOptions {
  /** Create labels the dataset does not have yet (false: refuse them with 4410). */
  create: boolean;
}

/**
 * Turns the labels a request names into stored annotations, creating missing labels when allowed.
 * A label's type defaults to its definition's, or for a new label to the dataset's only label type;
 * a type the dataset cannot carry, or other than the existing label's, is refused.
 */
export class LabelResolver {
  private readonly pending = new Map<string, Omit<LabelRef, 'no'>>();

  constructor(
    private readonly dataset: DatasetRecord,
    private readonly known: Map<string, LabelRef>,
    private readonly opts: ResolveOptions,
  ) {}

  /** The label (existing or to be created) and its type; throws naming `field`. */
  private resolve(label: LabelInput, field: string): { name: string; type: number } {
    const name = typeof label.name === 'string' ? label.name.trim() : '';
    if (name === '') throw labelErrors.notFound(`${field}.name is required`);
    const existing = this.known.get(name) ?? this.pending.get(name);
    if (existing) {
      if (label.type !== undefined && label.type !== existing.type) {
        throw labelErrors.badType(`${field}.type: label "${name}" has type ${existing.type}, not ${label.type}`);
      }
      return { name, type: existing.type };
    }
    if (!this.opts.create) throw labelErrors.notFound(`${field}.name: the dataset has no label "${name}"`);
    if (!LABEL_NAME.test(name)) throw errors.badParam(`${field}.name: a new label's name ${LABEL_NAME_RULE}`);
    const allowed = this.dataset.info.labelTypes as readonly number[];
    const type = label.type ?? (allowed.length === 1 ? allowed[0] : undefined);
    if (type === undefined) {
      throw labelErrors.badType(`${field}.type is needed to create label "${name}"; this dataset takes types ${allowed.join(', ') || 'none'}`);
    }
    if (!allowed.includes(type)) {
      throw labelErrors.badType(`${field}.type: ${type} does not fit a dataset of type ${this.dataset.info.type}; allowed: ${allowed.join(', ') || 'none'}`);
    }
    this.pending.set(name, { name, type, property: {} });
    return { name, type };
  }

  /** Checks a sample's labels and returns their types (for the per-type rules). */
  typesOf(labels: readonly LabelInput[], field: string): number[] {
    return labels.map((l, i) => this.resolve(l, `${field}[${i}]`).type);
  }

  /** The definition of a label, existing or about to be created. */
  definition(name: string): Omit<LabelRef, 'no'> | undefined {
    return this.known.get(name) ?? this.pending.get(name);
  }

  /** Creates the labels met so far that the dataset lacked. */
  async createPending(tx: SampleTx): Promise<void> {
    await tx.createLabels([...this.pending.values()]);
    this.pending.clear();
  }

  /** After createPending: the labels as stored annotations. */
  toAnnotations(labels: readonly LabelInput[]): StoredAnnotation[] {
    return labels.map((l) => {
      const ref = this.known.get((l.name ?? '').trim());
      if (!ref) throw new Error(`label ${l.name} was not created`);
      return {
        label: ref.no,
        ...(l.property && Object.keys(l.property).length > 0 ? { property: l.property } : {}),
        ...(l.score !== undefined ? { score: l.score } : {}),
        ...(l.annotated_by !== undefined ? { annotated_by: l.annotated_by } : {}),
        ...(l.id !== undefined ? { id: l.id } : {}),
      };
    });
  }
}
