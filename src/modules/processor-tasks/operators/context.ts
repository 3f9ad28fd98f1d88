import type { ObjectStore } from '#src/storage/index.ts';

// What an operator works with: the input files, where it writes, and how it reports each file.

export interface InputFile {
  bucket: string;
  key: string;
  /** The VOC annotation beside the image (same folder and base name, .xml), when there is one. */
  annotationKey?: string;
}

/** 0 kept, 1 modified, 2 deleted, 3 added (the spec's result_property). */
export type ResultProperty = 0 | 1 | 2 | 3;

export interface FileResult {
  origin: InputFile;
  /** Key of the file written to the output bucket. */
  newKey?: string;
  property: ResultProperty;
  description: string[][];
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

export const outputKey = (ctx: OperatorContext, name: string): string => `${ctx.output.key}Data/${name}`;

export const readFile = (ctx: OperatorContext, f: InputFile): Promise<Buffer> => ctx.objects.readBuffer(f.bucket, f.key, MAX_IMAGE_BYTES);

/** Copies an input file unchanged into the output; returns its key there. */
export async function keep(ctx: OperatorContext, f: InputFile): Promise<string> {
  const key = outputKey(ctx, baseName(f.key));
  await ctx.objects.copy({ bucket: f.bucket, key: f.key }, { bucket: ctx.output.bucket, key });
  if (f.annotationKey) {
    await ctx.objects.copy({ bucket: f.bucket, key: f.annotationKey }, { bucket: ctx.output.bucket, key: outputKey(ctx, baseName(f.annotationKey)) });
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
