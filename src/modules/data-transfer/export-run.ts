// The background side of an export: read the chosen samples in pages and write them to the export
// folder, as one manifest or in a folder layout with the files copied, counting as it goes; with
// export_dest NEW_DATASET the folder then becomes a new dataset's input. A durable queue task: a
// restart runs it again from the start (the same names are written again). A failed export removes
// the objects it wrote.
import { Readable } from 'node:stream';
import { Type } from 'typebox';
import { ApiError, apiError } from '#src/core/errors.ts';
import type { Clock } from '#src/core/time.ts';
import { CocoBuilder } from '#src/formats/coco.ts';
import { checkExportable, planSampleExport, runExportPlan } from '#src/formats/export-writer.ts';
import { textLabelLayout } from '#src/formats/label-format.ts';
import { manifestLineBlocks } from '#src/formats/manifest-writer.ts';
import type { SnapshotSample } from '#src/formats/sample-records.ts';
import { safeSegment, UniqueNames } from '#src/formats/sample-paths.ts';
import { textSampleLine } from '#src/formats/text-writer.ts';
import type { CreateDatasetRequest, DatasetRecord } from '#src/modules/datasets/index.ts';
import type { TaskContext, TaskDefinition } from '#src/runtime/index.ts';
import { bucketForbidden, type BucketAccess } from '#src/storage/bucket-access.ts';
import type { ObjectStore } from '#src/storage/object-store.ts';
import { parseObsPath, type ObjectPath } from '#src/storage/obs-path.ts';
import type { ExportChoices } from './export-choices.ts';
import type { ExportDatasets, ExportNewDatasets, ExportSamples } from './export-ports.ts';
import type { ExportTaskStore } from './export-store.ts';
import type { ExportTaskRow } from './export-tables.ts';

const MAX_ATTEMPTS = 3;
const TEXT_CLASSIFICATION = 100;
/** How often the counts are written while the task runs. */
const PROGRESS_MS = 500;

const ExportPayload = Type.Object({ exportTaskId: Type.String() });

export interface ExportRunDeps {
  store: ExportTaskStore;
  datasets: ExportDatasets;
  samples: ExportSamples;
  newDatasets: ExportNewDatasets;
  objectStore: ObjectStore;
  buckets: BucketAccess;
  clock: Clock;
}

/** The samples an export writes, and how many there are. */
export async function exportSource(deps: Pick<ExportRunDeps, 'samples'>, row: ExportTaskRow, choices: ExportChoices) {
  if (row.version_id !== null) {
    const versionId = row.version_id;
    let total = 0;
    for await (const _ of deps.samples.streamVersion(versionId)) total++;
    return { total, stream: () => deps.samples.streamVersion(versionId) };
  }
  const selected = await deps.samples.select(row.dataset_id, choices.selection, 'body.export_params');
  return { total: await selected.count(), stream: (signal?: AbortSignal) => selected.stream(signal) };
}

export class ExportTaskDefinition implements TaskDefinition<typeof ExportPayload> {
  readonly name = 'data-transfer.export';
  readonly payload = ExportPayload;
  readonly maxAttempts = MAX_ATTEMPTS;

  constructor(private readonly deps: ExportRunDeps) {}

  async run({ exportTaskId }: { exportTaskId: string }, ctx: TaskContext): Promise<string> {
    const { store, clock } = this.deps;
    const row = await store.getById(exportTaskId);
    if (!row || row.status === 'SUCCESSED' || row.status === 'FAILED') return 'nothing to do';
    const written: ObjectPath[] = [];
    try {
      const done = await this.export(row, ctx, written);
      const now = clock.now();
      await store.update(row.id, { status: 'SUCCESSED', finished_sample_count: done, total_sample_count: done, update_time: now });
      return `exported ${done} samples`;
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      // Bad data stays bad on a retry; other failures (a store hiccup) may pass.
      if (!(err instanceof ApiError) && ctx.attempt < MAX_ATTEMPTS) throw err;
      const e = err instanceof ApiError ? err : apiError(400, 'ModelArts.4710', `(${err instanceof Error ? err.message : String(err)})`);
      // Once a new dataset may have been made of the folder (an earlier attempt stopped after asking
      // for it), the files may be its input: they stay.
      const kept = this.mayHaveMadeDataset(row);
      const left = kept ? 0 : await this.removeWritten(written);
      const note = kept
        ? ' (the files written are kept: an earlier attempt may have made the new dataset of them)'
        : left > 0
          ? ` (${left} of the ${written.length} objects written could not be removed)`
          : '';
      await store.update(row.id, { status: 'FAILED', error_code: e.code, error_msg: `${e.message}${note}`.slice(0, 2000), update_time: clock.now() });
      return 'failed';
    }
  }

  private mayHaveMadeDataset(row: ExportTaskRow): boolean {
    return (JSON.parse(row.request) as ExportChoices).newDataset?.asked === true;
  }

  /**
   * A failed export takes back what it wrote, so the folder holds no half export. Returns how many
   * objects could not be removed. An object it overwrote is not brought back.
   */
  private async removeWritten(written: readonly ObjectPath[]): Promise<number> {
    let left = 0;
    for (const p of written) {
      try {
        await this.deps.objectStore.delete(p.bucket, p.key);
      } catch {
        left++;
      }
    }
    return left;
  }

