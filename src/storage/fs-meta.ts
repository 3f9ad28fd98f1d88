// What a file cannot carry itself (the MD5 computed while it was written, a given content type) is
// kept in a sidecar at <root>/.meta/<bucket>/<key>. A sidecar counts only while it describes the
// file's current inode, size and mtime, so files replaced or written by users outside the API fall
// back to an ETag derived from that identity.
import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import { lstat, mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { threadPool, type FsIo } from './fs-io.ts';
import { tempName } from './fs-temp.ts';

interface Sidecar {
  md5: string;
  size: number;
  mtimeMs: number;
  ino: number;
  contentType?: string;
}

export interface FileMeta {
  etag: string;
  contentType?: string;
}

/** An opaque ETag from the file's identity, for files with no valid sidecar. */
export function identityEtag(st: Stats): string {
  return createHash('md5').update(`${st.size}:${st.mtimeMs}:${st.ino}`).digest('hex');
}

const describes = (s: Sidecar, st: Stats): boolean => s.size === st.size && s.mtimeMs === st.mtimeMs && s.ino === st.ino;

export class FsMetaStore {
  constructor(
    private readonly metaRoot: string,
    private readonly tmpDir: string,
  ) {}

  private pathOf(bucket: string, key: string): string {
    return join(this.metaRoot, bucket, key);
  }

  /** The sidecar of a file as it is now, or undefined. */
  private async sidecar(bucket: string, key: string, st: Stats, io: FsIo = threadPool): Promise<Sidecar | undefined> {
    try {
      const s = JSON.parse(await io.readFile(this.pathOf(bucket, key), 'utf8')) as Sidecar;
      return describes(s, st) ? s : undefined;
    } catch {
      return undefined;
    }
  }

  async read(bucket: string, key: string, st: Stats, io: FsIo = threadPool): Promise<FileMeta> {
    const s = await this.sidecar(bucket, key, st, io);
    return s ? { etag: s.md5, ...(s.contentType ? { contentType: s.contentType } : {}) } : { etag: identityEtag(st) };
  }

  /** Best effort: without a sidecar the file still works, with an identity ETag. */
  async write(bucket: string, key: string, st: Stats, md5: string, contentType: string | undefined, io: FsIo = threadPool): Promise<void> {
    const s: Sidecar = { md5, size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, ...(contentType ? { contentType } : {}) };
    const file = this.pathOf(bucket, key);
    const tmp = join(this.tmpDir, `${tempName()}.meta`);
    try {
      await io.writeFile(tmp, JSON.stringify(s));
      try {
        await io.mkdir(dirname(file), { recursive: true });
        await io.rename(tmp, file);
      } catch {
        // A stale sidecar of a file that has since become a folder (or the other way round) is in
        // the way; the data tree is the truth, so clear the way and try once more.
        await this.clearConflicts(bucket, key);
        await mkdir(dirname(file), { recursive: true });
        await rename(tmp, file);
      }
    } catch {
      await rm(tmp, { force: true });
    }
  }

  private async clearConflicts(bucket: string, key: string): Promise<void> {
    const parts = key.split('/');
    for (let i = 1; i < parts.length; i++) {
      const p = this.pathOf(bucket, parts.slice(0, i).join('/'));
      const st = await lstat(p).catch(() => undefined);
      if (!st) return;
      if (!st.isDirectory()) return rm(p, { force: true });
    }
    await rm(this.pathOf(bucket, key), { recursive: true, force: true });
  }

  /** Carries an MD5 and content type over to a copy, when the source's sidecar is valid. */
  async copy(from: { bucket: string; key: string; st: Stats }, to: { bucket: string; key: string; st: Stats }): Promise<void> {
    const s = await this.sidecar(from.bucket, from.key, from.st);
    if (s) await this.write(to.bucket, to.key, to.st, s.md5, s.contentType);
    else await this.remove(to.bucket, to.key);
  }

  async remove(bucket: string, key: string): Promise<void> {
    await rm(this.pathOf(bucket, key), { force: true }).catch(() => undefined);
  }

  /** The folder of a key's sidecar, for pruning. */
  dirOf(bucket: string, key: string): string {
    return dirname(this.pathOf(bucket, key));
  }

  bucketDir(bucket: string): string {
    return join(this.metaRoot, bucket);
  }
}
