// The signature of an object URL: HMAC-SHA256 over what the URL names (bucket, key, image process,
// expiry) with a key derived from the installation's master key, so every replica sharing the master
// key accepts the URLs any of them issued, and nothing else shares the key.
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/** What a signed URL names; nothing outside it can be fetched with the signature. */
export interface SignedObject {
  bucket: string;
  key: string;
  /** The x-image-process of a derived image ('' for the object itself). */
  process: string;
  /** Epoch seconds after which the URL is refused. */
  expires: number;
}

/** Expiry times are rounded up to this step, so URLs issued within it are equal (browser caches hit). */
const EXPIRY_STEP_SECONDS = 60;

const canonical = (o: SignedObject): string => ['GET', o.bucket, o.key, o.process, String(o.expires)].join('\n');

export class UrlSigner {
  private readonly key: Buffer;

  constructor(masterKey: Buffer) {
    this.key = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'atelier/object-urls/v1', 32));
  }

  sign(o: SignedObject): string {
    return createHmac('sha256', this.key).update(canonical(o)).digest('base64url');
  }

  /** Whether the signature is the one of `o` (compared in constant time). */
  verify(o: SignedObject, signature: string): boolean {
    const want = Buffer.from(this.sign(o));
    const got = Buffer.from(signature);
    return got.length === want.length && timingSafeEqual(got, want);
  }
}

/** The expiry of a URL issued at `nowMs` that lives `ttlSeconds` (at most one step longer). */
export function expiryOf(nowMs: number, ttlSeconds: number): number {
  return Math.ceil((Math.floor(nowMs / 1000) + ttlSeconds) / EXPIRY_STEP_SECONDS) * EXPIRY_STEP_SECONDS;
}
