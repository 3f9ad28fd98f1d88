import type { NewSample, SampleLabel, SnapshotSample } from '#src/formats/index.ts';
import { parseSampleSource, SHAPE_KEY } from '#src/formats/index.ts';
import { listAll, type ObjectStore } from '#src/storage/index.ts';
import type { BucketAccess } from '#src/storage/bucket-access.ts';
import { parseObsPath, type ObjectPath } from '#src/storage/obs-path.ts';
import type { DatasetRecord } from '#src/modules/datasets/index.ts';
import type { InputFile } from './operators/context.ts';

// The files a version reads: each input (an OBS folder or file, a dataset's samples or a published
// version's samples, or another task's latest output) listed; an image in a folder takes the VOC
// annotation found beside it, a sample of a dataset its labels.

/** What the family needs of datasets: the project's dataset by ID (404 when not the caller's), and its published versions. */
export interface ProcessorDatasets {
  require(projectId: string, datasetId: string): Promise<DatasetRecord>;
  /** The manifest of a published version of the dataset; a missing or unfinished version is refused. */
  versionManifest(projectId: string, datasetId: string, versionId: string): Promise<string>;
}

/** What the family needs of samples: a dataset's live samples or a version's frozen ones, read as a stream; adding and removing samples. */
export interface ProcessorSamples {
  select(datasetId: string, selection: Record<string, never>, field: string): Promise<{ stream(signal?: AbortSignal): AsyncIterable<SnapshotSample> }>;
  streamVersion(versionId: string): AsyncIterable<SnapshotSample>;
  importSamples(dataset: DatasetRecord, samples: NewSample[], options?: { onRejected?: (source: string, reason: string) => void }): Promise<number>;
  sourcesUnder(datasetId: string, prefix: string): AsyncGenerator<{ id: string; source: string }[]>;
  removeSamples(dataset: DatasetRecord, ids: readonly string[]): Promise<number>;
}

export interface StoredInput {
  type?: string;
  source?: string;
  version_id?: string;
}

/** A run reads at most this many files. */
export const MAX_INPUT_FILES = 1_000_000;

const SKIPPED = /\.(xml|manifest|json|txt|csv)$/i;

const tooMany = (where: string): Error => new Error(`more than ${MAX_INPUT_FILES} files in ${where}`);

/** Files handed on at once by inputBatches: a page of the store's listing. */
export const INPUT_PAGE = 1000;

/** The keys under a folder page by page as the store lists them; folder markers left out. */
async function* folderPages(objects: ObjectStore, folder: ObjectPath): AsyncGenerator<string[]> {
  let page: string[] = [];
  for await (const o of listAll(objects, folder.bucket, folder.key)) {
    if (o.key.endsWith('/')) continue;
    page.push(o.key);
    if (page.length >= INPUT_PAGE) {
      yield page;
      page = [];
    }
  }
  if (page.length > 0) yield page;
}

const isSingleFile = (folder: ObjectPath): boolean => folder.key !== '' && !folder.key.endsWith('/');

/** The files of one folder (or the one file a path names), each image with the VOC file beside it. */
export async function listFolder(objects: ObjectStore, folder: ObjectPath): Promise<InputFile[]> {
  if (isSingleFile(folder)) return [{ bucket: folder.bucket, key: folder.key }];
  const keys = new Set<string>();
  const found: string[] = [];
  for await (const page of folderPages(objects, folder)) {
    for (const key of page) {
      keys.add(key);
      if (!SKIPPED.test(key)) found.push(key);
    }
    if (found.length > MAX_INPUT_FILES) throw tooMany(`/${folder.bucket}/${folder.key}`);
  }
  return found.map((key) => {
    const dot = key.lastIndexOf('.');
    const xml = `${dot > key.lastIndexOf('/') ? key.slice(0, dot) : key}.xml`;
    return { bucket: folder.bucket, key, ...(keys.has(xml) ? { annotationKey: xml } : {}) };
  });
}

export interface InputPorts {
  objects: ObjectStore;
  buckets: BucketAccess;
  datasets: ProcessorDatasets;
  samples: ProcessorSamples;
  /** The output folder of the task's latest completed version, for TASK inputs. */
  taskOutput(projectId: string, taskId: string): Promise<ObjectPath | undefined>;
}

