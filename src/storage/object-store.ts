import { Readable } from 'node:stream';
import { ApiError, apiError, errors } from '#src/core/errors.ts';

export interface ObjectInfo {
  key: string;
  size: number;
  /** MD5 hex of the content for single-part writes; S3 multipart uploads and fs files written outside the API have other opaque values. */
  etag: string;
  lastModified: Date;
  /** Always set by head; list sets it only where the backend knows it cheaply (fs). */
  contentType?: string;
}

/** What statMany tells of an object: head's answer without the ETag and content type. */
export interface ObjectStat {
  size: number;
  lastModified: Date;
}

/** An object kept as a file on this host (the fs backend): where, how big, and its permission bits. */
export interface LocalFile {
  path: string;
  size: number;
  mode: number;
}

/** Keys stat'ed at a time by the default statMany (each a HEAD or a few system calls). */
export const STAT_CONCURRENCY = 32;

export interface ListOptions {
  /** Key prefix, not necessarily on a '/' boundary ('' or absent: the whole bucket). */
  prefix?: string;
  /** Keys whose rest after the prefix contains the delimiter are folded into commonPrefixes. */
  delimiter?: string;
  /** 1..1000, default 1000. A page may hold fewer entries even when more follow. */
  maxKeys?: number;
  /** nextContinuationToken of the previous page, opaque. */
  continuationToken?: string;
}

export interface ListResult {
  /** In lexicographic (UTF-8 byte) key order. */
  objects: ObjectInfo[];
  commonPrefixes: string[];
  /** Present when more keys follow. */
  nextContinuationToken?: string;
}

export interface ByteRange {
  start: number;
  /** Inclusive; to the end when absent. A range starting past the end reads nothing. */
  end?: number;
}

export interface ObjectRef {
  bucket: string;
  key: string;
}

export type Body = Readable | Buffer | string;

export interface PutOptions {
  /** Guessed from the key's extension when absent. */
  contentType?: string;
  /**
   * Create only: when the key already holds an object (or another writer places one first), the put
   * fails with ObjectExistsError and nothing is written. What one put creates is then its own.
   */
  ifAbsent?: boolean;
}

export const MAX_LIST_KEYS = 1000;

/** A missing object: an ApiError (404 ModelArts.6624) that callers can also catch by type. */
export class ObjectNotFoundError extends ApiError {
  constructor(
    readonly bucket: string,
    readonly key: string,
  ) {
    const e = apiError(404, 'ModelArts.6624', `(/${bucket}/${key})`);
    super(e.status, e.code, e.message);
    this.name = 'ObjectNotFoundError';
  }
}

/** A put with ifAbsent found the key taken: a 400 naming the path; callers can catch it by type. */
export class ObjectExistsError extends ApiError {
  constructor(
    readonly bucket: string,
    readonly key: string,
  ) {
    const e = errors.badParam(`object key: /${bucket}/${key} exists; nothing is overwritten`);
    super(e.status, e.code, e.message);
    this.name = 'ObjectExistsError';
  }
}

/** An object too large to read whole (readBuffer/readText): a 400 naming the path. */
export class ObjectTooLargeError extends ApiError {
  constructor(bucket: string, key: string, maxBytes: number) {
    const e = errors.badParam(`/${bucket}/${key}: larger than ${maxBytes} bytes`);
    super(e.status, e.code, e.message);
    this.name = 'ObjectTooLargeError';
  }
}

/**
 * An object read as a known version (readBuffer's `known`) that is no longer that version: replaced
 * since its head was answered, so the version asked for is gone (a 404 naming the path). Callers can
 * catch it by type and head again.
 */
export class ObjectChangedError extends ApiError {
  constructor(bucket: string, key: string) {
    const e = apiError(404, 'ModelArts.6624', `(/${bucket}/${key} was replaced while it was read)`);
    super(e.status, e.code, e.message);
    this.name = 'ObjectChangedError';
  }
}

/**
 * The object store port: the fs backend (a folder per bucket) or any S3-compatible endpoint.
 * Every backend validates buckets and keys with the obs-path rules (bad ones are a 400) and streams
 * bodies. Writing to a bucket that does not exist is backend-specific: call ensureBucket first.
 */
export interface ObjectStore {
  readonly kind: 'fs' | 's3';
  ensureBucket(bucket: string): Promise<void>;
  /** Whether the bucket exists (fs: its folder; s3: the real bucket behind the bucket map). */
  bucketExists(bucket: string): Promise<boolean>;
  put(bucket: string, key: string, body: Body, opts?: PutOptions): Promise<ObjectInfo>;
  /** Throws ObjectNotFoundError when missing. */
  get(bucket: string, key: string, range?: ByteRange): Promise<Readable>;
  /** null when missing. */
  head(bucket: string, key: string): Promise<ObjectInfo | null>;
  /**
   * Size and time of each key, in the order given; null where head would give null. For existence
   * checks of many objects: backends skip what head must also read (the fs store's ETag sidecars)
   * and work on several keys at once.
   */
  statMany(bucket: string, keys: readonly string[]): Promise<(ObjectStat | null)[]>;
  /**
   * Backends that keep objects as files on this host (fs): the file of each key, in the order
   * given, so that local workloads can be handed objects without a copy (a hard link); null where
   * the key names no regular file inside its bucket. Absent on backends without local files.
   */
  localFiles?(bucket: string, keys: readonly string[]): Promise<(LocalFile | null)[]>;
  /** For a folder key ('dir/'): whether the marker or anything under it exists. */
  exists(bucket: string, key: string): Promise<boolean>;
  list(bucket: string, opts?: ListOptions): Promise<ListResult>;
  /** Idempotent: deleting a missing object succeeds. */
  delete(bucket: string, key: string): Promise<void>;
  /** Deletes every key starting with the prefix ('' empties the bucket); returns how many. */
  deletePrefix(bucket: string, prefix: string): Promise<number>;
  /** Throws ObjectNotFoundError when the source is missing. */
  copy(from: ObjectRef, to: ObjectRef): Promise<ObjectInfo>;
  /**
   * The whole object; ObjectTooLargeError past maxBytes, ObjectNotFoundError when missing. With
   * `known` (what head answered for it) the object is that version or nothing: ObjectChangedError
   * when its ETag or size differ now; backends that can skip a second head then do.
   */
  readBuffer(bucket: string, key: string, maxBytes: number, known?: ObjectInfo): Promise<Buffer>;
  readText(bucket: string, key: string, maxBytes: number): Promise<string>;
  /** Releases connections; the store is unusable afterwards. */
  close(): Promise<void>;
}

