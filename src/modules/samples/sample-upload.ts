// Adding samples in batches (#13): inline files written beside the dataset's input, or files named
// by path. Each item succeeds or fails on its own (results[] in request order). Inline files are
// written create-only, so two requests naming one file never overwrite each other, and an item that
// fails after its file was written removes that file only: a request never deletes what it did not
// create.
import { ApiError, errors } from '#src/core/errors.ts';
import type { DatasetRecord } from '#src/modules/datasets/index.ts';
import type { SampleDatasets, SampleWriterPorts } from './ports.ts';
import { textLabelLayout } from '#src/formats/label-format.ts';
import { textFileSamples } from '#src/formats/text-samples.ts';
import { mapLimit, ObjectExistsError } from '#src/storage/object-store.ts';
import type { ObjectPath } from '#src/storage/obs-path.ts';
import { checkMetadata } from './annotation-rules.ts';
import { attempt, attemptAsync, failure, overall, pending } from './batch-items.ts';
import { checkLabelList } from './label-checks.ts';
import { LabelResolver, sampleDraft } from './sample-rows.ts';
import type { SampleDraft } from './sample-tx.ts';
import type { StoredAnnotation } from './sample-model.ts';
import type { UploadSamplesRequest, UploadSamplesResponse } from './schemas.ts';
import type { SampleStore } from './store.ts';
import { SampleState } from './tables.ts';
import { BATCH_DATA_LIMIT, planItem, resultName, uploadFolder, uploadItems, type UploadItem } from './upload-plan.ts';
import { sampleErrors } from './errors.ts';
import { objectUrlErrors } from '#src/modules/object-urls/index.ts';

export { checkSampleName, decodeBase64 } from './upload-plan.ts';

/** Types whose labels may be imported as awaiting confirmation (final_annotation false). */
const UNCONFIRMED_TYPES = new Set([0, 1]);

/** Text classification keeps one sample per line of a file (as the input scan does), not per file. */
const TEXT_LINES_TYPE = 100;

const exists = (item: UploadItem, what: string) => sampleErrors.exists(`${item.field}: ${item.source} ${what}`);

/** The standing items that name a file by path, by bucket. */
function byBucket(items: readonly UploadItem[]): Map<string, UploadItem[]> {
  const out = new Map<string, UploadItem[]>();
  for (const it of pending(items)) {
    if (it.data !== undefined) continue;
    const list = out.get(it.path!.bucket);
    if (list) list.push(it);
    else out.set(it.path!.bucket, [it]);
  }
  return out;
}

export class SampleUploads {
  constructor(
    private readonly store: SampleStore,
    private readonly directory: SampleDatasets,
    private readonly ports: SampleWriterPorts,
  ) {}

