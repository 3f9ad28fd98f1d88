// The samples an import reads, in batches: every file of a folder (the formats library's folder
// scan, as a new dataset's input scan reads it, plus COCO documents for object detection) or the lines
// of a manifest. A bad line, a missing file or a sample path in a bucket the caller may not read is
// reported and passed over.
import {
  FormatError,
  fileProblem,
  manifestToNewSample,
  readCoco,
  readManifestEntries,
  scanDirectory,
  type ManifestEntry,
  type NewSample,
  type SampleLabel,
} from '#src/formats/index.ts';
import type { DatasetRecord } from '#src/modules/datasets/index.ts';
import type { BucketAccess } from '#src/storage/bucket-access.ts';
import type { ObjectStat, ObjectStore } from '#src/storage/object-store.ts';
import { checkObjectKey, formatObsPath, parseObsPath, type ObjectPath } from '#src/storage/obs-path.ts';
import { ApiError } from '#src/core/errors.ts';
import type { ImportCounts } from '#src/modules/datasets/index.ts';

export const BATCH_SIZE = 1000;
const OBJECT_DETECTION = 1;
/** The largest COCO document read. */
const MAX_COCO_BYTES = 256 * 1024 * 1024;
/** Manifest lines whose files are looked up at once. */
const HEAD_CONCURRENCY = 64;

/** What the import task keeps of the request (the task's options column). */
export interface ImportChoices {
  /** Marks records of ImportTask (the dataset's own input scan writes records without it). */
  source: 'ImportTask';
  importType: 'dir' | 'manifest';
  importAnnotations: boolean;
  /** false: label the samples already in the dataset (matched by source) instead of adding samples. */
  importSamples: boolean;
  /** false: labels come in awaiting confirmation, as auto labeling leaves them (absent in older records: true). */
  finalAnnotation?: boolean;
  difficultOnly: boolean;
  includedLabels: string[];
  excludedLabels: string[];
  labelFormat?: { label_type?: string; text_label_separator?: string; text_sample_separator?: string };
  importFolder?: string;
}

export interface SourceContext {
  objectStore: ObjectStore;
  buckets: BucketAccess;
  dataset: DatasetRecord;
  path: ObjectPath;
  choices: ImportChoices;
  counts: ImportCounts;
  signal: AbortSignal;
  now: number;
  onError(file: string, reason: string): void;
}

/** Keeps the samples the label filters allow (included: any of them; excluded: none of them). */
function labelFilter(choices: ImportChoices): (s: NewSample) => boolean {
  const included = new Set(choices.includedLabels);
  const excluded = new Set(choices.excludedLabels);
  if (included.size === 0 && excluded.size === 0) return () => true;
  return (s) => {
    const names = (s.labels ?? []).map((l) => l.name);
    if (included.size > 0 && !names.some((n) => included.has(n))) return false;
    return !names.some((n) => excluded.has(n));
  };
}

export async function* importBatches(ctx: SourceContext): AsyncGenerator<NewSample[]> {
  const keep = labelFilter(ctx.choices);
  const batches = ctx.choices.importType === 'dir' ? folderBatches(ctx) : manifestBatches(ctx);
  for await (const batch of batches) {
    const kept = batch.filter(keep);
    yield kept;
  }
}

async function* folderBatches(ctx: SourceContext): AsyncGenerator<NewSample[]> {
  const coco = ctx.choices.importAnnotations && ctx.dataset.info.type === OBJECT_DETECTION ? await cocoLabels(ctx) : new Map();
  const files = scanDirectory(ctx.objectStore, ctx.path, ctx.dataset.info, {
    importAnnotations: ctx.choices.importAnnotations,
    ...(ctx.choices.labelFormat ? { labelFormat: ctx.choices.labelFormat } : {}),
    batchSize: BATCH_SIZE,
    signal: ctx.signal,
    onFileError: ctx.onError,
    onFile: (file) => {
      ctx.counts.filesFound++;
      ctx.counts.bytesFound += file.size;
    },
  });
  const folder = formatObsPath(ctx.path);
  for await (const batch of files) {
    if (coco.size === 0) {
      yield batch;
      continue;
    }
    yield batch.map((s) => {
      const parts = s.labels && s.labels.length > 0 ? undefined : coco.get(s.source.slice(folder.length));
      return parts ? { ...s, labels: parts.labels, metadata: { ...s.metadata, ...parts.metadata } } : s;
    });
  }
}

/**
 * Object detection: the COCO instances documents (*.json) at the top of the folder, as an export with
 * annotation_format COCO writes them; their labels go to the images they name (a VOC file beside an
 * image wins). A document that does not read is reported and passed over.
 */
