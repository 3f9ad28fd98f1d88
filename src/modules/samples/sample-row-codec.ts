import type { SampleRow } from './tables.ts';

/** bigint columns as numbers whatever the driver gave. */
export function numericSample(r: SampleRow): SampleRow {
  return { ...r, size: Number(r.size), sample_time: Number(r.sample_time), labeled_time: Number(r.labeled_time), create_time: Number(r.create_time) };
}
