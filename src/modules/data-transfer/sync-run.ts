// The background work of a sync (#60): after the imports and syncs of the dataset asked for before
// it, scans the dataset's input folder again. A file that is not yet a sample becomes one (with its
// labels, as at creation); a sample whose file is no longer in the folder is removed. Samples that
// do not come from the input folder (uploaded ones, text lines) are left alone. A restart runs it
// again: a second pass finds nothing more to add or remove.
import { Type } from 'typebox';
import { ApiError } from '#src/core/errors.ts';
import type { Clock } from '#src/core/time.ts';
import { scanDirectory } from '#src/formats/index.ts';
import type { TaskContext, TaskDefinition } from '#src/runtime/index.ts';
import type { BucketAccess } from '#src/storage/bucket-access.ts';
import type { ObjectStore } from '#src/storage/object-store.ts';
import { formatObsPath } from '#src/storage/obs-path.ts';
import { BATCH_SIZE } from './import-sources.ts';
import type { TransferDatasets, TransferSamples } from './ports.ts';
import type { SyncTaskStore } from './sync-store.ts';
import type { TransferGate } from './transfer-gate.ts';

const MAX_ATTEMPTS = 3;
const SyncPayload = Type.Object({ syncId: Type.String() });

export interface SyncRunDeps {
  store: SyncTaskStore;
  datasets: TransferDatasets;
  samples: TransferSamples;
  gate: TransferGate;
  objectStore: ObjectStore;
  buckets: BucketAccess;
  clock: Clock;
}

export class SyncRunTask implements TaskDefinition<typeof SyncPayload> {
  readonly name = 'data-transfer.sync';
  readonly payload = SyncPayload;
  readonly maxAttempts = MAX_ATTEMPTS;

  constructor(private readonly deps: SyncRunDeps) {}

  run({ syncId }: { syncId: string }, ctx: TaskContext): Promise<unknown> {
    return runSync(this.deps, syncId, ctx);
  }
}

async function runSync(deps: SyncRunDeps, syncId: string, ctx: TaskContext): Promise<unknown> {
  const { store, clock } = deps;
  const row = await store.getById(syncId);
  if (!row || row.status === 'COMPLETED' || row.status === 'FAILED') return 'nothing to do';
  if (!(await deps.gate.wait({ datasetId: row.dataset_id, id: row.id, createTime: row.create_time }, ctx))) return 'stopped';
  const now = clock.now();
  await store.update(syncId, { status: 'RUNNING', start_time: row.start_time ?? now, update_time: now });
  // A retry counts on from what the earlier attempt changed.
  let added = row.add_sample_count;
  let deleted = row.deleted_sample_count;
  const problems: string[] = [];
  let problemCount = 0;
  try {
    const dataset = await deps.datasets.requireWritable(row.project_id, row.dataset_id);
    const input = dataset.inputPaths[0];
    if (input) {
      await deps.buckets.check({ projectId: row.project_id }, input, 'data_sources[0].data_path');
      // The samples the folder gave before, by source: a file still there is struck off, so what is
      // left at the end is the samples whose files are gone. Only files not in it go to the samples
      // port (a sync of a large folder with few changes writes almost nothing).
      const known = new Map<string, string>();
      for await (const page of deps.samples.sourcesUnder(dataset.id, formatObsPath(input))) for (const s of page) known.set(s.source, s.id);
      const gone = new Map(known);
      const batches = scanDirectory(deps.objectStore, input, dataset.info, {
        importAnnotations: dataset.importAnnotations ?? true,
        ...(dataset.labelFormat ? { labelFormat: dataset.labelFormat } : {}),
        batchSize: BATCH_SIZE,
        signal: ctx.signal,
        onFile: (file) => gone.delete(formatObsPath(input.bucket, file.key)),
        onFileError: (file, reason) => {
          problemCount++;
          if (problems.length < 20) problems.push(`${file}: ${reason}`);
        },
      });
      for await (const batch of batches) {
        const fresh = batch.filter((s) => !known.has(s.source));
        if (fresh.length === 0) continue;
        added += await deps.samples.importSamples(dataset, fresh, {
          onRejected: (source, reason) => {
            problemCount++;
            if (problems.length < 20) problems.push(`${source}: ${reason}`);
          },
        });
        await store.update(syncId, { add_sample_count: added, update_time: clock.now() });
      }
      const ids = [...gone.values()];
      for (let i = 0; i < ids.length; i += BATCH_SIZE) {
        deleted += await deps.samples.removeSamples(dataset, ids.slice(i, i + BATCH_SIZE));
        await store.update(syncId, { deleted_sample_count: deleted, update_time: clock.now() });
      }
    }
    const total = (await deps.samples.counts(dataset.id)).total;
    const end = clock.now();
    const note = problemCount > 0 ? `${problemCount} file(s) could not be read as given: ${problems.join('; ')}` : null;
    await store.update(syncId, {
      status: 'COMPLETED',
      add_sample_count: added,
      deleted_sample_count: deleted,
      total_sample_count: total,
      error_msg: note,
      end_time: end,
      update_time: end,
    });
    return { added, deleted };
  } catch (err) {
    if (ctx.signal.aborted) return 'stopped';
    const final = err instanceof ApiError || ctx.attempt >= MAX_ATTEMPTS;
    if (!final) throw err;
    const end = clock.now();
    await store.update(syncId, {
      status: 'FAILED',
      add_sample_count: added,
      deleted_sample_count: deleted,
      error_code: err instanceof ApiError ? err.code : 'ModelArts.4921',
      error_msg: err instanceof Error ? err.message : String(err),
      end_time: end,
      update_time: end,
    });
    return 'failed';
  }
}