async function cocoLabels(ctx: SourceContext): Promise<Map<string, { labels: SampleLabel[]; metadata: Record<string, unknown> }>> {
  const out = new Map<string, { labels: SampleLabel[]; metadata: Record<string, unknown> }>();
  let token: string | undefined;
  do {
    const page = await ctx.objectStore.list(ctx.path.bucket, { prefix: ctx.path.key, delimiter: '/', ...(token ? { continuationToken: token } : {}) });
    for (const o of page.objects) {
      if (!o.key.toLowerCase().endsWith('.json')) continue;
      const file = formatObsPath({ bucket: ctx.path.bucket, key: o.key });
      try {
        const doc = readCoco(await ctx.objectStore.readText(ctx.path.bucket, o.key, MAX_COCO_BYTES), file, OBJECT_DETECTION);
        for (const [name, parts] of doc) out.set(name, parts);
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
        ctx.onError(file, e instanceof FormatError ? e.problem : fileProblem(e));
      }
    }
    token = page.nextContinuationToken;
  } while (token);
  return out;
}

async function* manifestBatches(ctx: SourceContext): AsyncGenerator<NewSample[]> {
  const file = formatObsPath(ctx.path);
  // Sample paths may name any bucket: each is checked once for the task's project.
  const readable = new Map<string, Promise<string | undefined>>();
  const bucketRefusal = (bucket: string): Promise<string | undefined> => {
    let r = readable.get(bucket);
    if (!r) {
      r = ctx.buckets.check({ projectId: ctx.dataset.projectId }, bucket, 'source').then(
        () => undefined,
        (e: unknown) => (e instanceof ApiError ? e.message : String(e)),
      );
      readable.set(bucket, r);
    }
    return r;
  };
  const toSample = async ({ line, sample }: ManifestEntry, stat: ObjectStat | null | undefined): Promise<NewSample | undefined> => {
    try {
      if (!sample.source.startsWith('content://')) {
        const bucket = parseObsPath(sample.source, 'source').bucket;
        const refusal = await bucketRefusal(bucket);
        if (refusal) {
          ctx.onError(file, `line ${line}: source ${sample.source} refused: ${refusal}`);
          return undefined;
        }
      }
      const s = await manifestToNewSample(ctx.objectStore, sample, ctx.dataset.info, {
        importAnnotations: ctx.choices.importAnnotations,
        at: { file, line },
        now: ctx.now,
        ...(stat !== undefined ? { stat } : {}),
      });
      if (!s.source.startsWith('content://')) {
        ctx.counts.filesFound++;
        ctx.counts.bytesFound += s.size;
      }
      return s;
    } catch (e) {
      if (!(e instanceof FormatError) && !(e instanceof ApiError)) throw e;
      ctx.onError(file, e instanceof FormatError ? e.problem : `line ${line}: ${fileProblem(e)}`);
      return undefined;
    }
  };
  let pending: ManifestEntry[] = [];
  const flush = async (): Promise<NewSample[]> => {
    const stats = await statsOf(pending);
    const out: NewSample[] = [];
    for (let i = 0; i < pending.length; i += HEAD_CONCURRENCY) {
      const done = await Promise.all(pending.slice(i, i + HEAD_CONCURRENCY).map((e, j) => toSample(e, stats[i + j])));
      for (const s of done) if (s) out.push(s);
    }
    pending = [];
    return out;
  };
  /**
   * The files of a batch of lines, looked up together per bucket (statMany: on the fs store, no
   * sidecar read and one folder check per folder). Lines whose source does not parse, and buckets
   * the task may not read, get undefined: toSample reports them.
   */
  const statsOf = async (entries: readonly ManifestEntry[]): Promise<(ObjectStat | null | undefined)[]> => {
    const out: (ObjectStat | null | undefined)[] = entries.map(() => undefined);
    const byBucket = new Map<string, { at: number[]; keys: string[] }>();
    entries.forEach(({ sample }, i) => {
      if (sample.source.startsWith('content://')) return;
      let path: ObjectPath;
      try {
        path = parseObsPath(sample.source, 'source');
        checkObjectKey(path.bucket, path.key, 'source');
      } catch {
        return;
      }
      let g = byBucket.get(path.bucket);
      if (!g) byBucket.set(path.bucket, (g = { at: [], keys: [] }));
      g.at.push(i);
      g.keys.push(path.key);
    });
    for (const [bucket, g] of byBucket) {
      if ((await bucketRefusal(bucket)) !== undefined) continue;
      const stats = await ctx.objectStore.statMany(bucket, g.keys);
      g.at.forEach((i, j) => (out[i] = stats[j] ?? null));
    }
    return out;
  };
  const entries = readManifestEntries(ctx.objectStore, ctx.path, {
    signal: ctx.signal,
    onError: (e) => ctx.onError(file, e.problem),
  });
  for await (const entry of entries) {
    if (ctx.choices.difficultOnly && entry.sample.hard !== true) continue;
    pending.push(entry);
    if (pending.length >= BATCH_SIZE) yield await flush();
  }
  if (pending.length > 0) yield await flush();
}
