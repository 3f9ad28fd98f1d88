// Resized images (sample previews), made by sharp and kept in a disk cache under the data directory.
// An entry is named by the object's identity (ETag, size, time) and the resize, so a changed object
// gets a new thumbnail and the old one ages out. The cache holds at most CACHE_BUDGET_BYTES: past
// that, the entries used longest ago go. Requests for one thumbnail share its making, and at most
// MAX_JOBS resizes run at once (one per core), so a page of previews cannot take more than the
// machine has. Reading a source waits on the disk, not the CPU, so it overlaps other resizes; at most
// 2 x MAX_JOBS makings are under way, which bounds the sources held in memory. The source is read as
// the version head answered (no second head), and small entries are looked up and written without
// libuv's thread pool, whose trips each wait for a turn of a busy event loop (see storage/fs-io.ts).
// An opaque preview is resized to pixels first: a thumbnail sheet takes them as they are, and when
// only sheets asked for it the JPEG of its entry is encoded later, once no resize has started for
// QUIET_MS (cpu-turns.ts), so neither a sheet's answer nor the browser drawing it shares the cores
// with entry encodes. Until its entry is written, later requests share the making (one that needs
// the entry's image has its encode started at once). A sheet asks for its previews together: the
// small sources among them are read in one turn, and those of one size made in one pipeline.
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { Gate, QuietQueue, type Later } from './cpu-turns.ts';
import { objectUrlErrors } from './errors.ts';
import { joinedResize, joinKey, MAX_JOINED } from './joined-resize.ts';
import type { ObjectInfo, ObjectStore } from '#src/storage/object-store.ts';
import type { Resize } from './image-process.ts';
import { resizeKey } from './image-process.ts';

export const CACHE_BUDGET_BYTES = 256 * 1024 * 1024;
/** Images larger than this are not read to make a thumbnail. */
export const MAX_SOURCE_BYTES = 64 * 1024 * 1024;
/** Decoded pixels sharp may allocate for one source (about 8k x 6k). */
const MAX_SOURCE_PIXELS = 50_000_000;
const MAX_JOBS = Math.max(2, availableParallelism());
/** A cache hit refreshes an entry's time at most this often (its time orders the eviction). */
const TOUCH_AFTER_MS = 3_600_000;
/** Entries up to this size are read without the thread pool (a warm read of a small file takes microseconds). */
const INLINE_ENTRY_BYTES = 1024 * 1024;

export interface Thumbnail {
  data: Buffer;
  contentType: 'image/jpeg' | 'image/png';
}

/** A preview's decoded pixels: 8-bit sRGB, 3 channels a pixel, row after row. */
export interface Pixels {
  data: Buffer;
  width: number;
  height: number;
}

/** A preview as a sheet takes it: the pixels of one just made, or the image of the cache. */
export type PreviewTile = { pixels: Pixels } | { thumb: Thumbnail };

interface Making {
  /** Absent for a preview with transparency (kept as a PNG). */
  pixels?: Pixels;
  /** The entry's image; it is on disk (or could not be written) once this settles. */
  thumb: Promise<Thumbnail>;
  /** Starts a deferred entry encode now (someone waits for the image). */
  urge?: () => void;
}

/** Pixels held by deferred entry encodes, at most; past this, an encode waits its turn as a resize does. */
const MAX_DEFERRED_BYTES = 32 * 1024 * 1024;
/** Deferred entry encodes start once no resize has started for this long (a view's sheets, and the browser drawing them, come first). */
const QUIET_MS = 300;

/** Sources up to this size are read in a sheet's batch (a larger one is no small image a join would take). */
const JOIN_SOURCE_BYTES = 512 * 1024;

/** A making in a sheet's batch, settled by makeTogether. */
interface Batched {
  bucket: string;
  info: ObjectInfo;
  name: string;
  file: string;
  resolve: (m: Making | Promise<Making>) => void;
  reject: (e: unknown) => void;
}

/** A making not started because every request that waited for it was aborted. */
export class PreviewUnwanted extends Error {}