  async upload(projectId: string, datasetId: string, req: UploadSamplesRequest, labeler: string): Promise<UploadSamplesResponse> {
    const dataset = await this.directory.requireWritable(projectId, datasetId);
    const samples = req.samples ?? [];
    if (samples.length === 0) throw errors.badParam('body.samples must hold at least one sample');
    const final = req.final_annotation ?? true;
    if (!final && !UNCONFIRMED_TYPES.has(dataset.info.type)) {
      throw errors.badParam('body.final_annotation: labels awaiting confirmation are for image classification and object detection datasets only');
    }
    const items = uploadItems(samples);
    const folder = uploadFolder(dataset);
    const now = this.ports.clock.now();
    for (const item of items) attempt(item, (it) => planItem(dataset, folder, it, now));
    const inlineBytes = items.reduce((n, it) => n + (it.error ? 0 : (it.data?.length ?? 0)), 0);
    if (inlineBytes > BATCH_DATA_LIMIT) throw sampleErrors.tooLarge(`body.samples: more than ${BATCH_DATA_LIMIT} bytes of data in one request`);
    const seen = new Set<string>();
    for (const item of items) {
      attempt(item, (it) => {
        if (seen.has(it.source!)) throw sampleErrors.exists(`${it.field}: ${it.source} appears twice in the batch`);
        seen.add(it.source!);
      });
    }
    const known = new Map((await this.store.labels(dataset.id)).map((l) => [l.name, l]));
    const resolver = new LabelResolver(dataset, known, { create: true });
    for (const item of items) {
      attempt(item, ({ input, field }) => {
        if (input.labels && input.labels.length > 0) checkLabelList(resolver, input.labels, `${field}.labels`);
        if (input.metadata) checkMetadata(input.metadata, `${field}.metadata`);
      });
    }
    await this.checkBuckets(dataset, folder, items);
    await this.checkFiles(dataset, folder, items);

    try {
      await this.writeFiles(folder, items);
      if (dataset.info.type === TEXT_LINES_TYPE) await this.readLines(dataset, items, req);
      await this.insert(dataset, items, final ? SampleState.manual : SampleState.auto, labeler);
    } catch (e) {
      // The server's own failure (not an item's): what this request wrote goes, the error stands.
      await this.removeWritten(items.filter((it) => it.written && !it.taken));
      throw e;
    }
    await this.removeWritten(items.filter((it) => it.written && it.error && !it.taken));
    if (items.some((it) => !it.error)) await this.directory.touch(dataset.id);
    return {
      ...overall(items, 'samples'),
      // A text file gives several samples: their ids, comma separated.
      results: items.map((it) => {
        const name = resultName(it);
        return { ...(name !== undefined ? { name } : {}), ...(it.error ? failure(it.error) : { success: true, info: it.ids.join(',') }) };
      }),
    };
  }

  /** The account must be allowed to use every bucket the batch touches, before any of them is read. */
  private async checkBuckets(dataset: DatasetRecord, folder: ObjectPath, items: UploadItem[]): Promise<void> {
    const user = { projectId: dataset.projectId };
    const inline = pending(items).filter((it) => it.data !== undefined);
    if (inline.length > 0) {
      const field = dataset.inputPaths[0] ? 'data_sources[0].data_path' : 'work_path';
      const denied = await this.ports.buckets.check(user, folder, field, 'write').then(
        () => undefined,
        (e: unknown) => e,
      );
      if (denied !== undefined && !(denied instanceof ApiError)) throw denied;
      if (denied) for (const it of inline) it.error = denied;
    }
    for (const [bucket, refs] of byBucket(items)) {
      for (const it of refs) await attemptAsync(it, () => this.ports.buckets.check(user, bucket, `${it.field}.data_source.data_path`));
    }
  }

  /**
   * Files named by path must exist (their size and time are asked for together, by bucket); files
   * about to be written must not, in the store or in the dataset. A clash with a file named by path
   * is found by the insert itself, which spares a query.
   */
  private async checkFiles(dataset: DatasetRecord, folder: ObjectPath, items: UploadItem[]): Promise<void> {
    for (const [bucket, refs] of byBucket(items)) {
      const stats = await this.ports.objectStore.statMany(
        bucket,
        refs.map((r) => r.path!.key),
      );
      refs.forEach((it, j) => {
        const st = stats[j];
        if (!st) it.error = objectUrlErrors.unreadableSample(`${it.field}.data_source.data_path: ${it.source} does not exist`);
        else Object.assign(it, { size: st.size, sampleTime: st.lastModified.getTime() });
      });
    }
    const writes = pending(items).filter((it) => it.data !== undefined);
    if (writes.length === 0) return;
    const taken = await this.ports.objectStore.statMany(
      folder.bucket,
      writes.map((it) => it.path!.key),
    );
    writes.forEach((it, j) => {
      if (taken[j]) it.error = sampleErrors.exists(`${it.field}.name: ${it.source} exists; nothing is overwritten`);
    });
    const inDataset = await this.store.existingSources(
      dataset.id,
      pending(writes).map((it) => it.source!),
    );
    for (const it of pending(writes)) if (inDataset.has(it.source!)) it.error = exists(it, 'is already a sample of this dataset');
  }

