// OBS-style object paths as the API carries them: `/bucket/dir/file.jpg`, `obs://bucket/dir/`,
// `s3://bucket/key`. Parsed and checked in this one place.
import { errors } from '#src/core/errors.ts';

export interface ObjectPath {
  bucket: string;
  /** '' for the bucket root; a trailing '/' means a folder. */
  key: string;
}

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Why a key is unsafe, or undefined when it is fine. */
export function keyProblem(key: string): string | undefined {
  if (key.includes('\0')) return 'contains NUL';
  if (key.includes('\\')) return 'contains a backslash';
  if (key.startsWith('/')) return 'is absolute';
  const segments = key.split('/');
  // A trailing '/' (folder) leaves one empty last segment; any other empty segment is '//'.
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!;
    if (s === '..' || s === '.') return `has a "${s}" segment`;
    if (s === '' && i !== segments.length - 1 && key !== '') return 'has an empty segment (//)';
  }
  return undefined;
}

export function bucketProblem(bucket: string): string | undefined {
  if (!BUCKET.test(bucket) || bucket.includes('..')) {
    return 'bucket names have 3-63 lowercase letters, digits, "-" or ".", starting and ending with a letter or digit';
  }
  return undefined;
}

/** Throws a 400 naming `field` when the bucket or key is unsafe. */
export function checkObjectPath(bucket: string, key: string, field: string): void {
  const problem = bucketProblem(bucket) ?? keyProblem(key);
  if (problem) throw errors.badParam(`${field} ${problem}`);
}

/** Parses `/bucket/key`, `obs://bucket/key` or `s3://bucket/key`; 400 naming `field` if unsafe. */
export function parseObsPath(path: string, field: string): ObjectPath {
  const m = /^(?:(?:obs|s3):\/\/|\/)([^/]*)(?:\/(.*))?$/s.exec(path);
  if (!m) throw errors.badParam(`${field} must look like /bucket/path or obs://bucket/path`);
  const bucket = m[1] ?? '';
  const key = m[2] ?? '';
  checkObjectPath(bucket, key, field);
  return { bucket, key };
}

/** `/bucket/key`, the form the API answers with. */
export function formatObsPath(p: ObjectPath): string {
  return `/${p.bucket}/${p.key}`;
}

/** Joins key parts with single '/' (parts are not re-validated; check the result if it came from input). */
export function joinKey(...parts: string[]): string {
  return parts
    .filter((p) => p !== '')
    .map((p, i, all) => {
      let s = i === 0 ? p : p.replace(/^\/+/, '');
      if (i < all.length - 1) s = s.replace(/\/+$/, '');
      return s;
    })
    .join('/');
}

/** Whether `child` is `parent` or lies under it, on whole segments. */
export function isInside(parent: ObjectPath, child: ObjectPath): boolean {
  if (parent.bucket !== child.bucket) return false;
  const base = parent.key.replace(/\/+$/, '');
  if (base === '') return true;
  const key = child.key.replace(/\/+$/, '');
  return key === base || key.startsWith(`${base}/`);
}
