// The background scan of a new dataset's input folder: every file of an accepted type becomes a
// sample (with the labels found beside it when import_annotations is on). The dataset is "creating"
// while it runs and "normal" after. A restart re-runs the task; samples already imported are skipped
// by the samples family, so the scan simply starts over.
import { Type } from 'typebox';
import { ApiError } from '#src/core/errors.ts';
import type { Clock } from '#src/core/time.ts';
import { scanDirectory } from '#src/modules/data-transfer/formats/directory-reader.ts';
import { defineTask, type TaskContext } from '#src/runtime/index.ts';
import type { ObjectStore } from '#src/storage/object-store.ts';
import { DatasetStatus, toRecord } from './dataset-directory.ts';
import type { DatasetSamplesPort } from './samples-port.ts';
import type { DatasetStore } from './store.ts';

export const SCAN_TASK = 'datasets.scan-input';
const MAX_ATTEMPTS = 3;
const BATCH_SIZE = 1000;

export interface ScanDeps {
  store: DatasetStore;
  samples: DatasetSamplesPort;
  objectStore: ObjectStore;
  clock: Clock;
}

export function scanTask(deps: ScanDeps) {
  return defineTask({
    name: SCAN_TASK,
    payload: Type.Object({ datasetId: Type.String() }),
    maxAttempts: MAX_ATTEMPTS,
    run: (payload, ctx) => scan(deps, payload.datasetId, ctx),
  });
}

async function scan(deps: ScanDeps, datasetId: string, ctx: TaskContext): Promise<{ imported: number } | string> {
  const { store, samples } = deps;
  const row = await store.getById(datasetId);
  if (!row || row.status !== DatasetStatus.creating) return 'nothing to do';
  const dataset = toRecord(row);
  const input = dataset.inputPaths[0];
  let imported = 0;
  try {
    if (input) {
      const batches = scanDirectory(deps.objectStore, input, dataset.info, {
        importAnnotations: dataset.importAnnotations ?? true,
        ...(dataset.labelFormat ? { labelFormat: dataset.labelFormat } : {}),
        batchSize: BATCH_SIZE,
        signal: ctx.signal,
      });
      for await (const batch of batches) {
        // Deleted meanwhile: stop quietly (its cancellation reaches the signal only at the next heartbeat).
        if (!(await store.getById(datasetId))) return 'dataset deleted';
        imported += await samples.importSamples(dataset, batch);
      }
    }
  } catch (err) {
    if (ctx.signal.aborted || !(await store.getById(datasetId))) return 'stopped';
    // A malformed label file will not get better on a retry; other failures may (a store hiccup).
    const final = err instanceof ApiError || ctx.attempt >= MAX_ATTEMPTS;
    if (!final) throw err;
    await store.changeStatus(datasetId, [DatasetStatus.creating], DatasetStatus.abnormal, { update_time: deps.clock.now() });
    return `failed after ${imported} samples: ${err instanceof Error ? err.message : String(err)}`;
  }
  const now = deps.clock.now();
  await store.changeStatus(datasetId, [DatasetStatus.creating], DatasetStatus.normal, { update_time: now, data_update_time: now });
  return { imported };
}
