import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import type { LocalFile, ObjectStore } from '#src/storage/index.ts';
import { MAX_VOC_BYTES, parseVoc, sampleToVoc, writeVoc, type SampleLabel, type VocAnnotation } from '#src/formats/index.ts';

// What an operator works with: the input files, where it writes, and how it reports each file.

export interface InputFile {
  bucket: string;
  key: string;
  /** The VOC annotation beside the image (same folder and base name, .xml), when there is one. */
  annotationKey?: string;
  /** The dataset sample the file is (DATASET inputs), with its labels and metadata. */
  datasetId?: string;
  sampleId?: string;
  labels?: SampleLabel[];
  metadata?: Record<string, unknown>;
}

/** 0 kept, 1 modified, 2 deleted, 3 added (the spec's result_property). */
export type ResultProperty = 0 | 1 | 2 | 3;

export interface FileResult {
  origin: InputFile;
  /** Key of the file written to the output bucket. */
  newKey?: string;
  property: ResultProperty;
  description: string[][];
  /** Labels of the new file when they differ from the origin's (a transformed copy). */
  labels?: SampleLabel[];
}

export interface OperatorContext {
  objects: ObjectStore;
  /** The run's output folder (bucket and a key ending in "/"); files go under Data/. */
  output: { bucket: string; key: string };
  signal: AbortSignal;
  /** Images handled at once. */
  concurrency: number;
  record(result: FileResult): Promise<void>;
}

/** Image files are read whole; a larger one is reported, not read. */
export const MAX_IMAGE_BYTES = 64 * 1024 * 1024;

export const baseName = (key: string): string => key.slice(key.lastIndexOf('/') + 1);

/** A file name without its extension. */
export const stemOf = (name: string): string => (name.lastIndexOf('.') > 0 ? name.slice(0, name.lastIndexOf('.')) : name);

export const outputKey = (ctx: OperatorContext, name: string): string => `${ctx.output.key}Data/${name}`;

export const readFile = (ctx: OperatorContext, f: InputFile): Promise<Buffer> => ctx.objects.readBuffer(f.bucket, f.key, MAX_IMAGE_BYTES);

/**
 * A reader of many input files: on a store that keeps objects as local files, each batch's files are
 * resolved with one localFiles call and read straight from disk (no per-file head, sidecar read and
 * stream; one read of the size localFiles found); anything it cannot resolve is read through the
 * store as readFile does.
 */
export function batchReader(ctx: OperatorContext, files: readonly InputFile[], batch = 512): (index: number) => Promise<Buffer> {
  const local = ctx.objects.localFiles?.bind(ctx.objects);
  const batches = new Map<number, Promise<(LocalFile | null)[]>>();
  const resolve = (b: number): Promise<(LocalFile | null)[]> => {
    let p = batches.get(b);
    if (!p) {
      const part = files.slice(b * batch, (b + 1) * batch);
      p = local ? resolveLocal(local, part) : Promise.resolve(part.map(() => null));
      batches.set(b, p);
      // the batch before is done with once a file of this one is asked for
      batches.delete(b - 2);
    }
    return p;
  };
  return async (index) => {
    const f = files[index] as InputFile;
    const file = (await resolve(Math.floor(index / batch)))[index % batch];
    if (!file || file.size > MAX_IMAGE_BYTES) return readFile(ctx, f);
    // O_NOFOLLOW: a file swapped for a symlink since localFiles looked is not followed out of the bucket
    const handle = await open(file.path, constants.O_RDONLY | constants.O_NOFOLLOW).catch(() => undefined);
    if (!handle) return readFile(ctx, f);
    try {
      // the size is known from localFiles: one read of exactly that many bytes, where readFile would
      // ask for the size again and read once more to find the end
      if (file.size === 0) return Buffer.alloc(0);
      const data = Buffer.allocUnsafe(file.size);
      const { bytesRead } = await handle.read(data, 0, file.size, 0);
      return bytesRead === file.size ? data : data.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  };
}

async function resolveLocal(
  local: (bucket: string, keys: readonly string[]) => Promise<(LocalFile | null)[]>,
  part: readonly InputFile[],
): Promise<(LocalFile | null)[]> {
  const out: (LocalFile | null)[] = part.map(() => null);
  const byBucket = new Map<string, number[]>();
  part.forEach((f, i) => byBucket.set(f.bucket, [...(byBucket.get(f.bucket) ?? []), i]));
  for (const [bucket, idx] of byBucket) {
    const found = await local(
      bucket,
      idx.map((i) => (part[i] as InputFile).key),
    );
    idx.forEach((i, j) => (out[i] = found[j] ?? null));
  }
  return out;
}

/**
 * The shapes on an image as a VOC document: its sample's shape labels (DATASET inputs), else the VOC
 * file beside it; undefined when it has neither.
 */
export async function annotationOf(ctx: OperatorContext, f: InputFile): Promise<VocAnnotation | undefined> {
  if (f.labels !== undefined) {
    const voc = sampleToVoc(baseName(f.key), f.key.slice(0, f.key.lastIndexOf('/') + 1), f.labels, f.metadata ?? {});
    return voc.objects.length > 0 ? voc : undefined;
  }
  if (!f.annotationKey) return undefined;
  return parseVoc(await ctx.objects.readText(f.bucket, f.annotationKey, MAX_VOC_BYTES), f.annotationKey);
}

/** Copies an input file unchanged into the output; returns its key there. */
export async function keep(ctx: OperatorContext, f: InputFile): Promise<string> {
  const key = outputKey(ctx, baseName(f.key));
  await ctx.objects.copy({ bucket: f.bucket, key: f.key }, { bucket: ctx.output.bucket, key });
  if (f.annotationKey) {
    await ctx.objects.copy({ bucket: f.bucket, key: f.annotationKey }, { bucket: ctx.output.bucket, key: outputKey(ctx, baseName(f.annotationKey)) });
  } else if (f.labels !== undefined) {
    // a sample's boxes go beside the copy as VOC, as a folder input's would
    const voc = await annotationOf(ctx, f);
    if (voc) await ctx.objects.put(ctx.output.bucket, outputKey(ctx, `${stemOf(baseName(f.key))}.xml`), writeVoc({ ...voc, folder: 'Data' }));
  }
  return key;
}

/** Runs fn over the items, `concurrency` at a time, in order of start; stops starting new ones once aborted. */
export async function forEachLimited<T>(
  items: readonly T[],
  concurrency: number,
  signal: AbortSignal,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      signal.throwIfAborted();
      const i = next++;
      await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  signal.throwIfAborted();
}
