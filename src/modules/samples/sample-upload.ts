// Adding samples in batches (#13): inline files written beside the dataset's input, or files named
// by path; all or nothing: on any failure no sample row stays and every file written is removed.
import type { AppContext } from '#src/app.ts';
import { apiError, errors } from '#src/core/errors.ts';
import type { DatasetDirectory, DatasetRecord } from '#src/modules/datasets/dataset-directory.ts';
import { acceptsFile } from '#src/modules/datasets/dataset-types.ts';
import { textLabelLayout } from '#src/modules/data-transfer/formats/label-format.ts';
import { textFileSamples } from '#src/modules/data-transfer/formats/text-samples.ts';
import type { NewSample } from '#src/modules/datasets/samples-port.ts';
import { mapLimit } from '#src/storage/object-store.ts';
import { checkObjectKey, formatObsPath, joinKey, parseObsPath, type ObjectPath } from '#src/storage/obs-path.ts';
import { checkMetadata } from './annotation-rules.ts';
import { checkLabelList } from './label-checks.ts';
import { LabelResolver, sampleDraft } from './sample-rows.ts';
import type { SampleDraft } from './sample-tx.ts';
import type { StoredAnnotation } from './sample-model.ts';
import type { UploadSample, UploadSamplesRequest, UploadSamplesResponse } from './schemas.ts';
import type { SampleStore } from './store.ts';
import { SampleState } from './tables.ts';

/** The guide's limits for one uploaded file, by sample type; the batch as a whole takes 8 MB. */
const MB = 1024 * 1024;
const FILE_LIMITS: Record<number, number> = { 0: 5 * MB, 2: 4 * MB };
const DEFAULT_FILE_LIMIT = 8 * MB;
export const BATCH_DATA_LIMIT = 8 * MB;

