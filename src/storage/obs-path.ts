// OBS-style object paths as the API carries them: `/bucket/dir/file.jpg`, `obs://bucket/dir/`,
// `s3://bucket/key`. Parsed and checked in this one place; the stores re-check every key with the
// same rules.
import { errors } from '#src/core/errors.ts';

export interface ObjectPath {
  bucket: string;
  /** '' for the bucket root; a trailing '/' means a folder. */
  key: string;
}

/** S3 and OBS both cap keys at 1024 bytes of UTF-8. */
export const MAX_KEY_BYTES = 1024;

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const IPV4 = /^\d+\.\d+\.\d+\.\d+$/;

const SLASH = 0x2f;
const DOT = 0x2e;

/**
 * Why a key (or key prefix) is unsafe, or undefined when it is fine. '' (the bucket root) is fine.
 * One pass over the characters: every sample path goes through here, often twice.
 */
export function keyProblem(key: string): string | undefined {
  let nul = false;
  let control = false;
  let backslash = false;
  let segment: string | undefined;
  let segmentStart = 0;
  for (let i = 0; i <= key.length; i++) {
    // The end of the key closes the last segment as a '/' would.
    const c = i < key.length ? key.charCodeAt(i) : SLASH;
    if (c === SLASH) {
      const length = i - segmentStart;
      // A trailing '/' (folder) leaves one empty last segment; any other empty segment is '//'.
      if (length === 0 && i < key.length && i > 0) segment ??= 'has an empty segment (//)';
      else if (key.charCodeAt(segmentStart) === DOT && (length === 1 || (length === 2 && key.charCodeAt(segmentStart + 1) === DOT))) {
        segment ??= `has a "${key.slice(segmentStart, i)}" segment`;
      }
      segmentStart = i + 1;
    } else if (c < 0x20 || c === 0x7f) {
      // Control characters are legal in S3 keys but break XML listings and shell tools alike.
      if (c === 0) nul = true;
      else control = true;
    } else if (c === 0x5c) {
      backslash = true;
    }
  }
  if (nul) return 'contains NUL';
  if (control) return 'contains a control character';
  if (backslash) return 'contains a backslash';
  if (key.charCodeAt(0) === SLASH) return 'is absolute';
  if (key.length * 3 > MAX_KEY_BYTES && Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) return `is longer than ${MAX_KEY_BYTES} bytes`;
  return segment;
}

// A server meets few bucket names, each many times (every sample path names one).
const goodBuckets = new Set<string>();

/** Why a bucket name breaks the OBS naming rules, or undefined when it is fine. */
export function bucketProblem(bucket: string): string | undefined {
  if (goodBuckets.has(bucket)) return undefined;
  if (bucket === '') return 'names no bucket';
  if (!BUCKET.test(bucket) || /\.\.|\.-|-\./.test(bucket) || IPV4.test(bucket)) {
    return `has bucket name "${bucket}"; bucket names have 3-63 lowercase letters, digits, "-" or ".", start and end with a letter or digit, and are not IP addresses`;
  }
  if (goodBuckets.size >= 1000) goodBuckets.clear();
  goodBuckets.add(bucket);
  return undefined;
}

/** Throws a 400 naming `field` when the bucket or the key (or prefix) is unsafe. */
export function checkObjectPath(bucket: string, key: string, field: string): void {
  const problem = bucketProblem(bucket) ?? keyProblem(key);
  if (problem) throw errors.badParam(`${field}: ${problem}`);
}

/** As checkObjectPath, and the key must name an object (not the bucket root). */
export function checkObjectKey(bucket: string, key: string, field: string): void {
  checkObjectPath(bucket, key, field);
  if (key === '') throw errors.badParam(`${field}: names a bucket, not an object`);
}

/** Parses `/bucket/key`, `obs://bucket/key` or `s3://bucket/key`; a 400 naming `field` if unsafe. */
export function parseObsPath(path: string, field: string): ObjectPath {
  const m = /^(?:(?:obs|s3):\/\/|\/)([^/]*)(?:\/(.*))?$/s.exec(path);
  if (!m) throw errors.badParam(`${field}: must look like /bucket/path or obs://bucket/path`);
  const bucket = m[1] ?? '';
  const key = m[2] ?? '';
  checkObjectPath(bucket, key, field);
  return { bucket, key };
}

/** `/bucket/key`, the form the API answers with. */
export function formatObsPath(path: ObjectPath): string;
export function formatObsPath(bucket: string, key: string): string;
export function formatObsPath(a: ObjectPath | string, key?: string): string {
  return typeof a === 'string' ? `/${a}/${key ?? ''}` : `/${a.bucket}/${a.key}`;
}

/**
 * Joins key parts with single '/', keeping a trailing '/' of the last part (a folder). Parts are not
 * re-validated; check the result when a part came from input.
 */
export function joinKey(...parts: string[]): string {
  const kept = parts.filter((p) => p !== '');
  return kept
    .map((p, i) => {
      let s = i === 0 ? p : p.replace(/^\/+/, '');
      if (i < kept.length - 1) s = s.replace(/\/+$/, '');
      return s;
    })
    .filter((p) => p !== '')
    .join('/');
}

/** Whether key `child` is key `parent` or lies under it, on whole segments ('' holds every key). */
export function isKeyInside(parent: string, child: string): boolean {
  const base = parent.replace(/\/+$/, '');
  if (base === '') return true;
  const key = child.replace(/\/+$/, '');
  return key === base || key.startsWith(`${base}/`);
}

/** Whether `child` is `parent` or lies under it: same bucket, key prefix on whole segments. */
export function isInside(parent: ObjectPath, child: ObjectPath): boolean {
  return parent.bucket === child.bucket && isKeyInside(parent.key, child.key);
}