/** The samples of a DATASET input as files: the version's when version_id is given, else the dataset's live ones. */
async function datasetFiles(ports: InputPorts, projectId: string, input: StoredInput, field: string, signal: AbortSignal): Promise<InputFile[]> {
  const d = await ports.datasets.require(projectId, input.source ?? '');
  let samples: AsyncIterable<SnapshotSample>;
  if (input.version_id !== undefined) {
    await ports.datasets.versionManifest(projectId, d.id, input.version_id);
    samples = ports.samples.streamVersion(input.version_id);
  } else {
    samples = (await ports.samples.select(d.id, {}, field)).stream(signal);
  }
  const files: InputFile[] = [];
  const buckets = new Set<string>();
  for await (const s of samples) {
    const parsed = parseSampleSource(s.source, `${field}.source`);
    // text held inline (content://) has no file to process
    if (parsed.kind !== 'object') continue;
    // the bucket may have changed hands since the sample was added
    if (!buckets.has(parsed.path.bucket)) {
      await ports.buckets.check({ projectId }, parsed.path, `${field}.source`);
      buckets.add(parsed.path.bucket);
    }
    files.push({ bucket: parsed.path.bucket, key: parsed.path.key, datasetId: d.id, sampleId: s.id, labels: s.labels, metadata: s.metadata });
    if (files.length > MAX_INPUT_FILES) throw tooMany(`dataset ${d.id}`);
  }
  return files;
}

/** The folder an OBS or TASK input reads, its bucket checked again (it may have changed hands since the create). */
async function inputFolder(ports: InputPorts, projectId: string, input: StoredInput, field: string): Promise<ObjectPath | undefined> {
  const source = input.source ?? '';
  if (input.type === 'OBS') {
    const path = parseObsPath(source, `${field}.source`);
    await ports.buckets.check({ projectId }, path, `${field}.source`);
    return path;
  }
  if (input.type === 'TASK') return ports.taskOutput(projectId, source);
  return undefined;
}

/** The files of the inputs, checked again at run time (a bucket or dataset may have changed hands since the create). */
export async function inputFiles(ports: InputPorts, projectId: string, inputs: readonly StoredInput[], signal: AbortSignal): Promise<InputFile[]> {
  const files: InputFile[] = [];
  for (const [i, input] of inputs.entries()) {
    const field = `inputs[${i}]`;
    if (input.type === 'DATASET') {
      files.push(...(await datasetFiles(ports, projectId, input, field, signal)));
    } else {
      const folder = await inputFolder(ports, projectId, input, field);
      if (folder) files.push(...(await listFolder(ports.objects, folder)));
    }
    if (files.length > MAX_INPUT_FILES) throw tooMany('the inputs');
  }
  return files;
}

/**
 * The files of the inputs as inputFiles has them, but handed on a page at a time as soon as the store
 * lists it, so an operator that takes one file at a time starts before the listing ends. Images are
 * not paired with VOC files here: such operators (validation) read none.
 */
export async function* inputBatches(ports: InputPorts, projectId: string, inputs: readonly StoredInput[], signal: AbortSignal): AsyncGenerator<InputFile[]> {
  let count = 0;
  const counted = (page: InputFile[]): InputFile[] => {
    count += page.length;
    if (count > MAX_INPUT_FILES) throw tooMany('the inputs');
    return page;
  };
  for (const [i, input] of inputs.entries()) {
    const field = `inputs[${i}]`;
    if (input.type === 'DATASET') {
      const files = await datasetFiles(ports, projectId, input, field, signal);
      for (let at = 0; at < files.length; at += INPUT_PAGE) yield counted(files.slice(at, at + INPUT_PAGE));
      continue;
    }
    const folder = await inputFolder(ports, projectId, input, field);
    if (!folder) continue;
    if (isSingleFile(folder)) {
      yield counted([{ bucket: folder.bucket, key: folder.key }]);
      continue;
    }
    for await (const keys of folderPages(ports.objects, folder)) {
      const page = keys.filter((key) => !SKIPPED.test(key)).map((key) => ({ bucket: folder.bucket, key }));
      if (page.length > 0) yield counted(page);
    }
  }
}

/** Labels of an image that carry no shape (classification labels): they stay true of any transformed copy. */
export const shapelessLabels = (labels: readonly SampleLabel[] | undefined): SampleLabel[] =>
  (labels ?? []).filter((l) => l.property?.[SHAPE_KEY] === undefined);
