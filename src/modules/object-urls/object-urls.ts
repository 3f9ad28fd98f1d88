// Signed, expiring URLs of objects, served by Atelier itself: what sample `source`s (and the dataset
// list's preview `url`s) are on the wire, as ModelArts answers with signed OBS URLs. A URL names one
// object, optionally resized (x-image-process), and an expiry; its signature is the credential, so
// a browser or an SDK user fetches it without AK/SK. The host is the one the client used.
import type { Readable } from 'node:stream';
import { errors } from '#src/core/errors.ts';
import type { Clock } from '#src/core/time.ts';
import { ObjectChangedError, ObjectNotFoundError, type ByteRange, type ObjectInfo, type ObjectStore } from '#src/storage/object-store.ts';
import { checkObjectKey, parseObsPath, type ObjectPath } from '#src/storage/obs-path.ts';
import { objectUrlErrors } from './errors.ts';
import { parseImageProcess, type Resize } from './image-process.ts';
import { SheetMaker, type Sheet, type SheetPreview, type TileSize } from './sheets.ts';
import type { ThumbnailCache } from './thumbnails.ts';
import { expiryOf, type UrlSigner } from './url-signer.ts';

/** The path every object URL starts with. */
export const OBJECTS_PREFIX = '/objects';

/** `scheme://host[:port]` of the request the URLs answer (what the client used to reach the server). */
export type UrlOrigin = string;

/** The parts of a request for an object URL. */
export interface ObjectUrlRequest {
  bucket: string;
  key: string;
  expires: number;
  signature: string;
  process?: string;
  range?: string;
  ifNoneMatch?: string;
}

export interface ObjectAnswer {
  status: 200 | 206 | 304;
  headers: Record<string, string>;
  body?: Readable | Buffer;
}

const encodeKey = (key: string): string => key.split('/').map(encodeURIComponent).join('/');

/** A single `bytes=a-b` / `bytes=a-` / `bytes=-n` range within `size`; undefined for anything else (the whole object is sent). */
function byteRange(header: string | undefined, size: number): ByteRange | undefined {
  const m = header && /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '') || size === 0) return undefined;
  if (m[1] === '') return { start: Math.max(0, size - Number(m[2])), end: size - 1 };
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  return Number.isSafeInteger(start) && start <= end ? { start, end } : undefined;
}

export class ObjectUrls {
  private readonly sheets: SheetMaker;

  constructor(
    private readonly signer: UrlSigner,
    private readonly ttlSeconds: number,
    private readonly clock: Clock,
    private readonly store: ObjectStore,
    private readonly thumbnails: ThumbnailCache,
  ) {
    this.sheets = new SheetMaker(store, (items, resize, signal) => this.previews(items, resize, signal));
  }

  /**
   * One image of the objects of `tiles`, each scaled to cover `tile` and cropped to it (x-image-process
   * m_fill, a thumbnail of its own size, cached as any); a tile is left blank for an undefined path.
   * The caller has checked that every path may be read. Once `signal` is aborted, previews not
   * started yet are not made for this sheet (their tiles are left blank).
   */
  sheet(tiles: ReadonlyArray<ObjectPath | undefined>, tile: TileSize, ifNoneMatch?: string, signal?: AbortSignal): Promise<Sheet> {
    return this.sheets.make(tiles, tile, { mode: 'fill', width: tile.width, height: tile.height }, ifNoneMatch, signal);
  }

  /** The signed URL of an object, resized by `process` when given (a checked x-image-process). */
  url(origin: UrlOrigin, path: ObjectPath, process = ''): string {
    const expires = expiryOf(this.clock.now(), this.ttlSeconds);
    const signature = this.signer.sign({ bucket: path.bucket, key: path.key, process, expires });
    const query = new URLSearchParams({ Expires: String(expires), ...(process ? { 'x-image-process': process } : {}), Signature: signature });
    return `${origin}${OBJECTS_PREFIX}/${encodeURIComponent(path.bucket)}/${encodeKey(path.key)}?${query.toString()}`;
  }

