import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsCommand,
  S3Client,
  S3ServiceException,
  type ListObjectsCommandOutput,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Readable } from 'node:stream';
import { errors } from '#src/core/errors.ts';
import type { ObjectStoreConfig } from './config.ts';
import { contentTypeOf } from './content-types.ts';
import { compareKeys, decodeListToken, encodeListToken, listedBefore, type ListPosition } from './list-position.ts';
import { checkObjectKey, checkObjectPath } from './obs-path.ts';
import {
  BaseObjectStore,
  ObjectExistsError,
  ObjectNotFoundError,
  checkRange,
  clampMaxKeys,
  toStream,
  type Body,
  type ByteRange,
  type ListOptions,
  type ListResult,
  type ObjectInfo,
  type ObjectRef,
  type PutOptions,
} from './object-store.ts';

export type S3StoreConfig = Extract<ObjectStoreConfig, { kind: 's3' }>;

const statusOf = (e: unknown): number | undefined => (e instanceof S3ServiceException ? e.$metadata.httpStatusCode : undefined);

function isMissing(e: unknown): boolean {
  return statusOf(e) === 404 || (e instanceof S3ServiceException && ['NoSuchKey', 'NotFound', 'NoSuchBucket'].includes(e.name));
}

const unquote = (etag: string | undefined): string => (etag ?? '').replace(/^"|"$/g, '');

/** The object store over any S3-compatible endpoint (OBS, MinIO, AWS), through the AWS SDK. */
export class S3ObjectStore extends BaseObjectStore {
  readonly kind = 's3' as const;
  private readonly client: S3Client;
  /** Create-only puts of this process in flight, by bucket and key (see put). */
  private readonly creating = new Map<string, Promise<unknown>>();

