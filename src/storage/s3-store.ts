import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Readable } from 'node:stream';
import type { ObjectStoreConfig } from './config.ts';
import { contentTypeOf } from './content-types.ts';
import { checkObjectPath } from './obs-path.ts';
import { ObjectNotFoundError, decodeListToken, encodeListToken, type Body, type ByteRange, type ListOptions, type ListResult, type ObjectInfo, type ObjectStore } from './object-store.ts';

type S3Config = Extract<ObjectStoreConfig, { kind: 's3' }>;

function isMissing(e: unknown): boolean {
  if (e instanceof S3ServiceException) return e.$metadata.httpStatusCode === 404 || e.name === 'NoSuchKey' || e.name === 'NotFound';
  return false;
}

const unquote = (etag: string | undefined) => (etag ?? '').replace(/^"|"$/g, '');

/** The object store over any S3-compatible endpoint (OBS, MinIO, AWS), through the AWS SDK. */
export class S3ObjectStore implements ObjectStore {
  readonly kind = 's3' as const;
  private readonly client: S3Client;

  constructor(private readonly config: S3Config) {
    this.client = new S3Client({
      region: config.region,
      forcePathStyle: config.forcePathStyle,
      ...(config.endpoint ? { endpoint: config.endpoint } : {}),
      ...(config.accessKeyId && config.secretAccessKey
        ? { credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey } }
        : {}),
    });
  }

  /** The real bucket behind an API bucket name. */
  private real(bucket: string, key: string): string {
    checkObjectPath(bucket, key, 'object key');
    return this.config.bucketMap[bucket] ?? bucket;
  }

  async ensureBucket(bucket: string): Promise<void> {
    const Bucket = this.real(bucket, '');
    try {
      await this.client.send(new HeadBucketCommand({ Bucket }));
    } catch (e) {
      if (!isMissing(e)) throw e;
      await this.client.send(new CreateBucketCommand({ Bucket }));
    }
  }

  async put(bucket: string, key: string, body: Body, opts: { contentType?: string } = {}): Promise<ObjectInfo> {
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.real(bucket, key), Key: key, Body: body, ContentType: opts.contentType ?? contentTypeOf(key) },
    });
    await upload.done();
    const info = await this.head(bucket, key);
    if (!info) throw new Error(`object /${bucket}/${key} vanished right after upload`);
    return info;
  }

  async get(bucket: string, key: string, range?: ByteRange): Promise<Readable> {
    try {
      const res = await this.client.send(
        new GetObjectCommand({
          Bucket: this.real(bucket, key),
          Key: key,
          ...(range ? { Range: `bytes=${range.start}-${range.end ?? ''}` } : {}),
        }),
      );
      return res.Body as Readable;
    } catch (e) {
      if (isMissing(e)) throw new ObjectNotFoundError(bucket, key);
      throw e;
    }
  }

  async head(bucket: string, key: string): Promise<ObjectInfo | undefined> {
    try {
      const res = await this.client.send(new HeadObjectCommand({ Bucket: this.real(bucket, key), Key: key }));
      return {
        key,
        size: res.ContentLength ?? 0,
        etag: unquote(res.ETag),
        lastModified: res.LastModified ?? new Date(0),
        ...(res.ContentType ? { contentType: res.ContentType } : {}),
      };
    } catch (e) {
      if (isMissing(e)) return undefined;
      throw e;
    }
  }

  async list(bucket: string, opts: ListOptions = {}): Promise<ListResult> {
    // StartAfter instead of S3's opaque tokens: portable across S3 implementations, and the same
    // token format as the fs backend. After a common prefix, skip everything under it.
    const after = opts.continuationToken ? decodeListToken(opts.continuationToken) : undefined;
    const startAfter = after !== undefined && opts.delimiter && after.endsWith(opts.delimiter) ? `${after}\u{10FFFF}` : after;
    const res = await this.client.send(
      new ListObjectsV2Command({
        Bucket: this.real(bucket, opts.prefix ?? ''),
        Prefix: opts.prefix ?? '',
        MaxKeys: Math.min(Math.max(opts.maxKeys ?? 1000, 1), 1000),
        ...(opts.delimiter ? { Delimiter: opts.delimiter } : {}),
        ...(startAfter !== undefined ? { StartAfter: startAfter } : {}),
      }),
    );
    const last = [...(res.Contents ?? []).map((o) => o.Key ?? ''), ...(res.CommonPrefixes ?? []).map((p) => p.Prefix ?? '')].sort().pop();
    return {
      objects: (res.Contents ?? []).map((o) => ({
        key: o.Key ?? '',
        size: o.Size ?? 0,
        etag: unquote(o.ETag),
        lastModified: o.LastModified ?? new Date(0),
      })),
      commonPrefixes: (res.CommonPrefixes ?? []).map((p) => p.Prefix ?? ''),
      ...(res.IsTruncated && last !== undefined ? { nextContinuationToken: encodeListToken(last) } : {}),
    };
  }

  async delete(bucket: string, key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.real(bucket, key), Key: key }));
  }

  async deletePrefix(bucket: string, prefix: string): Promise<number> {
    const Bucket = this.real(bucket, prefix);
    let n = 0;
    for (;;) {
      const page = await this.list(bucket, { prefix });
      if (page.objects.length === 0) return n;
      await this.client.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: page.objects.map((o) => ({ Key: o.key })), Quiet: true } }));
      n += page.objects.length;
    }
  }

  async copy(from: { bucket: string; key: string }, to: { bucket: string; key: string }): Promise<ObjectInfo> {
    const source = `${this.real(from.bucket, from.key)}/${from.key.split('/').map(encodeURIComponent).join('/')}`;
    try {
      await this.client.send(new CopyObjectCommand({ Bucket: this.real(to.bucket, to.key), Key: to.key, CopySource: source }));
    } catch (e) {
      if (isMissing(e)) throw new ObjectNotFoundError(from.bucket, from.key);
      throw e;
    }
    return (await this.head(to.bucket, to.key))!;
  }
}
