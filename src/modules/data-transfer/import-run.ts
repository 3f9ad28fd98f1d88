// The background work of an import task (#55): waits for its turn on the dataset, reads the folder
// or manifest in batches, and adds each batch, with the task's counts, in one transaction. With
// import_samples false it labels the samples already there instead (import-labels.ts of samples). A restart runs it again from the
// start; samples an earlier run added are skipped, not added twice. A file or line that cannot be
// taken is counted and named (DescImportTask) and never stops the rest.
//
// "A failed task leaves the dataset as it was": no batch is ever half in. A task that fails (a
// refusal, a store failure on its last attempt) keeps the batches it had committed before failing,
// which are exactly the samples its imported_sample_count shows; nothing else of the dataset changes.
import { Type } from 'typebox';
import { ApiError } from '#src/core/errors.ts';
import type { Clock } from '#src/core/time.ts';
import { ImportErrorLog } from '#src/modules/datasets/index.ts';
import type { TaskContext, TaskDefinition } from '#src/runtime/index.ts';
import type { BucketAccess } from '#src/storage/bucket-access.ts';
import type { ObjectStore } from '#src/storage/object-store.ts';
import { parseObsPath } from '#src/storage/obs-path.ts';
import type { ImportTaskStore } from './import-store.ts';
import { importBatches, type ImportChoices } from './import-sources.ts';
import type { ImportTasks, TransferCounts } from './import-tasks.ts';
import type { TransferDatasets, TransferSamples } from './ports.ts';
import type { TransferGate } from './transfer-gate.ts';

const MAX_ATTEMPTS = 3;
const ImportPayload = Type.Object({ importId: Type.String() });

export interface ImportRunDeps {
  store: ImportTaskStore;
  records: ImportTasks;
  datasets: TransferDatasets;
  samples: TransferSamples;
  gate: TransferGate;
  objectStore: ObjectStore;
  buckets: BucketAccess;
  clock: Clock;
}

export class ImportRunTask implements TaskDefinition<typeof ImportPayload> {
  readonly name = 'data-transfer.import';
  readonly payload = ImportPayload;
  readonly maxAttempts = MAX_ATTEMPTS;

  constructor(private readonly deps: ImportRunDeps) {}

  run({ importId }: { importId: string }, ctx: TaskContext): Promise<unknown> {
    return runImport(this.deps, importId, ctx);
  }
}

async function runImport(deps: ImportRunDeps, importId: string, ctx: TaskContext): Promise<unknown> {
  const row = await deps.store.getById(importId);
  if (!row || row.status === 'COMPLETED' || row.status === 'FAILED') return 'nothing to do';
  if (!(await deps.gate.wait({ datasetId: row.dataset_id, id: row.id, createTime: row.create_time }, ctx))) return 'stopped';
  const choices = JSON.parse(row.options) as ImportChoices;
  const counts: TransferCounts = { samplesFound: 0, samplesAdded: 0, samplesAnnotated: 0, samplesUnconfirmed: 0, filesFound: 0, bytesFound: 0 };
  const errors = new ImportErrorLog();
  const labelOnly = !choices.importSamples;
  Object.assign(counts, await deps.records.started(importId, labelOnly));
  try {
    const dataset = await deps.datasets.requireWritable(row.project_id, row.dataset_id);
    const path = parseObsPath(row.import_path, 'import_path');
    // The account may have lost the bucket since the request (a revoked grant).
    await deps.buckets.check({ projectId: row.project_id }, path, 'import_path');
    const batches = importBatches({
      objectStore: deps.objectStore,
      buckets: deps.buckets,
      dataset,
      choices,
      path,
      counts,
      signal: ctx.signal,
      now: deps.clock.now(),
      onError: (file, reason) => errors.add(file, reason),
    });
    for await (const batch of batches) {
      let next: TransferCounts = { ...counts, samplesFound: counts.samplesFound + batch.length };
      await deps.samples.importSamples(dataset, batch, {
        onRejected: (source, reason) => errors.add(source, reason),
        onSkipped: (source, reason) => errors.add(source, reason),
        labelExisting: labelOnly,
        final: choices.finalAnnotation !== false,
        // The batch's counts are written in its transaction: a stop never leaves them behind its samples.
        alsoWrite: async (db, outcome) => {
          next = {
            ...next,
            samplesAdded: counts.samplesAdded + outcome.added,
            samplesAnnotated: counts.samplesAnnotated + outcome.annotated,
            samplesUnconfirmed: (counts.samplesUnconfirmed ?? 0) + outcome.unconfirmed,
          };
          await deps.records.progress(importId, next, errors, db);
        },
      });
      Object.assign(counts, next);
      if (batch.length === 0) await deps.records.progress(importId, counts, errors);
    }
  } catch (err) {
    if (ctx.signal.aborted) return 'stopped';
    const final = err instanceof ApiError || ctx.attempt >= MAX_ATTEMPTS;
    if (!final) throw err;
    const failure =
      err instanceof ApiError
        ? { code: err.code, message: err.message }
        : { code: 'ModelArts.4921', message: err instanceof Error ? err.message : String(err) };
    await deps.records.finished(importId, counts, errors, failure);
    return `failed after ${counts.samplesAdded} samples: ${failure.message}`;
  }
  await deps.records.finished(importId, counts, errors);
  return { imported: counts.samplesAdded, errors: errors.count };
}
