import { randomBytes, randomUUID } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function randomFrom(alphabet: string, length: number): string {
  // Rejection sampling keeps every character equally likely.
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length) {
    for (const b of randomBytes(length * 2)) {
      if (b < limit && out.length < length) out += alphabet[b % alphabet.length];
    }
  }
  return out;
}

/** 32 lowercase hex characters, the shape of ModelArts project, user and domain ids. */
export const hexId = (): string => randomUUID().replaceAll('-', '');
export const uuid = (): string => randomUUID();
/** Short mixed-case ids like ModelArts dataset ids (e.g. "WxCREuCkBSAlQr9xrde"). */
export const shortId = (length = 19): string => randomFrom(ALNUM, length);
/** An access key id: 20 upper-case letters and digits. */
export const accessKeyId = (): string => randomFrom(UPPER_ALNUM, 20);
/** A secret access key: 40 mixed-case letters and digits. */
export const secretAccessKey = (): string => randomFrom(ALNUM, 40);
/**
 * Request ids in the hex-id shape: a random prefix per process and a counter, unique without a
 * random draw per request.
 */
export function requestIds(): () => string {
  const prefix = randomBytes(8).toString('hex');
  let counter = 0;
  return () => prefix + (counter++).toString(16).padStart(16, '0');
}
export const opaqueToken = (): string => `ATL${randomBytes(48).toString('base64url')}`;
