// Listing a bucket folder the way S3 lists a bucket: keys in UTF-8 byte order, prefix, delimiter
// folding and pages, walking only the folders that can hold keys of the page.
import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
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

interface Entry {
  key: string;
  /** The key's UTF-8 bytes: S3's order, computed once per entry rather than per comparison. */
  bytes: Buffer;
  dir: boolean;
}

// A big folder is read page after page: its sorted entries are kept while its mtime (which moves with
// every entry added, removed or renamed) stays the same, so each page does not read and sort it again.
// The kernel stamps mtimes from a coarse clock, so a change in the same tick as the read would keep
// the same mtime: only a folder left unchanged for a while (SETTLED_MS) is kept.
const BIG_FOLDER = 1024;
const SETTLED_MS = 1000;
const KEPT_FOLDERS = 4;
const kept = new Map<string, { mtimeMs: number; entries: Entry[] }>();

async function sortedEntries(path: string, dirKey: string): Promise<Entry[]> {
  const mtimeMs = (await stat(path)).mtimeMs;
  const hit = kept.get(path);
  if (hit && hit.mtimeMs === mtimeMs) return hit.entries;
  const dirents: Dirent[] = await readdir(path, { withFileTypes: true });
  // Symlinks are not followed while listing (they may loop or lead out); other kinds are not objects.
  const entries = dirents
    .filter((d) => (d.isFile() || d.isDirectory()) && !d.name.startsWith(PLACING_PREFIX))
    .map((d) => {
      const key = dirKey + d.name + (d.isDirectory() ? '/' : '');
      return { key, bytes: Buffer.from(key, 'utf8'), dir: d.isDirectory() };
    })
    .sort((a, b) => Buffer.compare(a.bytes, b.bytes));
  if (entries.length >= BIG_FOLDER && Date.now() - mtimeMs > SETTLED_MS) {
    kept.delete(path);
    kept.set(path, { mtimeMs, entries });
    if (kept.size > KEPT_FOLDERS) kept.delete(kept.keys().next().value!);
  }
  return entries;
}

/** The first entry that may come after `after`: the first not before it, or the folder holding it. */
function firstAfter(entries: Entry[], after: string): number {
  const bound = Buffer.from(after, 'utf8');
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (Buffer.compare(entries[mid]!.bytes, bound) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 && after.startsWith(entries[lo - 1]!.key) ? lo - 1 : lo;
}

/** Object infos looked up this many at a time. */
const INFO_CONCURRENCY = 32;

export async function listFolder(req: FsListRequest): Promise<ListResult> {
  const { bucketDir, prefix, delimiter, maxKeys } = req;
  const from = req.continuationToken ? decodeListToken(req.continuationToken) : undefined;
  /** The page's object keys, in order; their infos are looked up together at the end. */
  const objectKeys: string[] = [];
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
  const add = (key: string, folded: boolean): boolean => {
    if ((folded && last?.folded && last.after === key) || listedBefore(from, key)) return true;
    if (objectKeys.length + commonPrefixes.length >= maxKeys) {
      truncated = true;
      return false;
    }
    if (folded) commonPrefixes.push(key);
    else objectKeys.push(key);
    last = { after: key, folded };
    return true;
  };

  const walk = async (dirKey: string): Promise<boolean> => {
    let named: Entry[];
    try {
      named = await sortedEntries(join(bucketDir, dirKey), dirKey);
    } catch (e) {
      if (isNotFound(e)) return true;
      throw e;
    }
    // An empty folder stands for a folder marker object, as S3 holds for a folder made in a console.
    if (named.length === 0 && dirKey !== '' && dirKey.startsWith(prefix)) {
      const fold = foldOf(dirKey);
      return add(fold ?? dirKey, fold !== undefined);
    }
    for (let i = from ? firstAfter(named, from.after) : 0; i < named.length; i++) {
      const e = named[i]!;
      if (!e.dir) {
        if (!e.key.startsWith(prefix)) continue;
        const fold = foldOf(e.key);
        if (!add(fold ?? e.key, fold !== undefined)) return false;
        continue;
      }
      if (!e.key.startsWith(prefix) && !prefix.startsWith(e.key)) continue;
      const fold = foldOf(e.key);
      if (fold !== undefined) {
        if (!add(fold, true)) return false;
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
  // A key that vanished since its folder was read is left out (the page may then hold fewer than maxKeys).
  const infos: (ObjectInfo | null)[] = new Array<ObjectInfo | null>(objectKeys.length).fill(null);
  for (let i = 0; i < objectKeys.length; i += INFO_CONCURRENCY) {
    const batch = objectKeys.slice(i, i + INFO_CONCURRENCY);
    (await Promise.all(batch.map((k) => req.info(k)))).forEach((info, j) => (infos[i + j] = info));
  }
  const objects = infos.filter((x): x is ObjectInfo => x !== null);
  return { objects, commonPrefixes, ...(truncated && last ? { nextContinuationToken: encodeListToken(last) } : {}) };
}