  /**
   * A sample source as the wire shows it: an object path becomes its signed URL; inline text
   * (`content://...`) stays as it is, as in the spec's examples.
   */
  forSource(origin: UrlOrigin, source: string, process = ''): string {
    if (!source.startsWith('/') && !/^(obs|s3):\/\//.test(source)) return source;
    return this.url(origin, parseObsPath(source, 'source'), process);
  }

  /** `take` of the object version head answered; when it was replaced before its source was read, of the new one. */
  private async newest<T>(bucket: string, info: ObjectInfo, take: (version: ObjectInfo) => Promise<T>): Promise<{ thumb: T; shown: ObjectInfo }> {
    try {
      return { thumb: await take(info), shown: info };
    } catch (e) {
      if (!(e instanceof ObjectChangedError)) throw e;
      return this.ofNewVersion(bucket, info.key, take);
    }
  }

  private async ofNewVersion<T>(bucket: string, key: string, take: (version: ObjectInfo) => Promise<T>): Promise<{ thumb: T; shown: ObjectInfo }> {
    const now = await this.store.head(bucket, key);
    if (!now) throw new ObjectNotFoundError(bucket, key);
    return { thumb: await take(now), shown: now };
  }

  /** A sheet's previews, made together where the cache can (as `newest` each: one replaced since its head shows its new version). */
  private async previews(
    items: ReadonlyArray<{ bucket: string; info: ObjectInfo }>,
    resize: Resize,
    signal?: AbortSignal,
  ): Promise<Array<PromiseSettledResult<SheetPreview>>> {
    const got = await this.thumbnails.tiles(items, resize, signal);
    return Promise.allSettled(
      got.map((g, i) => {
        const { bucket, info } = items[i]!;
        if (g.status === 'fulfilled') return Promise.resolve({ thumb: g.value, shown: info });
        if (!(g.reason instanceof ObjectChangedError)) return Promise.reject(g.reason as Error);
        return this.ofNewVersion(bucket, info.key, (v) => this.thumbnails.tile(bucket, v, resize, signal));
      }),
    );
  }

  /** Answers a request for a URL: the object (or its resized image) when the signature names it and has not expired. */
  async open(req: ObjectUrlRequest): Promise<ObjectAnswer> {
    const process = req.process ?? '';
    if (!this.signer.verify({ bucket: req.bucket, key: req.key, process, expires: req.expires }, req.signature)) {
      throw objectUrlErrors.refused('the URL signature does not match what it names');
    }
    const left = req.expires - Math.floor(this.clock.now() / 1000);
    if (left < 0) throw objectUrlErrors.refused(`the URL expired at ${new Date(req.expires * 1000).toISOString()}`);
    checkObjectKey(req.bucket, req.key, 'path');
    if (req.key === '' || req.key.endsWith('/')) throw errors.badParam('path: a folder is no object');
    const info = await this.store.head(req.bucket, req.key);
    if (!info) throw new ObjectNotFoundError(req.bucket, req.key);
    const common: Record<string, string> = {
      'cache-control': `private, max-age=${left}`,
      // Objects are user content: never run as a page of this origin, never sniffed into another type.
      'content-security-policy': 'sandbox',
      'x-content-type-options': 'nosniff',
    };

    if (process) {
      const resize = parseImageProcess(process, 'query.x-image-process');
      const { thumb, shown } = await this.newest(req.bucket, info, (v) => this.thumbnails.get(req.bucket, v, resize));
      const etag = `"${shown.etag}-${Buffer.from(process).toString('base64url')}"`;
      if (req.ifNoneMatch === etag) return { status: 304, headers: { ...common, etag } };
      return { status: 200, headers: { ...common, etag, 'content-type': thumb.contentType, 'content-length': String(thumb.data.length) }, body: thumb.data };
    }

    const etag = `"${info.etag}"`;
    if (req.ifNoneMatch === etag) return { status: 304, headers: { ...common, etag } };
    const headers = {
      ...common,
      etag,
      'accept-ranges': 'bytes',
      'last-modified': info.lastModified.toUTCString(),
      'content-type': info.contentType ?? 'application/octet-stream',
    };
    const range = byteRange(req.range, info.size);
    if (range) {
      const body = await this.store.get(req.bucket, req.key, range);
      return {
        status: 206,
        headers: { ...headers, 'content-range': `bytes ${range.start}-${range.end}/${info.size}`, 'content-length': String(range.end! - range.start + 1) },
        body,
      };
    }
    return { status: 200, headers: { ...headers, 'content-length': String(info.size) }, body: await this.store.get(req.bucket, req.key) };
  }
}
