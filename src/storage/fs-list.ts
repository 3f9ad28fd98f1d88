// Listing a bucket folder the way S3 lists a bucket: keys in UTF-8 byte order, prefix, delimiter
// folding and pages, walking only the folders that can hold keys of the page.
import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { compareKeys, decodeListToken, encodeListToken, listedBefore, type ListPosition } from './list-position.ts';
import type { ListResult, ObjectInfo } from './object-store.ts';

/** Names of files being moved into a bucket folder from another file system; never listed. */
export const PLACING_PREFIX = '.atelier-placing-';

function isNotFound(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

export interface FsListRequest {
  /** The real folder of the bucket. */
  bucketDir: string;
  prefix: string;
  delimiter: string | undefined;
  maxKeys: number;
  continuationToken: string | undefined;
  /** Info of a file key, or of an empty folder's marker key ('dir/'); null when it vanished. */
  info(key: string): Promise<ObjectInfo | null>;
}

export async function listFolder(req: FsListRequest): Promise<ListResult> {
  const { bucketDir, prefix, delimiter, maxKeys } = req;
  const from = req.continuationToken ? decodeListToken(req.continuationToken) : undefined;
  const objects: ObjectInfo[] = [];
  const commonPrefixes: string[] = [];
  let last: ListPosition | undefined;
  let truncated = false;

  /** The common prefix a key (or a whole folder, given 'dir/') folds into, if any. */
  const foldOf = (key: string): string | undefined => {
    if (!delimiter || !key.startsWith(prefix)) return undefined;
    const i = key.indexOf(delimiter, prefix.length);
    return i < 0 ? undefined : key.slice(0, i + delimiter.length);
  };

  /** Adds a page entry; false once the page is full and one more entry exists. */
  const add = async (key: string, folded: boolean): Promise<boolean> => {
    if ((folded && last?.folded && last.after === key) || listedBefore(from, key)) return true;
    if (objects.length + commonPrefixes.length >= maxKeys) {
      truncated = true;
      return false;
    }
    if (folded) commonPrefixes.push(key);
    else {
      const info = await req.info(key);
      if (!info) return true;
      objects.push(info);
    }
    last = { after: key, folded };
    return true;
  };

  const walk = async (dirKey: string): Promise<boolean> => {
    let entries: Dirent[];
    try {
      entries = await readdir(join(bucketDir, dirKey), { withFileTypes: true });
    } catch (e) {
      if (isNotFound(e)) return true;
      throw e;
    }
    // Symlinks are not followed while listing (they may loop or lead out); other kinds are not objects.
    const named = entries
      .filter((d) => (d.isFile() || d.isDirectory()) && !d.name.startsWith(PLACING_PREFIX))
      .map((d) => ({ key: dirKey + d.name + (d.isDirectory() ? '/' : ''), dir: d.isDirectory() }))
      .sort((a, b) => compareKeys(a.key, b.key));
    // An empty folder stands for a folder marker object, as S3 holds for a folder made in a console.
    if (named.length === 0 && dirKey !== '' && dirKey.startsWith(prefix)) {
      const fold = foldOf(dirKey);
      return add(fold ?? dirKey, fold !== undefined);
    }
    for (const e of named) {
      if (!e.dir) {
        if (!e.key.startsWith(prefix)) continue;
        const fold = foldOf(e.key);
        if (!(await add(fold ?? e.key, fold !== undefined))) return false;
        continue;
      }
      if (!e.key.startsWith(prefix) && !prefix.startsWith(e.key)) continue;
      const fold = foldOf(e.key);
      if (fold !== undefined) {
        if (!(await add(fold, true))) return false;
        continue;
      }
      // Skip folders whose every key was on earlier pages.
      if (from && compareKeys(e.key, from.after) < 0 && !from.after.startsWith(e.key)) continue;
      if (from?.folded && e.key.startsWith(from.after)) continue;
      if (!(await walk(e.key))) return false;
    }
    return true;
  };

  await walk(prefix.slice(0, prefix.lastIndexOf('/') + 1));
  return { objects, commonPrefixes, ...(truncated && last ? { nextContinuationToken: encodeListToken(last) } : {}) };
}
