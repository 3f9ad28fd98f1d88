// A sample row read for a snapshot stream (a published version's frozen rows, an export's live
// selection) and the formats' SnapshotSample it becomes.
import type { SnapshotSample } from '#src/formats/sample-records.ts';
import { annotationsToLabels } from './label-view.ts';
import type { LabelRef, StoredAnnotation } from './sample-model.ts';

export interface SnapshotRow {
  sample_id: string;
  source: string;
  sample_type: number;
  usage: string | null;
  labels: string;
  metadata: string;
  labeled_time: number;
}

export function snapshotOf(r: SnapshotRow, labels: ReadonlyMap<number, LabelRef>): SnapshotSample {
  // Most samples carry no metadata and many no label: skip the parser for the empty forms.
  const annotations = r.labels === '[]' ? [] : (JSON.parse(r.labels) as StoredAnnotation[]);
  return {
    id: r.sample_id,
    source: r.source,
    sampleType: Number(r.sample_type),
    ...(r.usage ? { usage: r.usage } : {}),
    labels: annotations.length === 0 ? [] : annotationsToLabels(annotations, labels),
    metadata: r.metadata === '{}' ? {} : (JSON.parse(r.metadata) as Record<string, unknown>),
    labeledTime: Number(r.labeled_time),
  };
}
