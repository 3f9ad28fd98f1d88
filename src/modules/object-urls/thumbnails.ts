// Resized images (sample previews), made by sharp and kept in a disk cache under the data directory.
// An entry is named by the object's identity (ETag, size, time) and the resize, so a changed object
// gets a new thumbnail and the old one ages out. The cache holds at most CACHE_BUDGET_BYTES: past
// that, the entries used longest ago go. Requests for one thumbnail share its making, and at most
// MAX_JOBS resizes run at once (one per core), so a page of previews cannot take more than the
// machine has. Reading a source and writing its entry wait on the disk, not the CPU, so they overlap
// other resizes; at most 2 x MAX_JOBS makings are under way, which bounds the sources held in memory.
// An image is answered once resized; its file is written after. The previews a client is about to
// ask for can be made ahead, in the background, behind every image a client already waits for.
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { objectUrlErrors } from './errors.ts';
import type { ObjectInfo, ObjectStore } from '#src/storage/object-store.ts';
import type { Resize } from './image-process.ts';
import { resizeKey } from './image-process.ts';

export const CACHE_BUDGET_BYTES = 256 * 1024 * 1024;
/** Images larger than this are not read to make a thumbnail. */
export const MAX_SOURCE_BYTES = 64 * 1024 * 1024;
/** Decoded pixels sharp may allocate for one source (about 8k x 6k). */
const MAX_SOURCE_PIXELS = 50_000_000;
const MAX_JOBS = Math.max(2, availableParallelism());
/** Background makings that may wait at once; past that, ahead() asks for nothing more. */
const MAX_AHEAD = 400;
/** A cache hit refreshes an entry's time at most this often (its time orders the eviction). */
const TOUCH_AFTER_MS = 3_600_000;

export interface Thumbnail {
  data: Buffer;
  contentType: 'image/jpeg' | 'image/png';
}

const typeOf = (data: Buffer): Thumbnail['contentType'] => (data[0] === 0x89 && data[1] === 0x50 ? 'image/png' : 'image/jpeg');

/** A place in a gate's queue; a background one waits behind every foreground one until promoted. */
interface Turn {
  background: boolean;
  go?: () => void;
}

/**
 * At most `size` tasks run at once; the others wait their turn, in order, foreground ones (a client
 * waits on them) before background ones.
 */
class Gate {
  private readonly waiting: Turn[] = [];
  private readonly later: Turn[] = [];
  private running = 0;

  constructor(private readonly size: number) {}

  /** Background tasks waiting. */
  get backlog(): number {
    return this.later.length;
  }

  async run<T>(fn: () => Promise<T>, turn: Turn = { background: false }): Promise<T> {
    if (this.running >= this.size) {
      await new Promise<void>((resolve) => {
        turn.go = resolve;
        (turn.background ? this.later : this.waiting).push(turn);
      });
    } else this.running++;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift() ?? this.later.shift();
      if (next) next.go!();
      else this.running--;
    }
  }

  /** A background task a client now waits on queues with the foreground ones. */
  promote(turn: Turn): void {
    if (!turn.background) return;
    turn.background = false;
    const at = this.later.indexOf(turn);
    if (at >= 0) this.waiting.push(...this.later.splice(at, 1));
  }
}

async function resized(source: Buffer, resize: Resize): Promise<Thumbnail> {
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
  return alpha
    ? { data: await out.png({ compressionLevel: 6 }).toBuffer(), contentType: 'image/png' }
    : { data: await out.jpeg({ quality: 80 }).toBuffer(), contentType: 'image/jpeg' };
}

export class ThumbnailCache {
  private readonly making = new Map<string, { thumb: Promise<Thumbnail>; turn: Turn }>();
  /** Makings in progress (a source read, resized and written); bounds the sources held in memory. */
  private readonly jobs = new Gate(2 * MAX_JOBS);
  /** Resizes running: the CPU-bound part. */
  private readonly cpu = new Gate(MAX_JOBS);
  /** Bytes in the cache folder, once counted (lazily, on the first write). */
  private bytes: number | undefined;
  private folderMade = false;

