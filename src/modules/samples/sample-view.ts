// A sample row as the wire's DescribeSampleResp.
import { hardReason } from './hard-reasons.ts';
import { annotationsToLabels } from './label-view.ts';
import type { LabelRef, StoredAnnotation } from './sample-model.ts';
import type { DescribeSampleResp } from './schemas.ts';
import { SampleState, type SampleRow } from './tables.ts';

/**
 * sample_status as the spec's examples give it (MANUAL_ANNOTATION, ...). The table beside them lists
 * the sample_state filter words (__ALL__, __NONE__, ...), which name sets of samples, not one sample's
 * state; the examples' values are the ones a sample has.
 */
export const STATUS_NAMES: Record<number, string> = {
  [SampleState.none]: 'UN_ANNOTATION',
  [SampleState.manual]: 'MANUAL_ANNOTATION',
  [SampleState.auto]: 'AUTO_ANNOTATION',
};

/** hard_details of a hard sample: its reasons (metadata @modelarts:hard_reasons) described. */
function hardDetails(row: SampleRow, metadata: Record<string, unknown>): DescribeSampleResp['hard_details'] {
  const ids = metadata['@modelarts:hard_reasons'];
  if (row.hard !== 1 || !Array.isArray(ids)) return undefined;
  const out: NonNullable<DescribeSampleResp['hard_details']> = {};
  for (const id of ids) {
    const r = typeof id === 'number' ? hardReason(id) : undefined;
    if (r) out[String(id)] = r;
  }
  return out;
}

/** `source` is the wire form of the row's source: a signed URL of its file, or its inline text. */
export function sampleView(row: SampleRow, labels: ReadonlyMap<number, LabelRef>, source: string): DescribeSampleResp {
  const metadata = JSON.parse(row.metadata) as Record<string, unknown>;
  const hard = hardDetails(row, metadata);
  return {
    sample_id: row.id,
    sample_type: row.sample_type,
    labels: annotationsToLabels(JSON.parse(row.labels) as StoredAnnotation[], labels),
    source,
    metadata,
    sample_time: row.sample_time,
    sample_status: STATUS_NAMES[row.state] ?? 'UN_ANNOTATION',
    sample_name: row.name,
    sample_dir: row.dir,
    sample_size: row.size,
    ...(hard ? { hard_details: hard } : {}),
  };
}