  private async export(row: ExportTaskRow, ctx: TaskContext, written: ObjectPath[]): Promise<number> {
    const { store, clock, objectStore } = this.deps;
    const choices = JSON.parse(row.request) as ExportChoices;
    const dataset = await this.deps.datasets.require(row.project_id, row.dataset_id);
    const target = parseObsPath(row.path, 'path');
    // The account may have lost the bucket since the request: nothing is written there then.
    await this.deps.buckets.check({ projectId: row.project_id }, target, 'path', 'write');
    const source = await exportSource(this.deps, row, choices);
    await store.update(row.id, { status: 'RUNNING', total_sample_count: source.total, finished_sample_count: 0, update_time: clock.now() });

    let done = 0;
    let reported = clock.now();
    const counted = async function* (samples: AsyncIterable<SnapshotSample>): AsyncGenerator<SnapshotSample> {
      for await (const s of samples) {
        yield s;
        done++;
        const now = clock.now();
        if (now - reported >= PROGRESS_MS) {
          reported = now;
          await store.update(row.id, { finished_sample_count: done, update_time: now });
        }
      }
    };
    await objectStore.ensureBucket(target.bucket);
    const samples = counted(source.stream(ctx.signal));
    if (row.export_format === null) {
      const key = `${target.key}${row.id}.manifest`;
      const blocks = manifestLineBlocks(samples, {
        clearHard: choices.clearHard,
        sourceScheme: choices.sourceScheme,
        signal: ctx.signal,
      });
      written.push({ bucket: target.bucket, key });
      await objectStore.put(target.bucket, key, Readable.from(blocks), { contentType: 'application/octet-stream' });
    } else if (dataset.info.type === TEXT_CLASSIFICATION) {
      await this.writeText(dataset, target, samples, row.id, written);
    } else {
      const coco = choices.coco ? new CocoBuilder() : undefined;
      await this.writeLayout(dataset, target, samples, row.export_format === 1 ? 'tree' : 'tile', row.project_id, ctx.signal, written, coco);
      if (coco) {
        const key = `${target.key}coco-${row.id}.json`;
        written.push({ bucket: target.bucket, key });
        await objectStore.put(target.bucket, key, coco.toJSON(), { contentType: 'application/json' });
      }
    }
    if (choices.newDataset && choices.newDataset.id === undefined) await this.createDataset(row, choices, dataset);
    return done;
  }

  /** export_dest NEW_DATASET: the folder just written becomes the input of a new dataset, made by CreateDataset's own code. */
  private async createDataset(row: ExportTaskRow, choices: ExportChoices, dataset: DatasetRecord): Promise<void> {
    const wanted = choices.newDataset!;
    const isText = dataset.info.type === TEXT_CLASSIFICATION;
    await this.deps.store.update(row.id, { request: JSON.stringify({ ...choices, newDataset: { ...wanted, asked: true } }) });
    const { dataset_id } = await this.deps.newDatasets.create(
      { projectId: row.project_id },
      {
        dataset_name: wanted.name,
        dataset_type: dataset.info.type as CreateDatasetRequest['dataset_type'],
        data_sources: [{ data_type: 0, data_path: row.path }],
        work_path: wanted.workPath,
        work_path_type: 0,
        description: `Exported from dataset ${dataset.id} by export task ${row.id}`,
        ...(isText ? { label_format: { ...dataset.labelFormat, label_type: '1' } } : {}),
      },
    );
    choices.newDataset = { ...wanted, asked: true, id: dataset_id };
    await this.deps.store.update(row.id, { request: JSON.stringify(choices), update_time: this.deps.clock.now() });
  }

  /** Text classification: the samples as lines of one text file named for the dataset. */
  private async writeText(
    dataset: DatasetRecord,
    target: ObjectPath,
    samples: AsyncIterable<SnapshotSample>,
    taskId: string,
    written: ObjectPath[],
  ): Promise<void> {
    const layout = textLabelLayout({ ...dataset.labelFormat, label_type: '1' });
    async function* lines(): AsyncGenerator<Buffer> {
      for await (const s of samples) {
        const line = textSampleLine(s, layout);
        if (line !== undefined) yield Buffer.from(line, 'utf8');
      }
    }
    const key = `${target.key}${safeSegment(dataset.name)}-${taskId}.txt`;
    written.push({ bucket: target.bucket, key });
    await this.deps.objectStore.put(target.bucket, key, Readable.from(lines()), { contentType: 'text/plain' });
  }

  /** The sample files copied into the layout, each with its label file. */
  private async writeLayout(
    dataset: DatasetRecord,
    target: ObjectPath,
    samples: AsyncIterable<SnapshotSample>,
    layout: 'tree' | 'tile',
    projectId: string,
    signal: AbortSignal,
    written: ObjectPath[],
    coco?: CocoBuilder,
  ): Promise<void> {
    checkExportable(dataset.info);
    const names = new UniqueNames();
    const allowed = new Map<string, boolean>();
    for await (const s of samples) {
      signal.throwIfAborted();
      const m = /^\/([^/]+)\//.exec(s.source);
      if (m) {
        // Files are copied only out of buckets the account may read.
        const bucket = m[1]!;
        let ok = allowed.get(bucket);
        if (ok === undefined) allowed.set(bucket, (ok = await this.deps.buckets.allows({ projectId }, bucket)));
        if (!ok) throw bucketForbidden(`sample ${s.id} source`, bucket);
      }
      const plan = planSampleExport(s, dataset.info, target, layout, names);
      if (coco) {
        // The labels go into the one COCO document, under the name the image is copied to.
        plan.writes = plan.writes.filter((w) => !w.to.key.endsWith('.xml'));
        const copied = plan.copies[0]?.to.key;
        if (copied !== undefined) coco.add(copied.slice(target.key.length), s);
      }
      for (const c of plan.copies) written.push(c.to);
      for (const w of plan.writes) written.push(w.to);
      await runExportPlan(this.deps.objectStore, plan);
    }
  }
}
