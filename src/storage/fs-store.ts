import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream, lstat as lstatCallback, lstatSync, type Stats } from 'node:fs';
import { copyFile, mkdir, open, rm, rmdir, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { errors } from '#src/core/errors.ts';
import { FOLDER_CONTENT_TYPE, contentTypeOf } from './content-types.ts';
import { listFolder, PLACING_PREFIX } from './fs-list.ts';
import { inline, INLINE_PUT_BYTES, INLINE_READ_BYTES, threadPool, type FsIo } from './fs-io.ts';
import { FsMetaStore } from './fs-meta.ts';
import { removeTempLeftovers, tempName } from './fs-temp.ts';
import { checkObjectKey, checkObjectPath } from './obs-path.ts';
import {
  BaseObjectStore,
  ObjectChangedError,
  ObjectExistsError,
  ObjectNotFoundError,
  ObjectTooLargeError,
  checkRange,
  clampMaxKeys,
  mapLimit,
  toStream,
  type Body,
  type ByteRange,
  type ListOptions,
  type ListResult,
  type LocalFile,
  type ObjectInfo,
  type ObjectRef,
  type ObjectStat,
  type PutOptions,
} from './object-store.ts';

const EMPTY_MD5 = createHash('md5').digest('hex');

function errnoOf(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}

const isNotFound = (e: unknown): boolean => errnoOf(e) === 'ENOENT' || errnoOf(e) === 'ENOTDIR';

/** File-system refusals a key can cause, as 400s; anything else is rethrown. */
function keyClash(e: unknown, key: string): unknown {
  const code = errnoOf(e) ?? '';
  if (code === 'ENOTDIR' || code === 'EEXIST') {
    return errors.badParam(`object key: a folder on the way to "${key}" is an object (the fs store cannot hold both)`);
  }
  if (code === 'EISDIR' || code === 'ENOTEMPTY' || code === 'ERR_FS_EISDIR') {
    return errors.badParam(`object key: "${key}" is a folder (the fs store cannot hold both)`);
  }
  if (code === 'ENAMETOOLONG') return errors.badParam(`object key: a segment of "${key}" is too long for the file system`);
  return e;
}

/**
 * Bucket B is the folder <root>/B and object key K the file <root>/B/K, so files dropped there are
 * objects at once and a folder is a prefix. Writes go to <root>/.tmp first (no bucket name can start
 * with '.') and are renamed into place, so a reader never sees half an object; a create-only put
 * (ifAbsent) is linked into place instead, which fails when the name is taken. Temp files a stopped
 * process left behind are removed when a store opens the folder.
 */
export class FsObjectStore extends BaseObjectStore {
  readonly kind = 'fs' as const;
  private readonly root: string;
  private readonly tmpDir: string;
  private readonly meta: FsMetaStore;

  constructor(
    root: string,
    private readonly opts: { syncStatBudgetMs?: number } = {},
  ) {
    super();
    this.root = resolve(root);
    this.tmpDir = join(this.root, '.tmp');
    this.meta = new FsMetaStore(join(this.root, '.meta'), this.tmpDir);
    removeTempLeftovers(this.tmpDir);
  }

  private bucketDir(bucket: string): string {
    return join(this.root, bucket);
  }

  /**
   * The path of a key. Keys are already checked, so the path is lexically inside the bucket folder;
   * this also refuses symlinks on the way that lead out of it (the bucket folder itself may be a
   * symlink: its target is the bucket).
   */
  private async pathOf(bucket: string, key: string, io: FsIo = threadPool): Promise<string> {
    const bucketDir = this.bucketDir(bucket);
    const file = join(bucketDir, key);
    const realBucket = await io.realpath(bucketDir).catch((e: unknown) => {
      if (isNotFound(e)) return undefined;
      throw e;
    });
    if (realBucket === undefined) return file;
    for (let probe = file; probe.length > bucketDir.length; probe = dirname(probe)) {
      let real: string;
      try {
        real = await io.realpath(probe);
      } catch (e) {
        if (!isNotFound(e)) throw keyClash(e, key);
        // A dangling symlink could be made to point anywhere before it is written through.
        if ((await io.lstat(probe).catch(() => undefined))?.isSymbolicLink()) throw errors.badParam(`object key: "${key}" passes a broken symlink`);
        continue;
      }
      if (real !== realBucket && !real.startsWith(realBucket + sep)) throw errors.badParam(`object key: "${key}" leads outside its bucket`);
      return file;
    }
    return file;
  }

  async ensureBucket(bucket: string): Promise<void> {
    checkObjectPath(bucket, '', 'bucket');
    await inline.mkdir(this.bucketDir(bucket), { recursive: true });
  }

  async bucketExists(bucket: string): Promise<boolean> {
    checkObjectPath(bucket, '', 'bucket');
    return (await this.statOf(this.bucketDir(bucket), inline))?.isDirectory() ?? false;
  }

  private async infoOf(bucket: string, key: string, st: Stats, io: FsIo = threadPool): Promise<ObjectInfo | null> {
    if (key.endsWith('/')) {
      return st.isDirectory() ? { key, size: 0, etag: EMPTY_MD5, lastModified: st.mtime, contentType: FOLDER_CONTENT_TYPE } : null;
    }
    if (!st.isFile()) return null;
    const m = await this.meta.read(bucket, key, st, io);
    return { key, size: st.size, etag: m.etag, lastModified: st.mtime, contentType: m.contentType ?? contentTypeOf(key) };
  }

  private async statOf(file: string, io: FsIo = threadPool): Promise<Stats | null> {
    try {
      return await io.stat(file);
    } catch (e) {
      if (isNotFound(e)) return null;
      throw e;
    }
  }

  private async mkdirs(dir: string, key: string, io: FsIo = threadPool): Promise<void> {
    await io.mkdir(dir, { recursive: true }).catch((e: unknown) => {
      throw keyClash(e, key);
    });
  }

  /**
   * Moves a finished temp file to its key; returns the placed file's identity. Exclusive: a hard link
   * (which never replaces a name) instead of a rename, so of two writers of one key only the first
   * succeeds and the other gets ObjectExistsError, its file never having been visible.
   */
  private async place(tmp: string, file: string, bucket: string, key: string, exclusive: boolean, io: FsIo = threadPool): Promise<Stats> {
    await this.mkdirs(dirname(file), key, io);
    const move = async (from: string): Promise<void> => {
      if (!exclusive) return io.rename(from, file);
      try {
        await io.link(from, file);
      } catch (e) {
        if (errnoOf(e) === 'EEXIST') throw new ObjectExistsError(bucket, key);
        throw e;
      }
      await io.rm(from, { force: true });
    };
    try {
      const st = await io.stat(tmp);
      await move(tmp);
      return st;
    } catch (e) {
      if (e instanceof ObjectExistsError) throw e;
      if (errnoOf(e) !== 'EXDEV') throw keyClash(e, key);
    }
    // The bucket folder is a symlink to another file system: copy next to the target, then move.
    const near = join(dirname(file), `${PLACING_PREFIX}${randomUUID()}`);
    try {
      await copyFile(tmp, near);
      const st = await stat(near);
      await move(near);
      return st;
    } catch (e) {
      await rm(near, { force: true });
      throw e instanceof ObjectExistsError ? e : keyClash(e, key);
    } finally {
      await rm(tmp, { force: true });
    }
  }

  private async putFolder(bucket: string, key: string, file: string, body: Body): Promise<ObjectInfo> {
    const source = toStream(body);
    for await (const chunk of source) {
      if ((chunk as Buffer | string).length > 0) {
        source.destroy();
        throw errors.badParam(`object key: "${key}" ends with "/", a folder, and cannot hold data`);
      }
    }
    await this.mkdirs(file, key);
    return (await this.infoOf(bucket, key, await stat(file)))!;
  }

  async put(bucket: string, key: string, body: Body, opts: PutOptions = {}): Promise<ObjectInfo> {
    checkObjectKey(bucket, key, 'object key');
    // A small body is put without the thread pool (see fs-io.ts); a stream or a big body through it.
    const bytes = typeof body === 'string' ? Buffer.from(body) : Buffer.isBuffer(body) ? body : undefined;
    const small = bytes !== undefined && bytes.length <= INLINE_PUT_BYTES ? bytes : undefined;
    const io = small ? inline : threadPool;
    const file = await this.pathOf(bucket, key, io);
    if (key.endsWith('/')) return this.putFolder(bucket, key, file, body);
    // Cheap early answer; the link in place() is what makes it exclusive.
    if (opts.ifAbsent && (await this.statOf(file, io))) throw new ObjectExistsError(bucket, key);
    await io.mkdir(this.tmpDir, { recursive: true });
    const tmp = join(this.tmpDir, tempName());
    const hash = createHash('md5');
    let st: Stats;
    try {
      if (small) {
        hash.update(small);
        await io.writeFile(tmp, small, { flag: 'wx' });
      } else {
        await pipeline(
          toStream(body),
          async function* (source: AsyncIterable<Buffer | string>) {
            for await (const chunk of source) {
              const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
              hash.update(b);
              yield b;
            }
          },
          createWriteStream(tmp, { flags: 'wx' }),
        );
      }
      st = await this.place(tmp, file, bucket, key, opts.ifAbsent === true, io);
    } catch (e) {
      await io.rm(tmp, { force: true });
      throw e;
    }
    const md5 = hash.digest('hex');
    await this.meta.write(bucket, key, st, md5, opts.contentType, io);
    return { key, size: st.size, etag: md5, lastModified: st.mtime, contentType: opts.contentType ?? contentTypeOf(key) };
  }

  async get(bucket: string, key: string, range?: ByteRange): Promise<Readable> {
    checkObjectKey(bucket, key, 'object key');
    checkRange(range);
    const file = await this.pathOf(bucket, key);
    // stat before open: opening a FIFO a user left in the folder would block.
    const st = await this.statOf(file);
    if (!st || !(await this.infoOf(bucket, key, st))) throw new ObjectNotFoundError(bucket, key);
    if (st.isDirectory() || (range && range.start >= st.size)) return Readable.from([]);
    const handle = await open(file, 'r').catch((e: unknown) => {
      throw isNotFound(e) ? new ObjectNotFoundError(bucket, key) : e;
    });
    return handle.createReadStream(range ? { start: range.start, ...(range.end !== undefined ? { end: range.end } : {}) } : {});
  }

  /**
   * With `known`, one open of the file, the same path checks as head's and no second head: the
   * stats of the opened file give the ETag that must match. A small file is read inline (see fs-io.ts).
   */
  override async readBuffer(bucket: string, key: string, maxBytes: number, known?: ObjectInfo): Promise<Buffer> {
    if (!known || key.endsWith('/')) return super.readBuffer(bucket, key, maxBytes, known);
    checkObjectKey(bucket, key, 'object key');
    if (known.size > maxBytes) throw new ObjectTooLargeError(bucket, key, maxBytes);
    const io = known.size <= INLINE_READ_BYTES ? inline : threadPool;
    const file = await this.pathOf(bucket, key, io);
    const read = await io.readRegular(file, maxBytes).catch((e: unknown) => {
      throw isNotFound(e) ? new ObjectNotFoundError(bucket, key) : e;
    });
    if (!read.st.isFile()) throw new ObjectNotFoundError(bucket, key);
    if (!read.data) throw new ObjectTooLargeError(bucket, key, maxBytes);
    const now = await this.infoOf(bucket, key, read.st, io);
    if (!now || now.etag !== known.etag || read.data.length !== known.size) throw new ObjectChangedError(bucket, key);
    return read.data;
  }

  /** A few metadata calls on one path and a sidecar of some bytes: inline (see fs-io.ts). */
  async head(bucket: string, key: string): Promise<ObjectInfo | null> {
    checkObjectKey(bucket, key, 'object key');
    const st = await this.statOf(await this.pathOf(bucket, key, inline), inline);
    return st ? this.infoOf(bucket, key, st, inline) : null;
  }

  /**
   * head's size and time without its sidecar read, and without resolving each file's whole path: a
   * regular file (lstat: not a symlink) is inside the bucket when its folder is, and the folders of
   * a batch are few; so is the absence of a name. Anything else (a folder, a symlink, an error) takes
   * head's way, so the answers are head's.
   *
   * Warm file metadata comes from the kernel in microseconds, several times less than a round trip
   * through the thread pool; so keys (and their folders) are stat'ed synchronously for up to
   * SYNC_STAT_BUDGET_MS per call (a cold disk cannot hold the event loop longer), the rest asynchronously.
   */
  override async statMany(bucket: string, keys: readonly string[]): Promise<(ObjectStat | null)[]> {
    for (const key of keys) checkObjectKey(bucket, key, 'object key');
    const bucketDir = this.bucketDir(bucket);
    const folderOf = (key: string) => key.slice(0, key.lastIndexOf('/') + 1);
    const checked = new Map<string, Promise<string>>();
    const budget = this.opts.syncStatBudgetMs ?? SYNC_STAT_BUDGET_MS;
    const started = performance.now();
    // Settles once the folder is known to be inside the bucket (pathOf refuses one a link leads out of).
    const inside = (folder: string): Promise<string> => {
      let done = checked.get(folder);
      if (!done) checked.set(folder, (done = this.pathOf(bucket, folder, performance.now() - started < budget ? inline : threadPool)));
      return done;
    };
    const out = new Array<ObjectStat | null>(keys.length).fill(null);
    const folders = new Set<string>();
    const rest: number[] = [];
    keys.forEach((key, i) => {
      if (key.endsWith('/') || performance.now() - started >= budget) {
        rest.push(i);
        return;
      }
      let st: Stats | undefined;
      try {
        // The key is checked (no '.', '..' or empty segments), so joining needs no normalizing.
        st = lstatSync(`${bucketDir}/${key}`, { throwIfNoEntry: false });
      } catch {
        rest.push(i); // head tells what the matter is
        return;
      }
      if (st === undefined) {
        folders.add(folderOf(key)); // no such name: null, once the folder is known to be inside
        return;
      }
      if (!st.isFile()) {
        rest.push(i);
        return;
      }
      // From mtimeMs (rounded, as Stats rounds it): Stats builds its Date fields lazily, at a cost.
      out[i] = { size: st.size, lastModified: new Date(Math.round(st.mtimeMs)) };
      folders.add(folderOf(key));
    });
    for (const folder of folders) await inside(folder);
    await mapLimit(rest, FS_STAT_CONCURRENCY, async (i) => {
      const key = keys[i]!;
      if (!key.endsWith('/')) {
        const st = await lstatOrNull(join(bucketDir, key)).catch(() => null);
        if (st?.isFile()) {
          await inside(folderOf(key));
          out[i] = { size: st.size, lastModified: st.mtime };
          return;
        }
      }
      const info = await this.head(bucket, key);
      out[i] = info && { size: info.size, lastModified: info.lastModified };
    });
    return out;
  }

  /**
   * The file of each key (see ObjectStore.localFiles): a regular file (lstat: not a symlink) whose
   * folder is inside the bucket (checked once per folder, as statMany does). As in statMany, keys
   * are lstat'ed synchronously for up to SYNC_STAT_BUDGET_MS per call, the rest through the pool.
   */
  async localFiles(bucket: string, keys: readonly string[]): Promise<(LocalFile | null)[]> {
    for (const key of keys) checkObjectKey(bucket, key, 'object key');
    const bucketDir = this.bucketDir(bucket);
    const folders = new Map<string, Promise<boolean>>();
    const budget = this.opts.syncStatBudgetMs ?? SYNC_STAT_BUDGET_MS;
    const started = performance.now();
    // A folder is inside when pathOf takes it (it refuses one a symlink leads out of).
    const inside = (folder: string): Promise<boolean> => {
      const known = folders.get(folder);
      if (known) return known;
      const io = performance.now() - started < budget ? inline : threadPool;
      const check = this.pathOf(bucket, folder, io).then(isInside, notInside);
      folders.set(folder, check);
      return check;
    };
    return mapLimit(keys, FS_STAT_CONCURRENCY, async (key) => {
      if (key.endsWith('/')) return null;
      // The key is checked (no '.', '..' or empty segments), so joining needs no normalizing.
      const path = `${bucketDir}/${key}`;
      let st: Stats | null | undefined;
      try {
        st = performance.now() - started < budget ? (lstatSync(path, { throwIfNoEntry: false }) ?? null) : await lstatOrNull(path);
      } catch {
        return null;
      }
      if (!st?.isFile() || !(await inside(key.slice(0, key.lastIndexOf('/') + 1)))) return null;
      return { path, size: st.size, mode: st.mode };
    });
  }

  async list(bucket: string, opts: ListOptions = {}): Promise<ListResult> {
    const prefix = opts.prefix ?? '';
    checkObjectPath(bucket, prefix, 'prefix');
    const maxKeys = clampMaxKeys(opts.maxKeys);
    // The folder the walk starts in must not be reached through a symlink leading out.
    await this.pathOf(bucket, prefix.slice(0, prefix.lastIndexOf('/') + 1));
    const bucketDir = this.bucketDir(bucket);
    return listFolder({
      bucketDir,
      prefix,
      delimiter: opts.delimiter || undefined,
      maxKeys,
      continuationToken: opts.continuationToken || undefined,
      info: async (key) => {
        const st = await this.statOf(join(bucketDir, key));
        return st ? this.infoOf(bucket, key, st) : null;
      },
    });
  }

  async delete(bucket: string, key: string): Promise<void> {
    checkObjectKey(bucket, key, 'object key');
    const file = await this.pathOf(bucket, key);
    try {
      if (key.endsWith('/')) await rmdir(file);
      else await rm(file);
    } catch (e) {
      // A missing key, or a folder where an object was named (or a marker with content): no object to delete.
      if (isNotFound(e) || ['ENOTEMPTY', 'EISDIR', 'ERR_FS_EISDIR', 'EEXIST'].includes(errnoOf(e) ?? '')) return;
      throw e;
    }
    await this.meta.remove(bucket, key);
    await pruneEmptyFolders(this.bucketDir(bucket), dirname(file));
    await pruneEmptyFolders(this.meta.bucketDir(bucket), this.meta.dirOf(bucket, key));
  }

  async deletePrefix(bucket: string, prefix: string): Promise<number> {
    let n = 0;
    let token: string | undefined;
    do {
      const page = await this.list(bucket, { prefix, ...(token ? { continuationToken: token } : {}) });
      for (const o of page.objects) await this.delete(bucket, o.key);
      n += page.objects.length;
      token = page.nextContinuationToken;
    } while (token);
    return n;
  }

  async copy(from: ObjectRef, to: ObjectRef): Promise<ObjectInfo> {
    checkObjectKey(from.bucket, from.key, 'source key');
    checkObjectKey(to.bucket, to.key, 'target key');
    if (from.key.endsWith('/') || to.key.endsWith('/')) throw errors.badParam('copy: folders cannot be copied, only the objects in them');
    const src = await this.pathOf(from.bucket, from.key);
    const dst = await this.pathOf(to.bucket, to.key);
    const srcSt = await this.statOf(src);
    if (!srcSt?.isFile()) throw new ObjectNotFoundError(from.bucket, from.key);
    await mkdir(this.tmpDir, { recursive: true });
    const tmp = join(this.tmpDir, tempName());
    let st: Stats;
    try {
      await copyFile(src, tmp);
      st = await this.place(tmp, dst, to.bucket, to.key, false);
    } catch (e) {
      await rm(tmp, { force: true });
      throw isNotFound(e) ? new ObjectNotFoundError(from.bucket, from.key) : e;
    }
    await this.meta.copy({ bucket: from.bucket, key: from.key, st: srcSt }, { bucket: to.bucket, key: to.key, st });
    return (await this.infoOf(to.bucket, to.key, st))!;
  }
}

/** Keys stat'ed at a time through the thread pool: enough to keep it busy, few enough to leave it to others. */
const FS_STAT_CONCURRENCY = 32;
/** How long one statMany may stat synchronously. */
const SYNC_STAT_BUDGET_MS = 10;

const isInside = () => true;
const notInside = () => false;

/** lstat through the callback API (a promise per call costs more than the call); null when missing. */
function lstatOrNull(file: string): Promise<Stats | null> {
  return new Promise((resolve, reject) => {
    lstatCallback(file, (err, st) => {
      if (!err) resolve(st);
      else if (isNotFound(err)) resolve(null);
      else reject(err);
    });
  });
}

/** Removes folders left empty, from `dir` up to (not including) `top`. */
async function pruneEmptyFolders(top: string, dir: string): Promise<void> {
  while (dir.startsWith(top + sep)) {
    try {
      await rmdir(dir);
    } catch {
      return;
    }
    dir = dirname(dir);
  }
}