const typeOf = (data: Buffer): Thumbnail['contentType'] => (data[0] === 0x89 && data[1] === 0x50 ? 'image/png' : 'image/jpeg');

/** The resized image: an opaque one as pixels (encoded by `encoded`), one with transparency as its PNG. */
async function resized(source: Buffer, resize: Resize): Promise<{ pixels: Pixels } | { thumb: Thumbnail }> {
  const image = sharp(source, { limitInputPixels: MAX_SOURCE_PIXELS, failOn: 'error' });
  // A JPEG has no alpha channel: no need to read its header before resizing (one pass less per preview).
  const jpeg = source[0] === 0xff && source[1] === 0xd8 && source[2] === 0xff;
  const alpha = jpeg ? false : (await image.metadata()).hasAlpha;
  const fit = { lfit: 'inside', mfit: 'outside', fill: 'cover', fixed: 'fill' } as const;
  const out = image.rotate().resize({
    ...(resize.width !== undefined ? { width: resize.width } : {}),
    ...(resize.height !== undefined ? { height: resize.height } : {}),
    fit: fit[resize.mode],
    withoutEnlargement: resize.mode === 'lfit' || resize.mode === 'mfit',
  });
  if (alpha) return { thumb: { data: await out.png({ compressionLevel: 6 }).toBuffer(), contentType: 'image/png' } };
  const { data, info } = await out.toColourspace('srgb').removeAlpha().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`${info.channels} channels after conversion to sRGB`);
  return { pixels: { data, width: info.width, height: info.height } };
}

const encoded = async (p: Pixels): Promise<Thumbnail> => ({
  data: await sharp(p.data, { raw: { width: p.width, height: p.height, channels: 3 } })
    .jpeg({ quality: 80 })
    .toBuffer(),
  contentType: 'image/jpeg',
});

export class ThumbnailCache {
  private readonly making = new Map<string, Promise<Making>>();
  /** Makings in progress (a source read and resized); bounds the sources held in memory. */
  private readonly jobs = new Gate(2 * MAX_JOBS);
  /** Resizes and encodes running: the CPU-bound part. */
  private readonly cpu = new Gate(MAX_JOBS);
  /** Entry encodes of previews only sheets asked for, and the bytes of pixels they hold. */
  private readonly later: QuietQueue;
  private deferred = 0;
  /** The signals of the requests waiting for each making not started yet; null when one of them has none. */
  private readonly wanted = new Map<string, AbortSignal[] | null>();
  /** Bytes in the cache folder, once counted (lazily, on the first write). */
  private bytes: number | undefined;
  /** The budget's bookkeeping after writes, one at a time. */
  private trimming: Promise<void> = Promise.resolve();

  constructor(
    private readonly dir: string,
    private readonly store: ObjectStore,
    private readonly budget = CACHE_BUDGET_BYTES,
    quietMs = QUIET_MS,
  ) {
    this.later = new QuietQueue(quietMs);
  }

  /** The resized image of the object `info` (head's answer) in `bucket`. */
  async get(bucket: string, info: ObjectInfo, resize: Resize): Promise<Thumbnail> {
    const found = await this.lookup(bucket, info, resize, false);
    if ('cached' in found) return found.cached;
    found.making.urge?.();
    return found.making.thumb;
  }

  /**
   * The same preview for a sheet: the pixels when it is made now, without waiting for its entry's
   * encode. Once `signal` is aborted (the sheet's request is gone) a making not started yet that no
   * other request waits for is not started at all: it fails with PreviewUnwanted.
   */
  async tile(bucket: string, info: ObjectInfo, resize: Resize, signal?: AbortSignal): Promise<PreviewTile> {
    const found = await this.lookup(bucket, info, resize, true, signal);
    if ('cached' in found) return { thumb: found.cached };
    return found.making.pixels ? { pixels: found.making.pixels } : { thumb: await found.making.thumb };
  }

