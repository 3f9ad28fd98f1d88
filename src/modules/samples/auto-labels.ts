// What intelligent tasks (auto labeling, auto grouping) read and write of a dataset's samples:
// the labeled and unlabeled samples they learn from, and the predictions they leave on samples
// awaiting confirmation (state auto), or the group they write into a metadata attribute.
import type { Clock } from '#src/core/time.ts';
import type { StoredAnnotation } from './sample-model.ts';
import type { SampleDatasets } from './ports.ts';
import type { SampleStore } from './store.ts';
import { SampleState } from './tables.ts';

/** A sample as a learner sees it: its file (or inline text) and, when labeled by hand, its label names. */
export interface LearningSample {
  id: string;
  source: string;
  labels: string[];
}

/** One prediction: the label it gives a sample, how sure it is, and whether it is a hard example. */
export interface AutoLabelPrediction {
  sampleId: string;
  label: string;
  score: number;
  hard: boolean;
  /** Hard reason ids (see hard-reasons.ts) when hard. */
  hardReasons?: number[];
  /** Object detection: the boxes found (then they are the sample's labels), corners [[x1, y1], [x2, y2]]. */
  boxes?: { label: string; score: number; box: [[number, number], [number, number]] }[];
}

export interface LearningSet {
  labeled: LearningSample[];
  unlabeled: LearningSample[];
}

const PAGE = 2000;

export class AutoLabels {
  constructor(
    private readonly store: SampleStore,
    private readonly directory: SampleDatasets,
    private readonly clock: Clock,
  ) {}

  /** The names of the dataset's labels (what a prediction may name). */
  async labelNames(datasetId: string): Promise<string[]> {
    return (await this.store.labels(datasetId)).map((l) => l.name);
  }

  /**
   * The samples labeled by hand (with their label names), and the others: unlabeled, or labeled by an
   * earlier task and not confirmed yet (a new run predicts them again).
   */
  async learningSet(datasetId: string): Promise<LearningSet> {
    const names = new Map((await this.store.labels(datasetId)).map((l) => [l.no, l.name]));
    const out: LearningSet = { labeled: [], unlabeled: [] };
    let after = '';
    for (;;) {
      const rows = await this.store.db
        .selectFrom('samples')
        .select(['id', 'source', 'state', 'labels'])
        .where('dataset_id', '=', datasetId)
        .where('id', '>', after)
        .orderBy('id')
        .limit(PAGE)
        .execute();
      for (const r of rows) {
        const stored = JSON.parse(r.labels) as StoredAnnotation[];
        const labels = [...new Set(stored.map((a) => names.get(a.label)).filter((n): n is string => n !== undefined))];
        if (Number(r.state) === SampleState.manual && labels.length > 0) out.labeled.push({ id: r.id, source: r.source, labels });
        else if (Number(r.state) !== SampleState.manual) out.unlabeled.push({ id: r.id, source: r.source, labels: [] });
      }
      if (rows.length < PAGE) return out;
      after = rows[rows.length - 1]!.id;
    }
  }

  /**
   * Leaves each prediction on its sample as a label awaiting confirmation, with its confidence and
   * hard example marks. A sample labeled by hand meanwhile keeps its labels. Returns how many changed.
   */
  async writePredictions(datasetId: string, predictions: readonly AutoLabelPrediction[]): Promise<number> {
    if (predictions.length === 0) return 0;
    const now = this.clock.now();
    let changed = 0;
    for (let i = 0; i < predictions.length; i += PAGE) {
      const part = predictions.slice(i, i + PAGE);
      changed += await this.store.write(datasetId, now, async (tx) => {
        const labels = await tx.labels();
        const rows = new Map((await tx.samplesByIds(part.map((p) => p.sampleId))).map((r) => [r.id, r]));
        let n = 0;
        for (const p of part) {
          const row = rows.get(p.sampleId);
          const label = labels.get(p.label);
          if (!row || !label || Number(row.state) === SampleState.manual) continue;
          const metadata = { ...(JSON.parse(row.metadata) as Record<string, unknown>) };
          delete metadata['@modelarts:hard_reasons'];
          metadata['@modelarts:hard'] = p.hard ? 1 : 0;
          metadata['@modelarts:hard_coefficient'] = Math.round((1 - p.score) * 1000) / 1000;
          if (p.hard && p.hardReasons && p.hardReasons.length > 0) metadata['@modelarts:hard_reasons'] = p.hardReasons;
          const annotation: StoredAnnotation = { label: label.no, score: Math.round(p.score * 10000) / 10000, annotated_by: 'auto' };
          const boxes = (p.boxes ?? []).flatMap((b): StoredAnnotation[] => {
            const no = labels.get(b.label)?.no;
            const property = { '@modelarts:shape': 'bndbox', '@modelarts:feature': b.box };
            return no === undefined ? [] : [{ label: no, score: Math.round(b.score * 10000) / 10000, annotated_by: 'auto', property }];
          });
          await tx.changeLabels(row, {
            state: SampleState.auto,
            annotations: p.boxes ? boxes : [annotation],
            metadata,
            usage: row.usage,
            labeler: 'auto',
            labeledTime: now,
          });
          n++;
        }
        return n;
      });
    }
    if (changed > 0) await this.directory.touch(datasetId);
    return changed;
  }

  /** Writes each sample's group into the metadata attribute `property`. Returns how many changed. */
  async writeGroups(datasetId: string, property: string, groups: readonly { sampleId: string; group: string }[]): Promise<number> {
    if (groups.length === 0) return 0;
    const now = this.clock.now();
    let changed = 0;
    for (let i = 0; i < groups.length; i += PAGE) {
      const part = groups.slice(i, i + PAGE);
      changed += await this.store.write(datasetId, now, async (tx) => {
        const rows = new Map((await tx.samplesByIds(part.map((p) => p.sampleId))).map((r) => [r.id, r]));
        let n = 0;
        for (const g of part) {
          const row = rows.get(g.sampleId);
          if (!row) continue;
          const metadata = { ...(JSON.parse(row.metadata) as Record<string, unknown>), [property]: g.group };
          await tx.changeLabels(row, {
            state: Number(row.state),
            annotations: JSON.parse(row.labels) as StoredAnnotation[],
            metadata,
            usage: row.usage,
            labeler: row.labeler,
            labeledTime: Number(row.labeled_time),
          });
          n++;
        }
        return n;
      });
    }
    if (changed > 0) await this.directory.touch(datasetId);
    return changed;
  }
}
