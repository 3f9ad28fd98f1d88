import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, mkdir, readdir, realpath, rename, rm, rmdir, stat } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { errors } from '#src/core/errors.ts';
import { checkObjectPath } from './obs-path.ts';
import { contentTypeOf } from './content-types.ts';
import { ObjectNotFoundError, decodeListToken, encodeListToken, type Body, type ByteRange, type ListOptions, type ListResult, type ObjectInfo, type ObjectStore } from './object-store.ts';

const MAX_KEYS = 1000;

function isNotFound(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** A weak ETag from the file's identity, so files users drop in need no sidecar. */
function etagOf(size: number, mtimeMs: number, ino: number): string {
  return createHash('md5').update(`${size}:${mtimeMs}:${ino}`).digest('hex');
}


/**
 * Bucket B is the folder <root>/B and object key K the file <root>/B/K, so files dropped there are
 * objects at once. Writes go to <root>/.tmp first (no bucket can be named that) and are renamed into
 * place, so a reader never sees half an object.
 */
export class FsObjectStore implements ObjectStore {
  readonly kind = 'fs' as const;
  private readonly tmpDir: string;

  constructor(private readonly root: string) {
    this.tmpDir = join(root, '.tmp');
  }

  private bucketDir(bucket: string): string {
    return join(this.root, bucket);
  }

  /** The file of a key, after refusing unsafe keys and anything that resolves outside the bucket. */
  private async pathOf(bucket: string, key: string): Promise<string> {
    checkObjectPath(bucket, key, 'object key');
    const bucketDir = this.bucketDir(bucket);
    const file = join(bucketDir, key);
    // Symlinks inside the bucket must not lead out of it: resolve the deepest existing ancestor.
    let probe = file;
    for (;;) {
      try {
        const real = await realpath(probe);
        const realBucket = await realpath(bucketDir).catch(() => bucketDir);
        if (real !== realBucket && !real.startsWith(realBucket + sep)) throw errors.badParam('object key leads outside its bucket');
        return file;
      } catch (e) {
        if (!isNotFound(e)) throw e;
        const parent = dirname(probe);
        if (parent === probe || probe === bucketDir) return file;
        probe = parent;
      }
    }
  }

  async ensureBucket(bucket: string): Promise<void> {
    checkObjectPath(bucket, '', 'bucket');
    await mkdir(this.bucketDir(bucket), { recursive: true });
  }

  private async info(key: string, file: string, contentType?: string): Promise<ObjectInfo | undefined> {
    try {
      const st = await stat(file);
      if (!st.isFile()) return undefined;
      return {
        key,
        size: st.size,
        etag: etagOf(st.size, st.mtimeMs, st.ino),
        lastModified: st.mtime,
        contentType: contentType ?? contentTypeOf(key),
      };
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  async put(bucket: string, key: string, body: Body, opts: { contentType?: string } = {}): Promise<ObjectInfo> {
    const file = await this.pathOf(bucket, key);
    if (key === '' || key.endsWith('/')) {
      await mkdir(file, { recursive: true });
      return { key, size: 0, etag: etagOf(0, 0, 0), lastModified: new Date(), contentType: 'application/x-directory' };
    }
    await mkdir(this.tmpDir, { recursive: true });
    const tmp = join(this.tmpDir, randomUUID());
    try {
      const source = typeof body === 'string' || Buffer.isBuffer(body) ? Readable.from([Buffer.from(body)]) : body;
      await pipeline(source, createWriteStream(tmp));
      await mkdir(dirname(file), { recursive: true });
      await rename(tmp, file);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
    return (await this.info(key, file, opts.contentType))!;
  }

  async get(bucket: string, key: string, range?: ByteRange): Promise<Readable> {
    const file = await this.pathOf(bucket, key);
    if (!(await this.info(key, file))) throw new ObjectNotFoundError(bucket, key);
    return createReadStream(file, range ? { start: range.start, ...(range.end !== undefined ? { end: range.end } : {}) } : {});
  }

  async head(bucket: string, key: string): Promise<ObjectInfo | undefined> {
    return this.info(key, await this.pathOf(bucket, key));
  }

  async list(bucket: string, opts: ListOptions = {}): Promise<ListResult> {
    const prefix = opts.prefix ?? '';
    checkObjectPath(bucket, prefix, 'prefix');
    const max = Math.min(Math.max(opts.maxKeys ?? MAX_KEYS, 1), MAX_KEYS);
    const after = opts.continuationToken ? decodeListToken(opts.continuationToken) : '';
    const delimiter = opts.delimiter;
    const objects: ObjectInfo[] = [];
    const commonPrefixes: string[] = [];
    let last = '';
    let more = false;
    const bucketDir = this.bucketDir(bucket);

    const emit = (key: string): boolean => {
      if (objects.length + commonPrefixes.length >= max) {
        more = true;
        return false;
      }
      last = key;
      return true;
    };

    // Depth-first, entries ordered as their keys sort (a folder sorts as "name/"), so keys come out
    // in the same lexicographic order S3 lists them.
    const walk = async (dirKey: string): Promise<boolean> => {
      let entries;
      try {
        entries = await readdir(join(bucketDir, dirKey), { withFileTypes: true });
      } catch (e) {
        if (isNotFound(e)) return true;
        throw e;
      }
      const named = entries
        .filter((d) => d.isFile() || d.isDirectory())
        .map((d) => ({ key: dirKey + d.name + (d.isDirectory() ? '/' : ''), dir: d.isDirectory() }))
        .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      for (const e of named) {
        if (!e.key.startsWith(prefix) && !prefix.startsWith(e.key)) continue;
        if (e.dir) {
          if (delimiter === '/' && e.key.length > prefix.length && e.key.startsWith(prefix)) {
            if (e.key <= after) continue;
            if (!emit(e.key)) return false;
            commonPrefixes.push(e.key);
            continue;
          }
          // Skip folders whose every key sorts before the continuation point.
          if (after !== '' && e.key < after && !after.startsWith(e.key)) continue;
          if (!(await walk(e.key))) return false;
        } else {
          if (e.key <= after || !e.key.startsWith(prefix)) continue;
          const info = await this.info(e.key, join(bucketDir, e.key));
          if (!info) continue;
          if (!emit(e.key)) return false;
          objects.push(info);
        }
      }
      return true;
    };

    const startDir = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/') + 1) : '';
    await walk(startDir);
    return { objects, commonPrefixes, ...(more ? { nextContinuationToken: encodeListToken(last) } : {}) };
  }

  async delete(bucket: string, key: string): Promise<void> {
    const file = await this.pathOf(bucket, key);
    try {
      if (key.endsWith('/')) await rmdir(file);
      else await rm(file);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (isNotFound(e) || code === 'ENOTEMPTY' || code === 'EISDIR') return;
      throw e;
    }
    await this.pruneEmptyParents(bucket, dirname(file));
  }

  /** Removes folders left empty by a delete, up to (not including) the bucket folder. */
  private async pruneEmptyParents(bucket: string, dir: string): Promise<void> {
    const bucketDir = this.bucketDir(bucket);
    while (dir.startsWith(bucketDir + sep)) {
      try {
        await rmdir(dir);
      } catch {
        return;
      }
      dir = dirname(dir);
    }
  }

  async deletePrefix(bucket: string, prefix: string): Promise<number> {
    let n = 0;
    for (;;) {
      const page = await this.list(bucket, { prefix });
      for (const o of page.objects) await this.delete(bucket, o.key);
      n += page.objects.length;
      if (!page.nextContinuationToken) return n;
    }
  }

  async copy(from: { bucket: string; key: string }, to: { bucket: string; key: string }): Promise<ObjectInfo> {
    const src = await this.pathOf(from.bucket, from.key);
    const dst = await this.pathOf(to.bucket, to.key);
    if (!(await this.info(from.key, src))) throw new ObjectNotFoundError(from.bucket, from.key);
    await mkdir(this.tmpDir, { recursive: true });
    const tmp = join(this.tmpDir, randomUUID());
    await copyFile(src, tmp);
    await mkdir(dirname(dst), { recursive: true });
    await rename(tmp, dst);
    return (await this.info(to.key, dst))!;
  }
}