  private async lookup(
    bucket: string,
    info: ObjectInfo,
    resize: Resize,
    forSheet: boolean,
    signal?: AbortSignal,
  ): Promise<{ cached: Thumbnail } | { making: Making }> {
    const found = await this.find(bucket, info, resize, signal, (name, file) => this.start(bucket, info, resize, name, file, forSheet, signal));
    return 'cached' in found ? found : { making: await found.making };
  }

  /**
   * The cache entry, or the making under way (which the request joins), or the one `start` begins:
   * called in the same turn as the check that none is under way, so no two requests both begin one.
   */
  private async find(
    bucket: string,
    info: ObjectInfo,
    resize: Resize,
    signal: AbortSignal | undefined,
    start: (name: string, file: string) => Promise<Making>,
  ): Promise<{ cached: Thumbnail } | { making: Promise<Making> }> {
    const { name, file } = this.entryOf(bucket, info, resize);
    const inFlight = this.making.get(name);
    if (inFlight) {
      this.join(name, signal);
      return { making: inFlight };
    }
    const cached = await this.read(file);
    if (cached) return { cached };
    // Another request may have started it while the entry was looked for.
    const started = this.making.get(name);
    if (started) {
      this.join(name, signal);
      return { making: started };
    }
    return { making: start(name, file) };
  }

  /** A making on its own, in its turn. */
  private start(
    bucket: string,
    info: ObjectInfo,
    resize: Resize,
    name: string,
    file: string,
    forSheet: boolean,
    signal: AbortSignal | undefined,
  ): Promise<Making> {
    const job = this.jobs.run(() => {
      this.stillWanted(name, bucket, info);
      return this.make(bucket, info, resize, file, forSheet);
    });
    this.register(name, job, signal);
    return job;
  }

  /**
   * The previews of several objects for one sheet, as `tile` gives each (each settles on its own).
   * Small sources not in the cache are read in one turn and those of one size made together
   * (joined-resize.ts); the others are made as `tile` makes them.
   */
  async tiles(
    items: ReadonlyArray<{ bucket: string; info: ObjectInfo }>,
    resize: Resize,
    signal?: AbortSignal,
  ): Promise<Array<PromiseSettledResult<PreviewTile>>> {
    const batch: Batched[] = [];
    const found = await Promise.allSettled(
      items.map(async ({ bucket, info }): Promise<{ cached: Thumbnail } | { making: Promise<Making> }> => {
        const alone = resize.mode !== 'fill' || !resize.width || !resize.height || info.size > JOIN_SOURCE_BYTES;
        return this.find(bucket, info, resize, signal, (name, file) => {
          if (alone) return this.start(bucket, info, resize, name, file, true, signal);
          const item = { bucket, info, name, file } as Batched;
          const job = new Promise<Making>((resolve, reject) => Object.assign(item, { resolve, reject }));
          this.register(name, job, signal);
          batch.push(item);
          return job;
        });
      }),
    );
    if (batch.length > 0) {
      const tile = { width: resize.width!, height: resize.height! };
      void this.jobs.run(() => this.makeTogether(batch, resize, tile)).catch((e: unknown) => batch.forEach((b) => b.reject(e)));
    }
    return Promise.allSettled(
      found.map(async (f) => {
        if (f.status === 'rejected') throw f.reason;
        if ('cached' in f.value) return { thumb: f.value.cached };
        const m = await f.value.making;
        return m.pixels ? { pixels: m.pixels } : { thumb: await m.thumb };
      }),
    );
  }