  constructor(private readonly config: S3StoreConfig) {
    super();
    this.client = new S3Client({
      region: config.region,
      forcePathStyle: config.forcePathStyle,
      // The SDK's default CRC checksums on every upload are not understood by all S3-compatible
      // servers; send them only where the API requires one.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      ...(config.endpoint ? { endpoint: config.endpoint } : {}),
      ...(config.accessKeyId && config.secretAccessKey ? { credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey } } : {}),
    });
  }

  /** The real bucket behind an API bucket name (already checked). */
  private real(bucket: string): string {
    const mapped = this.config.bucketMap[bucket];
    if (mapped !== undefined) return mapped;
    // A real bucket behind another name is reached only by that name: it has that name's owner.
    const shown = Object.entries(this.config.bucketMap).find(([, real]) => real === bucket)?.[0];
    if (shown !== undefined) throw errors.badParam(`bucket "${bucket}" is reached as "${shown}" here`);
    return bucket;
  }

  async ensureBucket(bucket: string): Promise<void> {
    checkObjectPath(bucket, '', 'bucket');
    const Bucket = this.real(bucket);
    try {
      await this.client.send(new HeadBucketCommand({ Bucket }));
    } catch (e) {
      if (!isMissing(e)) throw e;
      try {
        await this.client.send(new CreateBucketCommand({ Bucket }));
      } catch (e2) {
        // Someone else created it meanwhile.
        if (!(e2 instanceof S3ServiceException && ['BucketAlreadyOwnedByYou', 'BucketAlreadyExists'].includes(e2.name))) throw e2;
      }
    }
  }

  async bucketExists(bucket: string): Promise<boolean> {
    checkObjectPath(bucket, '', 'bucket');
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.real(bucket) }));
      return true;
    } catch (e) {
      if (isMissing(e)) return false;
      // 403: the bucket exists, held by other credentials.
      if (statusOf(e) === 403) return true;
      throw e;
    }
  }

  async put(bucket: string, key: string, body: Body, opts: PutOptions = {}): Promise<ObjectInfo> {
    checkObjectKey(bucket, key, 'object key');
    if (key.endsWith('/')) {
      // Folder markers hold no data, as in the fs store.
      const source = toStream(body);
      for await (const chunk of source) {
        if ((chunk as Buffer | string).length > 0) {
          source.destroy();
          throw errors.badParam(`object key: "${key}" ends with "/", a folder, and cannot hold data`);
        }
      }
      body = '';
    }
    if (opts.ifAbsent && !key.endsWith('/')) return this.putNew(bucket, key, body, opts);
    // Upload sends one PutObject for small bodies and a multipart upload, part by part, for large
    // or unknown-length streams.
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.real(bucket), Key: key, Body: body, ContentType: opts.contentType ?? contentTypeOf(key) },
    });
    await upload.done();
    const info = await this.head(bucket, key);
    if (!info) throw new Error(`object /${bucket}/${key} vanished right after upload`);
    return info;
  }

  /**
   * A create-only put: If-None-Match: * makes the server refuse a key that exists (AWS S3, MinIO and
   * others honour it; servers that ignore it still get the head check). Puts of one key from this
   * process take turns, so within one server the check and the write are never interleaved.
   */
  private async putNew(bucket: string, key: string, body: Body, opts: PutOptions): Promise<ObjectInfo> {
    const slot = `${bucket}/${key}`;
    const before = this.creating.get(slot);
    const run = (async () => {
      await before?.catch(() => undefined);
      if (await this.head(bucket, key)) throw new ObjectExistsError(bucket, key);
      const upload = new Upload({
        client: this.client,
        params: { Bucket: this.real(bucket), Key: key, Body: body, ContentType: opts.contentType ?? contentTypeOf(key), IfNoneMatch: '*' },
      });
      try {
        await upload.done();
      } catch (e) {
        if (statusOf(e) === 412 || statusOf(e) === 409) throw new ObjectExistsError(bucket, key);
        throw e;
      }
      const info = await this.head(bucket, key);
      if (!info) throw new Error(`object /${bucket}/${key} vanished right after upload`);
      return info;
    })();
    this.creating.set(slot, run);
    try {
      return await run;
    } finally {
      if (this.creating.get(slot) === run) this.creating.delete(slot);
    }
  }

  async get(bucket: string, key: string, range?: ByteRange): Promise<Readable> {
    checkObjectKey(bucket, key, 'object key');
    checkRange(range);
    try {
      const res = await this.client.send(
        new GetObjectCommand({
          Bucket: this.real(bucket),
          Key: key,
          ...(range ? { Range: `bytes=${range.start}-${range.end ?? ''}` } : {}),
        }),
      );
      if (!(res.Body instanceof Readable)) throw new Error('the S3 client returned a body that is not a Node stream');
      return res.Body;
    } catch (e) {
      if (isMissing(e)) throw new ObjectNotFoundError(bucket, key);
      // A range starting past the end (416) reads nothing, as in the fs store.
      if (range && statusOf(e) === 416 && (await this.head(bucket, key))) return Readable.from([]);
      throw e;
    }
  }

  async head(bucket: string, key: string): Promise<ObjectInfo | null> {
    checkObjectKey(bucket, key, 'object key');
    try {
      const res = await this.client.send(new HeadObjectCommand({ Bucket: this.real(bucket), Key: key }));
      return {
        key,
        size: res.ContentLength ?? 0,
        etag: unquote(res.ETag),
        lastModified: res.LastModified ?? new Date(0),
        contentType: res.ContentType ?? contentTypeOf(key),
      };
    } catch (e) {
      if (isMissing(e)) return null;
      throw e;
    }
  }

  async list(bucket: string, opts: ListOptions = {}): Promise<ListResult> {
    const prefix = opts.prefix ?? '';
    checkObjectPath(bucket, prefix, 'prefix');
    const from = opts.continuationToken ? decodeListToken(opts.continuationToken) : undefined;
    // After a common prefix, continue past every key under it (no key holds U+10FFFF in practice).
    const marker = from ? (from.folded ? `${from.after}\u{10FFFF}` : from.after) : undefined;
    let res: ListObjectsCommandOutput;
    try {
      res = await this.client.send(
        new ListObjectsCommand({
          Bucket: this.real(bucket),
          MaxKeys: clampMaxKeys(opts.maxKeys),
          ...(prefix ? { Prefix: prefix } : {}),
          ...(opts.delimiter ? { Delimiter: opts.delimiter } : {}),
          ...(marker !== undefined ? { Marker: marker } : {}),
        }),
      );
    } catch (e) {
      // A bucket that does not exist holds nothing, as an fs bucket folder that does not exist.
      if (isMissing(e)) return { objects: [], commonPrefixes: [] };
      throw e;
    }
    const objects: ObjectInfo[] = (res.Contents ?? []).map((o) => ({
      key: o.Key ?? '',
      size: o.Size ?? 0,
      etag: unquote(o.ETag),
      lastModified: o.LastModified ?? new Date(0),
    }));
    // Some servers repeat a common prefix of the previous page.
    const commonPrefixes = (res.CommonPrefixes ?? []).map((p) => p.Prefix ?? '').filter((p) => !listedBefore(from, p));
    let last: ListPosition | undefined;
    for (const o of objects) if (!last || compareKeys(o.key, last.after) > 0) last = { after: o.key, folded: false };
    for (const p of commonPrefixes) if (!last || compareKeys(p, last.after) > 0) last = { after: p, folded: true };
    if (res.IsTruncated && !last) throw new Error(`the S3 server cut a listing of /${bucket}/${prefix} short without returning anything`);
    return { objects, commonPrefixes, ...(res.IsTruncated && last ? { nextContinuationToken: encodeListToken(last) } : {}) };
  }

  async delete(bucket: string, key: string): Promise<void> {
    checkObjectKey(bucket, key, 'object key');
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.real(bucket), Key: key }));
    } catch (e) {
      if (!isMissing(e)) throw e;
    }
  }

  async deletePrefix(bucket: string, prefix: string): Promise<number> {
    const Bucket = this.real(bucket);
    let n = 0;
    let token: string | undefined;
    do {
      const page = await this.list(bucket, { prefix, ...(token ? { continuationToken: token } : {}) });
      if (page.objects.length > 0) {
        const res = await this.client.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: page.objects.map((o) => ({ Key: o.key })), Quiet: true } }));
        const failed = res.Errors ?? [];
        if (failed.length > 0) {
          const first = failed[0]!;
          throw new Error(`could not delete ${failed.length} objects under /${bucket}/${prefix}: ${first.Key}: ${first.Code} ${first.Message ?? ''}`);
        }
      }
      n += page.objects.length;
      token = page.nextContinuationToken;
    } while (token);
    return n;
  }

  async copy(from: ObjectRef, to: ObjectRef): Promise<ObjectInfo> {
    checkObjectKey(from.bucket, from.key, 'source key');
    checkObjectKey(to.bucket, to.key, 'target key');
    if (from.key.endsWith('/') || to.key.endsWith('/')) throw errors.badParam('copy: folders cannot be copied, only the objects in them');
    const source = `${this.real(from.bucket)}/${from.key.split('/').map(encodeURIComponent).join('/')}`;
    try {
      await this.client.send(new CopyObjectCommand({ Bucket: this.real(to.bucket), Key: to.key, CopySource: source }));
    } catch (e) {
      if (isMissing(e)) throw new ObjectNotFoundError(from.bucket, from.key);
      throw e;
    }
    const info = await this.head(to.bucket, to.key);
    if (!info) throw new Error(`object /${to.bucket}/${to.key} vanished right after copy`);
    return info;
  }

  override async close(): Promise<void> {
    this.client.destroy();
  }
}