/** The conveniences both backends share, written once over the primitive operations. */
export abstract class BaseObjectStore implements ObjectStore {
  abstract readonly kind: 'fs' | 's3';
  abstract ensureBucket(bucket: string): Promise<void>;
  abstract bucketExists(bucket: string): Promise<boolean>;
  abstract put(bucket: string, key: string, body: Body, opts?: PutOptions): Promise<ObjectInfo>;
  abstract get(bucket: string, key: string, range?: ByteRange): Promise<Readable>;
  abstract head(bucket: string, key: string): Promise<ObjectInfo | null>;
  abstract list(bucket: string, opts?: ListOptions): Promise<ListResult>;
  abstract delete(bucket: string, key: string): Promise<void>;
  abstract deletePrefix(bucket: string, prefix: string): Promise<number>;
  abstract copy(from: ObjectRef, to: ObjectRef): Promise<ObjectInfo>;

  async statMany(bucket: string, keys: readonly string[]): Promise<(ObjectStat | null)[]> {
    return mapLimit(keys, STAT_CONCURRENCY, async (key) => {
      const info = await this.head(bucket, key);
      return info && { size: info.size, lastModified: info.lastModified };
    });
  }

  async exists(bucket: string, key: string): Promise<boolean> {
    if ((await this.head(bucket, key)) !== null) return true;
    if (!key.endsWith('/')) return false;
    const page = await this.list(bucket, { prefix: key, maxKeys: 1 });
    return page.objects.length > 0 || page.commonPrefixes.length > 0;
  }

  async readBuffer(bucket: string, key: string, maxBytes: number, known?: ObjectInfo): Promise<Buffer> {
    const info = await this.head(bucket, key);
    if (!info) throw new ObjectNotFoundError(bucket, key);
    if (known && (info.etag !== known.etag || info.size !== known.size)) throw new ObjectChangedError(bucket, key);
    if (info.size > maxBytes) throw new ObjectTooLargeError(bucket, key, maxBytes);
    if (info.size === 0) return Buffer.alloc(0);
    // Counted again while reading: the object may have grown since the head.
    const stream = await this.get(bucket, key);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of stream) {
      const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      size += b.length;
      if (size > maxBytes) {
        stream.destroy();
        throw new ObjectTooLargeError(bucket, key, maxBytes);
      }
      chunks.push(b);
    }
    return Buffer.concat(chunks);
  }

  async readText(bucket: string, key: string, maxBytes: number): Promise<string> {
    return (await this.readBuffer(bucket, key, maxBytes)).toString('utf8');
  }

  async close(): Promise<void> {}
}

/** Every object under a prefix, page after page. */
export async function* listAll(store: ObjectStore, bucket: string, prefix = ''): AsyncGenerator<ObjectInfo> {
  let token: string | undefined;
  do {
    const page = await store.list(bucket, { prefix, ...(token ? { continuationToken: token } : {}) });
    yield* page.objects;
    token = page.nextContinuationToken;
  } while (token);
}

/** A 400 unless 0 <= start <= end, whole numbers. */
export function checkRange(range: ByteRange | undefined): void {
  if (!range) return;
  const ok =
    Number.isSafeInteger(range.start) && range.start >= 0 && (range.end === undefined || (Number.isSafeInteger(range.end) && range.end >= range.start));
  if (!ok) throw errors.badParam(`range: want 0 <= start <= end, got ${range.start}-${range.end ?? ''}`);
}

/** A string or Buffer body as a stream; streams pass through. */
export function toStream(body: Body): Readable {
  return typeof body === 'string' || Buffer.isBuffer(body) ? Readable.from([Buffer.from(body)]) : body;
}

/** maxKeys within 1..1000 (larger asks get 1000); a 400 for nonsense. */
export function clampMaxKeys(maxKeys: number | undefined): number {
  if (maxKeys === undefined) return MAX_LIST_KEYS;
  if (!Number.isInteger(maxKeys) || maxKeys < 1) throw errors.badParam(`maxKeys: want 1..${MAX_LIST_KEYS}, got ${maxKeys}`);
  return Math.min(maxKeys, MAX_LIST_KEYS);
}

/** Maps with at most `limit` calls in flight; results in input order; the first failure rejects. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