  /** Create-only: a file another request placed first fails this item and stays that request's. */
  private async writeFiles(folder: ObjectPath, items: UploadItem[]): Promise<void> {
    const inline = pending(items).filter((it) => it.data !== undefined);
    if (inline.length === 0) return;
    await this.ports.objectStore.ensureBucket(folder.bucket);
    await mapLimit(inline, 8, async (it) => {
      try {
        const info = await this.ports.objectStore.put(it.path!.bucket, it.path!.key, it.data!, { ifAbsent: true });
        it.written = true;
        it.sampleTime = info.lastModified.getTime();
      } catch (e) {
        if (e instanceof ObjectExistsError) it.error = sampleErrors.exists(`${it.field}.name: ${it.source} exists; nothing is overwritten`);
        else if (e instanceof ApiError)
          it.error = e; // e.g. a folder of that name is in the way
        else throw e;
      }
    });
  }

  /** The line samples of each text file, labels from the file as label_format (or the dataset's) says. */
  private async readLines(dataset: DatasetRecord, items: UploadItem[], req: UploadSamplesRequest): Promise<void> {
    const layout = textLabelLayout(req.label_format ?? dataset.labelFormat);
    for (const item of pending(items)) {
      await attemptAsync(item, async (it) => {
        const file = { key: it.path!.key, size: it.size, etag: '', lastModified: new Date(it.sampleTime) };
        const lines = [];
        for await (const line of textFileSamples(this.ports.objectStore, it.path!.bucket, file, {
          layout,
          importAnnotations: true,
          labelType: TEXT_LINES_TYPE,
        })) {
          lines.push(line);
        }
        it.lines = lines;
      });
    }
  }

  /** Inserts the samples of each item still standing (one, or a text file's lines); records their ids. */
  private async insert(dataset: DatasetRecord, items: UploadItem[], labeledState: number, labeler: string): Promise<void> {
    const now = this.ports.clock.now();
    await this.store.write(dataset.id, now, async (tx) => {
      const resolver = new LabelResolver(dataset, await tx.labels(), { create: true });
      // The labels may have changed since the check (another request): an item they no longer fit fails.
      for (const item of pending(items)) {
        attempt(item, (it) => {
          if (it.input.labels) resolver.typesOf(it.input.labels, `${it.field}.labels`);
          it.lines?.forEach((l) => l.labels && resolver.typesOf(l.labels, `${it.field} (${it.source})`));
        });
      }
      const standing = pending(items);
      if (standing.length === 0) return;
      await resolver.createPending(tx);
      // One draft per file, or per line of a text file; `owner` maps each back to its item.
      const drafts: SampleDraft[] = [];
      const owner: UploadItem[] = [];
      const draft = (it: UploadItem, source: string, size: number, annotations: StoredAnnotation[]) => {
        const labeled = annotations.length > 0;
        const state = labeled ? labeledState : SampleState.none;
        const metadata = it.input.metadata ?? {};
        const row = { source, name: it.name!, size, sampleTime: it.sampleTime, state, annotations, metadata, usage: null, labeler: labeled ? labeler : null };
        drafts.push(sampleDraft(dataset, row, now));
        owner.push(it);
      };
      for (const it of standing) {
        const given = it.input.labels && it.input.labels.length > 0 ? resolver.toAnnotations(it.input.labels) : [];
        if (!it.lines) draft(it, it.source!, it.size, given);
        else for (const l of it.lines) draft(it, l.source, l.size, l.labels && l.labels.length > 0 ? resolver.toAnnotations(l.labels) : given);
      }
      const inserted = await tx.insertSamples(drafts);
      drafts.forEach((d, j) => {
        const it = owner[j]!;
        if (inserted.has(d.row.id)) it.ids.push(d.row.id);
        // A file already in the dataset (added by another request meanwhile): this item fails, and the
        // file, now a sample of that request, stays. A text line already present is skipped, as the
        // input scan does.
        else if (!it.lines) {
          it.error = exists(it, 'is already a sample of this dataset');
          it.taken = true;
        }
      });
    });
  }

  private async removeWritten(items: readonly UploadItem[]): Promise<void> {
    await Promise.allSettled(items.map((it) => this.ports.objectStore.delete(it.path!.bucket, it.path!.key)));
  }
}