  /** Makes a batch of `tiles`: sources read, those of one size resized together, the rest one by one. */
  private async makeTogether(batch: Batched[], resize: Resize, tile: { width: number; height: number }): Promise<void> {
    const read: Array<Batched & { source: Buffer }> = [];
    for (const b of batch) {
      try {
        this.stillWanted(b.name, b.bucket, b.info);
        // The version head answered (ObjectChangedError when it was replaced since).
        read.push({ ...b, source: await this.store.readBuffer(b.bucket, b.info.key, MAX_SOURCE_BYTES, b.info) });
      } catch (e) {
        b.reject(e);
      }
    }
    const keys = await Promise.all(read.map((r) => joinKey(r.source, tile, MAX_SOURCE_PIXELS).catch(() => undefined)));
    const groups = new Map<string, Array<Batched & { source: Buffer }>>();
    const alone: Array<Batched & { source: Buffer }> = [];
    read.forEach((r, i) => {
      const key = keys[i];
      if (key === undefined) alone.push(r);
      else groups.set(key, [...(groups.get(key) ?? []), r]);
    });
    const runs: Array<Promise<unknown>> = [];
    for (const [key, members] of groups) {
      const [width, height] = key.split('x').map(Number) as [number, number];
      // In parts of about equal size.
      const size = Math.ceil(members.length / Math.ceil(members.length / MAX_JOINED));
      for (let at = 0; at < members.length; at += size) {
        const part = members.slice(at, at + size);
        if (part.length < 2) {
          alone.push(...part);
          continue;
        }
        const made = this.cpu.run(() => {
          this.later.busy();
          return joinedResize(
            part.map((p) => p.source),
            width,
            height,
            tile,
          );
        });
        runs.push(
          made.then(
            (pixels) => part.forEach((p, k) => p.resolve(this.settle(p.file, { pixels: pixels[k]! }, true))),
            // One source the join refuses (a damaged JPEG): each made alone, so only that one fails.
            () => Promise.all(part.map((p) => this.fromSource(p.bucket, p.info, resize, p.file, true, p.source).then(p.resolve, p.reject))),
          ),
        );
      }
    }
    for (const p of alone) runs.push(this.fromSource(p.bucket, p.info, resize, p.file, true, p.source).then(p.resolve, p.reject));
    await Promise.all(runs);
  }

  private entryOf(bucket: string, info: ObjectInfo, resize: Resize): { name: string; file: string } {
    const name = createHash('sha256')
      .update([bucket, info.key, info.etag, info.size, info.lastModified.getTime(), resizeKey(resize)].join('\n'))
      .digest('hex');
    return { name, file: join(this.dir, name) };
  }

  /** A making shared until its entry is written (or failed), so no request meanwhile makes it again. */
  private register(name: string, job: Promise<Making>, signal: AbortSignal | undefined): void {
    this.wanted.set(name, signal ? [signal] : null);
    this.making.set(name, job);
    void job
      .then((m) => m.thumb)
      .catch(() => undefined)
      .finally(() => this.making.delete(name))
      .catch(() => undefined);
  }

  /** At a making's start: PreviewUnwanted when every request that waited for it is gone. */
  private stillWanted(name: string, bucket: string, info: ObjectInfo): void {
    const wanted = this.wanted.get(name);
    this.wanted.delete(name);
    if (wanted?.every((s) => s.aborted)) throw new PreviewUnwanted(`/${bucket}/${info.key}: every request for this preview is gone`);
  }

  /** Adds a request to those waiting for a making not started yet (one without a signal waits whatever happens). */
  private join(name: string, signal: AbortSignal | undefined): void {
    const wanted = this.wanted.get(name);
    if (!wanted) return;
    if (signal) wanted.push(signal);
    else this.wanted.set(name, null);
  }

  /** A cache entry, when there is one: whole (written by rename), usually small enough to read without the thread pool. */
  private async read(file: string): Promise<Thumbnail | undefined> {
    try {
      const st = statSync(file);
      const data = st.size <= INLINE_ENTRY_BYTES ? readFileSync(file) : await readFile(file);
      if (Date.now() - st.mtimeMs > TOUCH_AFTER_MS) await utimes(file, new Date(), new Date()).catch(() => undefined);
      return { data, contentType: typeOf(data) };
    } catch {
      return undefined;
    }
  }

  private async make(bucket: string, info: ObjectInfo, resize: Resize, file: string, forSheet: boolean): Promise<Making> {
    if (info.size > MAX_SOURCE_BYTES) throw objectUrlErrors.unreadableSample(`/${bucket}/${info.key}: ${info.size} bytes is too large to make a preview of`);
    // The version head answered, read without heading it again (ObjectChangedError when it was replaced since).
    const source = await this.store.readBuffer(bucket, info.key, MAX_SOURCE_BYTES, info);
    return this.fromSource(bucket, info, resize, file, forSheet, source);
  }

