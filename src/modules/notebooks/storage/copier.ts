// Copying an OBS folder into a folder of a notebook volume, and what changed there back. Shared by
// the OBS mounts of notebooks (#92-95) and the old API's OBS working directory (devenv). The volume
// is written by the user's own processes, so nothing here follows a symbolic link found in it.
import { createReadStream, createWriteStream, lstatSync, mkdirSync, readdirSync, unlinkSync } from 'node:fs';
import { join, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { keyProblem, ObjectNotFoundError, type ObjectStore } from '#src/storage/index.ts';

/** What a folder held after the last copy: relative path -> [size, mtime ms]. */
export type Manifest = Record<string, [size: number, mtimeMs: number]>;

/** Jupyter's own checkpoint folders, at any depth: never copied either way. */
export const CHECKPOINTS = '.ipynb_checkpoints';

export interface CopyScope {
  objects: ObjectStore;
  bucket: string;
  /** The OBS folder: '' (the bucket) or a key ending in '/'. */
  prefix: string;
  /** The volume: the folder no path may leave. */
  work: string;
  /** The folder inside the volume, '/'-separated ('' for the volume itself). */
  base: string;
  /** Names at the folder's top that are never copied (a handshake folder). */
  skipTop?: ReadonlySet<string>;
}

const skipped = (scope: CopyScope, rel: string) => {
  const parts = rel.split('/');
  return scope.skipTop?.has(parts[0] ?? '') === true || parts.includes(CHECKPOINTS);
};

/** Copies every object under the prefix into the folder (its folders made); the manifest of what was written. */
export async function copyIn(scope: CopyScope): Promise<{ manifest: Manifest; copied: number }> {
  const manifest: Manifest = {};
  let copied = 0;
  let token: string | undefined;
  do {
    const page = await scope.objects.list(scope.bucket, { prefix: scope.prefix, ...(token ? { continuationToken: token } : {}) });
    for (const o of page.objects) {
      const rel = o.key.slice(scope.prefix.length);
      if (rel === '' || rel.endsWith('/') || keyProblem(rel) || skipped(scope, rel)) continue;
      const target = safeTarget(scope.work, scope.base ? `${scope.base}/${rel}` : rel);
      if (!target) continue;
      await pipeline(await scope.objects.get(scope.bucket, o.key), createWriteStream(target));
      const st = lstatSync(target);
      manifest[rel] = [st.size, st.mtimeMs];
      copied++;
    }
    token = page.nextContinuationToken;
  } while (token);
  return { manifest, copied };
}

/**
 * Uploads the files of the folder that are new or changed since `before`; with deleteMissing, the
 * objects of files that were in `before` and are gone from the folder are deleted too (only while
 * the folder itself is there). The folder's state becomes the new manifest; names OBS does not take
 * are left out and listed.
 */
export async function copyBack(
  scope: CopyScope,
  before: Manifest,
  deleteMissing: boolean,
): Promise<{ manifest: Manifest; skipped: string[]; uploaded: number }> {
  const now: Manifest = {};
  const refused: string[] = [];
  let uploaded = 0;
  const root = folderIn(scope.work, scope.base);
  if (!root) return { manifest: deleteMissing ? {} : before, skipped: refused, uploaded };
  for (const { rel, size, mtimeMs, path } of walk(root)) {
    if (skipped(scope, rel)) continue;
    if (keyProblem(rel)) {
      refused.push(rel);
      continue;
    }
    now[rel] = [size, mtimeMs];
    const old = before[rel];
    if (old && old[0] === size && old[1] === mtimeMs) continue;
    // a folder on the way swapped for a link since the walk read it: the file is not read through it
    if (!foldersOnWayReal(scope, rel)) {
      refused.push(rel);
      continue;
    }
    await scope.objects.put(scope.bucket, scope.prefix + rel, createReadStream(path));
    uploaded++;
  }
  if (deleteMissing) for (const rel of Object.keys(before)) if (!now[rel]) await deleteObject(scope.objects, scope.bucket, scope.prefix + rel);
  return { manifest: now, skipped: refused, uploaded };
}

export async function deleteObject(objects: ObjectStore, bucket: string, key: string): Promise<void> {
  try {
    await objects.delete(bucket, key);
  } catch (e) {
    if (!(e instanceof ObjectNotFoundError)) throw e;
  }
}

/**
 * The file to write `rel` to inside the volume, its folders made; undefined when a folder on the
 * way is a symbolic link or not a folder (nothing is written through a link the user left). A link
 * in the file's own place is removed.
 */
export function safeTarget(work: string, rel: string): string | undefined {
  const parts = rel.split('/');
  let at = work;
  for (const p of parts.slice(0, -1)) {
    at = join(at, p);
    const st = lstatOrUndefined(at);
    if (!st) mkdirSync(at);
    else if (!st.isDirectory()) return undefined;
  }
  const target = join(at, parts[parts.length - 1] ?? '');
  if (!target.startsWith(work + sep)) return undefined;
  const st = lstatOrUndefined(target);
  if (st?.isSymbolicLink()) unlinkSync(target);
  else if (st && !st.isFile()) return undefined;
  return target;
}

/** Whether every folder from the volume to the file `rel` of the scope's folder is a real folder (no link). */
export function foldersOnWayReal(scope: Pick<CopyScope, 'work' | 'base'>, rel: string): boolean {
  return folderIn(scope.work, [scope.base, ...rel.split('/').slice(0, -1)].filter((p) => p !== '').join('/')) !== undefined;
}

/** The folder `rel` of the volume when it and every folder on the way is a real folder (no link); undefined otherwise. */
export function folderIn(work: string, rel: string): string | undefined {
  let at = work;
  for (const p of rel === '' ? [] : rel.split('/')) {
    at = join(at, p);
    if (!lstatOrUndefined(at)?.isDirectory()) return undefined;
  }
  return at;
}

/**
 * Makes the folder `rel` of the volume, one part at a time, never through a link; its path and the
 * first folder that had to be made (undefined when it was there). Undefined when a part is a link or a file.
 */
export function makeFolder(work: string, rel: string): { path: string; made: string | undefined } | undefined {
  let at = work;
  let made: string | undefined;
  for (const p of rel.split('/')) {
    at = join(at, p);
    const st = lstatOrUndefined(at);
    if (!st) {
      mkdirSync(at);
      made ??= at;
    } else if (!st.isDirectory()) return undefined;
  }
  return { path: at, made };
}

export function lstatOrUndefined(path: string) {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

/** The regular files under root (links left out), with '/'-separated relative paths. */
export function* walk(root: string, rel = ''): Generator<{ rel: string; path: string; size: number; mtimeMs: number }> {
  for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
    if (e.name === CHECKPOINTS) continue;
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) yield* walk(root, r);
    else if (e.isFile()) {
      const path = join(root, r);
      const st = lstatSync(path);
      yield { rel: r, path, size: st.size, mtimeMs: st.mtimeMs };
    }
  }
}
