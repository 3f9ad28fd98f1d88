// Where a listing continues: both backends hand out the same token, naming the last key or common
// prefix returned. S3's own ListObjectsV2 tokens are not used because Huawei OBS does not implement
// them; markers (ListObjects v1) work everywhere.
import { errors } from '#src/core/errors.ts';

export interface ListPosition {
  /** The last key or common prefix returned. */
  after: string;
  /** Whether it was a common prefix, whose keys all count as returned. */
  folded: boolean;
}

/** S3's key order: UTF-8 bytes, which differs from JS string order past the BMP. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

export const encodeListToken = (p: ListPosition): string => Buffer.from(JSON.stringify([p.after, p.folded ? 1 : 0]), 'utf8').toString('base64url');

export function decodeListToken(token: string): ListPosition {
  try {
    const v: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (Array.isArray(v) && typeof v[0] === 'string' && (v[1] === 0 || v[1] === 1)) return { after: v[0], folded: v[1] === 1 };
  } catch {
    // reported below
  }
  throw errors.badParam('continuationToken: not a token this store issued');
}

/** Whether a key or common prefix was on a page up to `from`. */
export function listedBefore(from: ListPosition | undefined, key: string): boolean {
  return from !== undefined && (compareKeys(key, from.after) <= 0 || (from.folded && key.startsWith(from.after)));
}