/** No path separators, no "." or "..", none of the characters the spec forbids: ! < > = & " ' */
const NAME_FORBIDDEN = /[!<>=&"'/\\\p{Cc}]/u;
// Flat character classes only: a repeated group would backtrack through megabytes of data.
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** Types whose labels may be imported as awaiting confirmation (final_annotation false). */
const UNCONFIRMED_TYPES = new Set([0, 1]);

/** Text classification keeps one sample per line of a file (as the input scan does), not per file. */
const TEXT_LINES_TYPE = 100;

interface Planned {
  /** Object path of the sample file. */
  path: ObjectPath;
  source: string;
  name: string;
  size: number;
  sampleTime: number;
  /** Inline content to write; undefined for a file named by path. */
  data?: Buffer;
  input: UploadSample;
  /** Text classification: the line samples of the file (read after it is written). */
  lines?: NewSample[];
}

/** Standard base64 (padded) or base64url (unpadded); anything else is a 400 naming the field. */
export function decodeBase64(data: string, field: string): Buffer {
  const padded = data.length % 4 === 0 && BASE64.test(data) && !/=[^=]/.test(data);
  if (!padded && (!BASE64URL.test(data) || data.length % 4 === 1)) throw errors.badParam(`${field} must be base64 data`);
  return Buffer.from(data, padded ? 'base64' : 'base64url');
}

export function checkSampleName(name: string, field: string): void {
  if (name === '' || name === '.' || name === '..' || NAME_FORBIDDEN.test(name)) {
    throw errors.badParam(`${field} must be a file name without / \\ ! < > = & " ' or control characters`);
  }
}

export class SampleUploads {
  constructor(
    private readonly store: SampleStore,
    private readonly directory: DatasetDirectory,
    private readonly ctx: AppContext,
  ) {}

  async upload(projectId: string, datasetId: string, req: UploadSamplesRequest, labeler: string): Promise<UploadSamplesResponse> {
    const dataset = await this.directory.requireWritable(projectId, datasetId);
    const samples = req.samples ?? [];
    if (samples.length === 0) throw errors.badParam('body.samples must hold at least one sample');
    const final = req.final_annotation ?? true;
    if (!final && !UNCONFIRMED_TYPES.has(dataset.info.type)) {
      throw errors.badParam('body.final_annotation: labels awaiting confirmation are for image classification and object detection datasets only');
    }

    // Everything is checked before the first file is written.
    const known = new Map((await this.store.labels(dataset.id)).map((l) => [l.name, l]));
    const resolver = new LabelResolver(dataset, known, { create: true });
    samples.forEach((s, i) => {
      if (s.labels && s.labels.length > 0) checkLabelList(resolver, s.labels, `body.samples[${i}].labels`);
      if (s.metadata) checkMetadata(s.metadata, `body.samples[${i}].metadata`);
    });
    const planned = await this.plan(dataset, samples);

    const written: ObjectPath[] = [];
    try {
      await this.writeFiles(planned, written);
      if (dataset.info.type === TEXT_LINES_TYPE) await this.readLines(dataset, planned, req);
      const ids = await this.insert(dataset, planned, final ? SampleState.manual : SampleState.auto, labeler);
      await this.directory.touch(dataset.id);
      // A text file gives several samples: their ids, comma separated.
      return { success: true, results: planned.map((p, i) => ({ success: true, name: p.source, info: ids[i]!.join(',') })) };
    } catch (e) {
      await Promise.allSettled(written.map((p) => this.ctx.objectStore.delete(p.bucket, p.key)));
      throw e;
    }
  }

  /** Where inline files go: the dataset's input folder, as the console does, else <work folder>/data/. */
  private uploadFolder(dataset: DatasetRecord): ObjectPath {
    const input = dataset.inputPaths[0];
    if (input) return { bucket: input.bucket, key: input.key === '' || input.key.endsWith('/') ? input.key : `${input.key}/` };
    const base = dataset.innerPath ?? dataset.workPath;
    return { bucket: base.bucket, key: joinKey(base.key, 'data/') };
  }

  private async plan(dataset: DatasetRecord, samples: readonly UploadSample[]): Promise<Planned[]> {
    const folder = this.uploadFolder(dataset);
    let inlineBytes = 0;
    const planned = new Array<Planned>(samples.length);
    const inline: number[] = [];
    // Files named by path, by bucket: their existence, size and time are asked for together.
    const byBucket = new Map<string, { index: number; path: ObjectPath; source: string; name: string }[]>();
    const seen = new Set<string>();
    const once = (source: string, i: number): string => {
      if (seen.has(source)) throw apiError(400, 'ModelArts.4422', `(body.samples[${i}]: ${source} appears twice in the batch)`);
      seen.add(source);
      return source;
    };
    samples.forEach((s, i) => {
      const field = `body.samples[${i}]`;
      if (s.sample_type !== undefined && s.sample_type !== dataset.info.sampleType && dataset.info.type !== 900) {
        throw errors.badParam(`${field}.sample_type: a dataset of type ${dataset.info.type} holds samples of type ${dataset.info.sampleType}`);
      }
      const path = s.data_source?.data_path;
      if ((s.data === undefined) === (path === undefined)) throw errors.badParam(`${field} needs either data or data_source.data_path`);
      if (s.data !== undefined) {
        const name = s.name ?? '';
        checkSampleName(name, `${field}.name`);
        if (!acceptsFile(dataset.info, name)) throw badExtension(dataset, `${field}.name`, name);
        let data = decodeBase64(s.data, `${field}.data`);
        if (s.encoding && s.encoding !== 'UTF-8') data = Buffer.from(new TextDecoder(s.encoding.toLowerCase()).decode(data), 'utf8');
        const limit = FILE_LIMITS[dataset.info.sampleType] ?? DEFAULT_FILE_LIMIT;
        if (data.length > limit) throw apiError(400, 'ModelArts.4656', `(${field}.data: ${data.length} bytes, the limit is ${limit})`);
        inlineBytes += data.length;
        if (inlineBytes > BATCH_DATA_LIMIT) throw apiError(400, 'ModelArts.4656', `(body.samples: more than ${BATCH_DATA_LIMIT} bytes of data in one request)`);
        const target = { bucket: folder.bucket, key: joinKey(folder.key, name) };
        checkObjectKey(target.bucket, target.key, `${field}.name`);
        planned[i] = { path: target, source: once(formatObsPath(target), i), name, size: data.length, sampleTime: this.ctx.clock.now(), data, input: s };
        inline.push(i);
        return;
      }
      if ((s.data_source?.data_type ?? 0) !== 0) throw errors.badParam(`${field}.data_source.data_type: only 0 (OBS) is served here`);
      const p = parseObsPath(path!, `${field}.data_source.data_path`);
      if (p.key === '' || p.key.endsWith('/')) throw errors.badParam(`${field}.data_source.data_path must name a file, not a folder`);
      const name = s.name ?? p.key.slice(p.key.lastIndexOf('/') + 1);
      checkSampleName(name, `${field}.name`);
      if (!acceptsFile(dataset.info, p.key)) throw badExtension(dataset, `${field}.data_source.data_path`, p.key);
      let refs = byBucket.get(p.bucket);
      if (!refs) byBucket.set(p.bucket, (refs = []));
      refs.push({ index: i, path: p, source: once(formatObsPath(p), i), name });
    });
    for (const [bucket, refs] of byBucket) {
      const stats = await this.ctx.objectStore.statMany(bucket, refs.map((r) => r.path.key));
      refs.forEach(({ index, path, source, name }, j) => {
        const st = stats[j];
        if (!st) throw apiError(400, 'ModelArts.4651', `(body.samples[${index}].data_source.data_path: ${source} does not exist)`);
        planned[index] = { path, source, name, size: st.size, sampleTime: st.lastModified.getTime(), input: samples[index]! };
      });
    }
    // Files about to be written are checked now (in the store and in the dataset); files named by path
    // are checked by the insert itself (a clash there rolls the batch back), which spares a query.
    const writes = inline.map((i) => planned[i]!);
    const taken = writes.length > 0 ? await this.ctx.objectStore.statMany(folder.bucket, writes.map((p) => p.path.key)) : [];
    const overwrite = taken.findIndex((st) => st !== null);
    if (overwrite >= 0) {
      throw apiError(400, 'ModelArts.4422', `(body.samples[${inline[overwrite]}].name: ${writes[overwrite]!.source} exists; nothing is overwritten)`);
    }
    const existing = writes.length > 0 ? await this.store.existingSources(dataset.id, writes.map((p) => p.source)) : new Set<string>();
    const clash = planned.findIndex((p) => existing.has(p.source));
    if (clash >= 0) throw apiError(400, 'ModelArts.4422', `(body.samples[${clash}]: ${planned[clash]!.source} is already a sample of this dataset)`);
    return planned;
  }

  private async writeFiles(planned: readonly Planned[], written: ObjectPath[]): Promise<void> {
    const inline = planned.filter((p) => p.data !== undefined);
    if (inline.length === 0) return;
    await this.ctx.objectStore.ensureBucket(inline[0]!.path.bucket);
    await mapLimit(inline, 8, async (p) => {
      written.push(p.path);
      const info = await this.ctx.objectStore.put(p.path.bucket, p.path.key, p.data!);
      p.sampleTime = info.lastModified.getTime();
    });
  }

  /** The line samples of each text file, labels from the file as label_format (or the dataset's) says. */
  private async readLines(dataset: DatasetRecord, planned: Planned[], req: UploadSamplesRequest): Promise<void> {
    const layout = textLabelLayout(req.label_format ?? dataset.labelFormat);
    for (const p of planned) {
      const file = { key: p.path.key, size: p.size, etag: '', lastModified: new Date(p.sampleTime) };
      p.lines = [];
      for await (const line of textFileSamples(this.ctx.objectStore, p.path.bucket, file, { layout, importAnnotations: true, labelType: TEXT_LINES_TYPE })) {
        p.lines.push(line);
      }
    }
  }

  /** Inserts the samples of each planned item (one, or a text file's lines); returns their ids per item. */
  private async insert(dataset: DatasetRecord, planned: readonly Planned[], labeledState: number, labeler: string): Promise<string[][]> {
    const now = this.ctx.clock.now();
    return this.store.write(dataset.id, now, async (tx) => {
      const resolver = new LabelResolver(dataset, await tx.labels(), { create: true });
      planned.forEach((p, i) => {
        if (p.input.labels) resolver.typesOf(p.input.labels, `body.samples[${i}].labels`);
        p.lines?.forEach((l) => l.labels && resolver.typesOf(l.labels, `body.samples[${i}] (${p.source})`));
      });
      await resolver.createPending(tx);
      // One draft per planned file, or per line of a text file; `owner` maps each back to its item.
      const drafts: SampleDraft[] = [];
      const owner: number[] = [];
      const draft = (i: number, p: Planned, source: string, size: number, annotations: StoredAnnotation[]) => {
        const labeled = annotations.length > 0;
        const state = labeled ? labeledState : SampleState.none;
        const metadata = p.input.metadata ?? {};
        const row = { source, name: p.name, size, sampleTime: p.sampleTime, state, annotations, metadata, usage: null, labeler: labeled ? labeler : null };
        drafts.push(sampleDraft(dataset, row, now));
        owner.push(i);
      };
      planned.forEach((p, i) => {
        const given = p.input.labels && p.input.labels.length > 0 ? resolver.toAnnotations(p.input.labels) : [];
        if (!p.lines) return draft(i, p, p.source, p.size, given);
        for (const l of p.lines) draft(i, p, l.source, l.size, l.labels && l.labels.length > 0 ? resolver.toAnnotations(l.labels) : given);
      });
      const inserted = await tx.insertSamples(drafts);
      const ids = planned.map((): string[] => []);
      drafts.forEach((d, j) => {
        const i = owner[j]!;
        if (inserted.has(d.row.id)) ids[i]!.push(d.row.id);
        // A file already in the dataset (or added by another request meanwhile): the transaction rolls
        // back. A text line already present is skipped, as the input scan does.
        else if (!planned[i]!.lines) throw apiError(400, 'ModelArts.4422', `(body.samples[${i}]: ${d.row.source} is already a sample of this dataset)`);
      });
      return ids;
    });
  }
}

function badExtension(dataset: DatasetRecord, field: string, name: string) {
  return errors.badParam(`${field}: "${name}" is not a file a ${dataset.info.tags.join(' ')} dataset takes (${dataset.info.extensions.join(', ')})`);
}