  constructor(
    private readonly dir: string,
    private readonly store: ObjectStore,
    private readonly budget = CACHE_BUDGET_BYTES,
  ) {}

  /** The resized image of the object `info` (head's answer) in `bucket`. */
  async get(bucket: string, info: ObjectInfo, resize: Resize): Promise<Thumbnail> {
    const name = this.nameOf(bucket, info, resize);
    const joined = this.join(name);
    if (joined) return joined;
    const cached = await this.read(join(this.dir, name));
    if (cached) return cached;
    // Another request may have started it while the cache was read.
    return this.join(name) ?? this.start(name, bucket, info, resize, { background: false }).thumb;
  }

  /** The making of `name` under way, moved ahead of the background ones: a client waits on it now. */
  private join(name: string): Promise<Thumbnail> | undefined {
    const inFlight = this.making.get(name);
    if (inFlight) this.jobs.promote(inFlight.turn);
    return inFlight?.thumb;
  }

  /**
   * Makes the resized image in the background, behind every image a client waits for, unless it is
   * made, on its way, or MAX_AHEAD others already wait: for the previews a client is about to ask for.
   */
  ahead(bucket: string, info: ObjectInfo, resize: Resize): void {
    const name = this.nameOf(bucket, info, resize);
    if (this.making.has(name) || this.jobs.backlog >= MAX_AHEAD) return;
    // A failure is the client's to see when it asks; nothing waits on this one.
    this.start(name, bucket, info, resize, { background: true }).thumb.catch(() => undefined);
  }

  private nameOf(bucket: string, info: ObjectInfo, resize: Resize): string {
    return createHash('sha256')
      .update([bucket, info.key, info.etag, info.size, info.lastModified.getTime(), resizeKey(resize)].join('\n'))
      .digest('hex');
  }

  /**
   * One making: answered as soon as the image is resized; its entry stays in `making` until the file
   * is written, so no second making starts meanwhile.
   */
  private start(name: string, bucket: string, info: ObjectInfo, resize: Resize, turn: Turn): { thumb: Promise<Thumbnail>; turn: Turn } {
    const file = join(this.dir, name);
    const thumb = this.jobs.run(async () => (turn.background ? await this.read(file) : undefined) ?? this.make(bucket, info, resize), turn);
    const entry = { thumb, turn };
    this.making.set(name, entry);
    void thumb
      .then((t) => this.keep(file, t.data))
      .catch(() => undefined)
      .finally(() => this.making.delete(name));
    return entry;
  }

  private async read(file: string): Promise<Thumbnail | undefined> {
    try {
      const [data, st] = await Promise.all([readFile(file), stat(file)]);
      if (Date.now() - st.mtimeMs > TOUCH_AFTER_MS) await utimes(file, new Date(), new Date()).catch(() => undefined);
      return { data, contentType: typeOf(data) };
    } catch {
      return undefined;
    }
  }

  private async make(bucket: string, info: ObjectInfo, resize: Resize): Promise<Thumbnail> {
    if (info.size > MAX_SOURCE_BYTES) throw objectUrlErrors.unreadableSample(`/${bucket}/${info.key}: ${info.size} bytes is too large to make a preview of`);
    const source = await this.store.readBuffer(bucket, info.key, MAX_SOURCE_BYTES);
    try {
      return await this.cpu.run(() => resized(source, resize));
    } catch (e) {
      throw objectUrlErrors.unreadableSample(`/${bucket}/${info.key} is not an image a preview can be made of: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** Waits for the cache files being written (tests look at the folder). */
  async settled(): Promise<void> {
    while (this.making.size > 0) await new Promise((resolve) => setTimeout(resolve, 5));
  }

  /** Writes an entry (whole, by rename) and trims the cache to its budget. */
  private async keep(file: string, data: Buffer): Promise<void> {
    if (!this.folderMade) await mkdir(this.dir, { recursive: true });
    this.folderMade = true;
    const tmp = join(this.dir, `.tmp-${randomUUID()}`);
    await writeFile(tmp, data);
    await rename(tmp, file);
    this.bytes = (this.bytes ?? (await this.count())) + data.length;
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

  private async count(): Promise<number> {
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
