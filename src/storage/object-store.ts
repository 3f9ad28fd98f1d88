import type { Readable } from 'node:stream';

export interface ObjectInfo {
  key: string;
  size: number;
  etag: string;
  lastModified: Date;
  contentType?: string;
}

export interface ListOptions {
  prefix?: string;
  /** With '/', keys below the next '/' after the prefix are folded into commonPrefixes. */
  delimiter?: string;
  /** At most 1000. */
  maxKeys?: number;
  continuationToken?: string;
}

export interface ListResult {
  objects: ObjectInfo[];
  commonPrefixes: string[];
  /** Present when more keys follow. */
  nextContinuationToken?: string;
}

export interface ByteRange {
  start: number;
  /** Inclusive; to the end when absent. */
  end?: number;
}

export type Body = Readable | Buffer | string;

/** Continuation tokens name the last key (or common prefix) of the previous page, in both backends. */
export const encodeListToken = (lastKey: string): string => Buffer.from(lastKey, 'utf8').toString('base64url');
export const decodeListToken = (token: string): string => Buffer.from(token, 'base64url').toString('utf8');

/** A missing object; families turn it into their own API error. */
export class ObjectNotFoundError extends Error {
  constructor(
    readonly bucket: string,
    readonly key: string,
  ) {
    super(`object /${bucket}/${key} does not exist`);
    this.name = 'ObjectNotFoundError';
  }
}

/**
 * The object store port: the fs backend (a folder per bucket) or any S3-compatible endpoint.
 * Keys are checked against traversal by every backend; bodies are streamed.
 */
export interface ObjectStore {
  readonly kind: 'fs' | 's3';
  ensureBucket(bucket: string): Promise<void>;
  put(bucket: string, key: string, body: Body, opts?: { contentType?: string }): Promise<ObjectInfo>;
  get(bucket: string, key: string, range?: ByteRange): Promise<Readable>;
  head(bucket: string, key: string): Promise<ObjectInfo | undefined>;
  list(bucket: string, opts?: ListOptions): Promise<ListResult>;
  delete(bucket: string, key: string): Promise<void>;
  /** Deletes every key under the prefix; returns how many. */
  deletePrefix(bucket: string, prefix: string): Promise<number>;
  copy(from: { bucket: string; key: string }, to: { bucket: string; key: string }): Promise<ObjectInfo>;
}

/** Every object under a prefix, page after page. */
export async function* listAll(store: ObjectStore, bucket: string, prefix: string): AsyncGenerator<ObjectInfo> {
  let token: string | undefined;
  do {
    const page = await store.list(bucket, { prefix, maxKeys: 1000, ...(token ? { continuationToken: token } : {}) });
    yield* page.objects;
    token = page.nextContinuationToken;
  } while (token);
}

/** Reads a whole (small) object; refuses one larger than maxBytes. */
export async function readBuffer(store: ObjectStore, bucket: string, key: string, maxBytes: number): Promise<Buffer> {
  const info = await store.head(bucket, key);
  if (!info) throw new ObjectNotFoundError(bucket, key);
  if (info.size > maxBytes) throw new Error(`object /${bucket}/${key} is larger than ${maxBytes} bytes`);
  const chunks: Buffer[] = [];
  for await (const c of await store.get(bucket, key)) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c as string));
  return Buffer.concat(chunks);
}
