// The background scan of a new dataset's input folder: every file of an accepted type becomes a
// sample (with the labels found beside it when import_annotations is on). The dataset is "creating"
// while it runs and "normal" after. A restart re-runs the task; samples already imported are skipped
// by the samples family, so the scan simply starts over. The scan is the dataset's import: its
// import task record (import_task_id) carries the counts and the files that could not be taken as
// they were (an unreadable or malformed label file, a bad label), which never fail the whole scan.
import { Type } from 'typebox';
import { ApiError } from '#src/core/errors.ts';
import type { Clock } from '#src/core/time.ts';
import { scanDirectory } from '#src/formats/index.ts';
import type { TaskContext, TaskDefinition } from '#src/runtime/index.ts';
import type { BucketAccess } from '#src/storage/bucket-access.ts';
import type { ObjectStore } from '#src/storage/object-store.ts';
import { DatasetStatus, toRecord } from './dataset-directory.ts';
import { ImportErrorLog, type DatasetImportsPort, type ImportCounts } from './import-port.ts';
import type { DatasetSamplesPort } from './samples-port.ts';
import type { DatasetStore } from './store.ts';

const MAX_ATTEMPTS = 3;
const BATCH_SIZE = 1000;

const ScanPayload = Type.Object({ datasetId: Type.String() });

export interface ScanDeps {
  store: DatasetStore;
  samples: DatasetSamplesPort;
  imports: DatasetImportsPort;
  objectStore: ObjectStore;
  buckets: BucketAccess;
  clock: Clock;
}

/** Scans a new dataset's input folder into samples (the dataset's import). */
export class ScanInputTask implements TaskDefinition<typeof ScanPayload> {
  readonly name = 'datasets.scan-input';
  readonly payload = ScanPayload;
  readonly maxAttempts = MAX_ATTEMPTS;

  constructor(private readonly deps: ScanDeps) {}

  /** The queue's dedupe key: one scan of a dataset at a time. */
  static dedupeKey(datasetId: string): string {
    return `dataset-scan:${datasetId}`;
  }

  run({ datasetId }: { datasetId: string }, ctx: TaskContext): Promise<{ imported: number; errors: number } | string> {
    return scan(this.deps, datasetId, ctx);
  }
}

async function scan(deps: ScanDeps, datasetId: string, ctx: TaskContext): Promise<{ imported: number; errors: number } | string> {
  const { store, samples, imports } = deps;
  const row = await store.getById(datasetId);
  if (!row || row.status !== DatasetStatus.creating) return 'nothing to do';
  const dataset = toRecord(row);
  const input = dataset.inputPaths[0];
  const importId = row.import_task_id;
  const counts: ImportCounts = { samplesFound: 0, samplesAdded: 0, samplesAnnotated: 0, filesFound: 0, bytesFound: 0 };
  const errors = new ImportErrorLog();
  // A retry goes on counting the samples an earlier attempt added.
  if (importId) Object.assign(counts, await imports.started(importId));
  try {
    if (input) {
      // The account may have lost the bucket since the request (a revoked grant).
      await deps.buckets.check({ projectId: dataset.projectId }, input, 'data_sources[0].data_path');
      const batches = scanDirectory(deps.objectStore, input, dataset.info, {
        importAnnotations: dataset.importAnnotations ?? true,
        ...(dataset.labelFormat ? { labelFormat: dataset.labelFormat } : {}),
        batchSize: BATCH_SIZE,
        signal: ctx.signal,
        onFileError: (file, reason) => errors.add(file, reason),
        onFile: (file) => {
          counts.filesFound++;
          counts.bytesFound += file.size;
        },
      });
      for await (const batch of batches) {
        // Deleted meanwhile: stop quietly (its cancellation reaches the signal only at the next heartbeat).
        if (!(await store.getById(datasetId))) return 'dataset deleted';
        counts.samplesFound += batch.length;
        counts.samplesAdded += await samples.importSamples(dataset, batch, {
          onRejected: (source, reason) => errors.add(source, reason),
          onAnnotated: (n) => (counts.samplesAnnotated += n),
        });
        if (importId) await imports.progress(importId, counts, errors);
      }
    }
  } catch (err) {
    if (ctx.signal.aborted || !(await store.getById(datasetId))) return 'stopped';
    // A refusal (a bucket of another account, a bad folder) will not get better on a retry; other
    // failures may (a store hiccup).
    const final = err instanceof ApiError || ctx.attempt >= MAX_ATTEMPTS;
    if (!final) throw err;
    await store.changeStatus(datasetId, [DatasetStatus.creating], DatasetStatus.abnormal, { update_time: deps.clock.now() });
    const failure =
      err instanceof ApiError
        ? { code: err.code, message: err.message }
        : { code: 'ModelArts.4921', message: err instanceof Error ? err.message : String(err) };
    if (importId) await imports.finished(importId, counts, errors, failure);
    return `failed after ${counts.samplesAdded} samples: ${failure.message}`;
  }
  const now = deps.clock.now();
  await store.changeStatus(datasetId, [DatasetStatus.creating], DatasetStatus.normal, { update_time: now, data_update_time: now });
  if (importId) await imports.finished(importId, counts, errors);
  return { imported: counts.samplesAdded, errors: errors.count };
}
