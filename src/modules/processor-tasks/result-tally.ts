// What a version keeps of each file's result, wherever the operators ran: the result rows (written a batch at a time
// with the counts), the counts of the spec's version fields, and the files that go into the work path's dataset once
// the run has succeeded.
import { createHash } from 'node:crypto';
import type { Clock } from '#src/core/time.ts';
import type { OutputFile } from './dataset-output.ts';
import type { FileResult } from './operators/context.ts';
import type { ProcessorStore } from './store.ts';
import type { ProcessorResultRow } from './tables.ts';

/** Result rows written at once (with the counts). */
const BATCH = 1000;

export interface TallyTarget {
  versionId: string;
  /** The run's output folder: a kept or new file's new_source is there. */
  output: { bucket: string; key: string };
  /** The dataset the run's files go to (work path of type DATASET), if any. */
  datasetId: string | undefined;
}

export class ResultTally {
  readonly counts = { origin: 0, add: 0, modified: 0, deleted: 0, unmodified: 0 };
  /** The files that become samples of the work path's dataset once the run has succeeded. */
  readonly outputFiles: OutputFile[] = [];
  private readonly seen = new Set<string>();
  private pending: ProcessorResultRow[] = [];
  private seq = 0;

  constructor(
    private readonly store: ProcessorStore,
    private readonly clock: Clock,
    private readonly target: TallyTarget,
    /** Called after each batch is written: a stop from another process shows in the row. */
    private readonly afterFlush: () => Promise<void>,
  ) {}

  async record(r: FileResult): Promise<void> {
    const { output, datasetId, versionId } = this.target;
    const origin = `obs://${r.origin.bucket}/${r.origin.key}`;
    if (!this.seen.has(origin)) {
      this.seen.add(origin);
      this.counts.origin++;
      if (r.property === 2) this.counts.deleted++;
      else if (r.property === 1) this.counts.modified++;
      else this.counts.unmodified++;
    }
    if (r.property === 3) this.counts.add++;
    // a sample of the work path's dataset kept as it was is in the dataset already
    const already = r.property === 0 && r.origin.datasetId !== undefined && r.origin.datasetId === datasetId;
    if (datasetId !== undefined && r.property !== 2 && !already) {
      const path = r.newKey !== undefined ? { bucket: output.bucket, key: r.newKey } : { bucket: r.origin.bucket, key: r.origin.key };
      this.outputFiles.push({ path, origin: r.origin, ...(r.labels !== undefined ? { labels: r.labels } : {}) });
    }
    this.pending.push({
      version_id: versionId,
      seq: this.seq++,
      sample_id: r.origin.sampleId ?? createHash('md5').update(origin).digest('hex'),
      origin_source: origin,
      // a file kept without a copy stays where it is
      new_source: r.newKey !== undefined ? `obs://${output.bucket}/${r.newKey}` : r.property === 0 ? origin : null,
      result_property: r.property,
      result_description: JSON.stringify(r.description),
    });
    if (this.pending.length >= BATCH) await this.flush();
  }

  /** Writes the rows not written yet and the counts so far. */
  async flush(): Promise<void> {
    const rows = this.pending;
    this.pending = [];
    await this.store.insertResults(rows);
    const c = this.counts;
    await this.store.updateVersion(this.target.versionId, {
      origin_sample_count: c.origin,
      add_sample_count: c.add,
      modified_sample_count: c.modified,
      deleted_sample_count: c.deleted,
      unmodified_sample_count: c.unmodified,
      update_time: this.clock.now(),
    });
    await this.afterFlush();
  }
}