  private async fromSource(bucket: string, info: ObjectInfo, resize: Resize, file: string, forSheet: boolean, source: Buffer): Promise<Making> {
    let made: Awaited<ReturnType<typeof resized>>;
    try {
      made = await this.cpu.run(() => {
        this.later.busy();
        return resized(source, resize);
      });
    } catch (e) {
      throw objectUrlErrors.unreadableSample(`/${bucket}/${info.key} is not an image a preview can be made of: ${e instanceof Error ? e.message : String(e)}`);
    }
    return this.settle(file, made, forSheet);
  }

  /** A made preview's entry: written now, or (for a sheet's pixels) encoded once the CPU is quiet. */
  private async settle(file: string, made: Awaited<ReturnType<typeof resized>>, forSheet: boolean): Promise<Making> {
    // A failed write only means the next request makes it again.
    if ('thumb' in made) {
      await this.keep(file, made.thumb.data).catch(() => undefined);
      return { thumb: Promise.resolve(made.thumb) };
    }
    const { pixels } = made;
    const held = pixels.data.length;
    const write = async (t: Thumbnail) => {
      await this.keep(file, t.data).catch(() => undefined);
      return t;
    };
    if (!forSheet || this.deferred + held > MAX_DEFERRED_BYTES) {
      const thumb = this.cpu.run(() => encoded(pixels)).then(write);
      if (!forSheet) await thumb;
      // A sheet does not wait for it: a failure here is only the next request's making again.
      else void thumb.catch(() => undefined);
      return { pixels, thumb };
    }
    this.deferred += held;
    const later: Later<Thumbnail> = this.later.add(() => this.cpu.run(() => encoded(pixels)));
    const thumb = later.result.finally(() => (this.deferred -= held)).then(write);
    void thumb.catch(() => undefined);
    return { pixels, thumb, urge: later.urge };
  }

  /**
   * Writes an entry, whole (by rename). A small one is written without the thread pool: three calls
   * into the page cache take microseconds, where each trip through the pool waits for a turn of the
   * event loop, and the answer waits for the entry. The budget is kept after, in the background.
   */
  private async keep(file: string, data: Buffer): Promise<void> {
    const tmp = join(this.dir, `.tmp-${randomUUID()}`);
    try {
      if (data.length <= INLINE_ENTRY_BYTES) {
        mkdirSync(this.dir, { recursive: true });
        writeFileSync(tmp, data);
        renameSync(tmp, file);
      } else {
        await mkdir(this.dir, { recursive: true });
        await writeFile(tmp, data);
        await rename(tmp, file);
      }
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
    this.trimming = this.trimming.then(() => this.count(data.length)).catch(() => undefined);
  }

  /** Adds an entry's bytes to the count (counting the folder the first time) and trims to the budget. */
  private async count(added: number): Promise<void> {
    this.bytes = (this.bytes ?? (await this.total())) + added;
    if (this.bytes > this.budget) await this.evict();
  }

  private async entries(): Promise<{ file: string; size: number; mtimeMs: number }[]> {
    const out: { file: string; size: number; mtimeMs: number }[] = [];
    for (const name of await readdir(this.dir).catch(() => [] as string[])) {
      const file = join(this.dir, name);
      const st = await stat(file).catch(() => undefined);
      if (st?.isFile()) out.push({ file, size: st.size, mtimeMs: st.mtimeMs });
    }
    return out;
  }

  private async total(): Promise<number> {
    return (await this.entries()).reduce((n, e) => n + e.size, 0);
  }

  /** Removes the entries used longest ago until the cache is at 80% of its budget. */
  private async evict(): Promise<void> {
    const all = (await this.entries()).sort((a, b) => a.mtimeMs - b.mtimeMs);
    let total = all.reduce((n, e) => n + e.size, 0);
    for (const e of all) {
      if (total <= this.budget * 0.8) break;
      await rm(e.file, { force: true });
      total -= e.size;
    }
    this.bytes = total;
  }
}
