// The SDK-HMAC-SHA256 canonical request (spec/SIGNING.md), shared by the server's verifier and the
// typed client's signer so both always agree.
import * as crypto from 'node:crypto';
import { createHash, createHmac } from 'node:crypto';

export const ALGORITHM = 'SDK-HMAC-SHA256';
export const EMPTY_BODY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

// Every signed request goes through these; most paths and values need no escaping at all, and
// skipping the decode/encode round trip for them is a large part of the verifier's cost.
const UNRESERVED = /^[A-Za-z0-9\-_.~]*$/;
const UNRESERVED_PATH = /^[A-Za-z0-9\-_.~/]*$/;

/** Python's quote(s, safe='~'): only A-Z a-z 0-9 - _ . ~ stay literal. */
export function encodeComponent(s: string): string {
  if (UNRESERVED.test(s)) return s;
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Percent-decodes; a malformed escape throws URIError. */
function decode(s: string): string {
  return s.includes('%') ? decodeURIComponent(s) : s;
}

/** Decoded path, split on '/', each segment re-encoded, always ending in '/'. */
export function canonicalUri(rawPath: string): string {
  const encoded = UNRESERVED_PATH.test(rawPath) ? rawPath : decode(rawPath).split('/').map(encodeComponent).join('/');
  return encoded.endsWith('/') ? encoded : `${encoded}/`;
}

export type QueryPairs = Array<[string, string]>;

/** Pairs of a raw query string, decoded ('+' stays '+': the SDKs encode spaces as %20). */
export function parseQuery(rawQuery: string): QueryPairs {
  if (rawQuery === '') return [];
  return rawQuery
    .split('&')
    .filter((p) => p !== '')
    .map((p) => {
      const eq = p.indexOf('=');
      return eq < 0 ? [decode(p), ''] : [decode(p.slice(0, eq)), decode(p.slice(eq + 1))];
    });
}

const byKeyThenValue = (a: [string, string], b: [string, string]): number => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);

/** Sorted by key then value, each encoded; also the query string the client puts on the wire. */
export function canonicalQuery(pairs: QueryPairs): string {
  if (pairs.length === 0) return '';
  return [...pairs]
    .sort(byKeyThenValue)
    .map(([k, v]) => `${encodeComponent(k)}=${encodeComponent(v)}`)
    .join('&');
}

export type HeaderBag = Record<string, string | string[] | undefined>;

function headerValue(headers: HeaderBag, name: string): string {
  const v = headers[name];
  const s = Array.isArray(v) ? v.join(',') : (v ?? '');
  // Node already strips a value's surrounding blanks; trim() is for values built otherwise.
  return s.length > 0 && (s.charCodeAt(0) <= 0x20 || s.charCodeAt(s.length - 1) <= 0x20) ? s.trim() : s;
}

// The one-shot crypto.hash (Node 20.12+) costs far less per call than a Hash or Hmac object.
type OneShotHash = (algorithm: string, data: string | Uint8Array, encoding: 'hex' | 'latin1') => string;
const oneShotHash = (crypto as { hash?: OneShotHash }).hash;

export function sha256Hex(data: string | Uint8Array): string {
  return oneShotHash ? oneShotHash('sha256', data, 'hex') : createHash('sha256').update(data).digest('hex');
}

export interface CanonicalInput {
  method: string;
  /** Path as sent, still percent-encoded, without the query. */
  rawPath: string;
  query: QueryPairs;
  /** Header names in lower case. */
  headers: HeaderBag;
  /** Lower-case names, in the order of the SignedHeaders list. */
  signedHeaders: readonly string[];
  /** The HashedPayload line: signedPayloadHash() for a signer, verifiedPayloadHash() for a verifier. */
  payloadHash: string;
}

export const CONTENT_SHA256 = 'x-sdk-content-sha256';
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

const isEmpty = (body: Uint8Array | string | undefined): body is undefined => body === undefined || body.length === 0;

/** The signer's HashedPayload, as the SDKs compute it: a declared X-Sdk-Content-Sha256 wins over a non-empty body. */
export function signedPayloadHash(headers: HeaderBag, body: Uint8Array | string | undefined): string {
  if (isEmpty(body)) return EMPTY_BODY_SHA256;
  const declared = headerValue(headers, CONTENT_SHA256);
  return declared !== '' ? declared : sha256Hex(body);
}

export type PayloadRefusal = 'content-sha256-mismatch' | 'unsigned-payload-not-allowed';

/**
 * The verifier's HashedPayload, or why the declared one is refused. A declared X-Sdk-Content-Sha256
 * counts only when it is itself signed, and then only as the SHA-256 of the body received, or as
 * UNSIGNED-PAYLOAD on a route whose body is a stream. An unsigned one is ignored: the body's own hash
 * goes into the canonical request, so a signature made over another body's hash cannot match.
 * An empty body needs no header lookup at all (every GET).
 */
export function verifiedPayloadHash(
  headers: HeaderBag,
  signedHeaders: readonly string[],
  body: Uint8Array | string | undefined,
  streamBody: boolean,
): string | PayloadRefusal {
  if (isEmpty(body)) return EMPTY_BODY_SHA256;
  if (!signedHeaders.includes(CONTENT_SHA256)) return sha256Hex(body);
  const declared = headerValue(headers, CONTENT_SHA256);
  if (declared === UNSIGNED_PAYLOAD) return streamBody ? declared : 'unsigned-payload-not-allowed';
  return declared.length === 64 && declared.toLowerCase() === sha256Hex(body) ? declared : 'content-sha256-mismatch';
}

/** Whether verifiedPayloadHash() refused the declared hash. */
export const isPayloadRefusal = (hash: string): hash is PayloadRefusal => hash === 'content-sha256-mismatch' || hash === 'unsigned-payload-not-allowed';

export function canonicalRequest(input: CanonicalInput): string {
  const names = input.signedHeaders;
  let headerLines = '';
  // An index loop: the iterator of a for-of over the list was allocated on every request.
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    headerLines += `${name}:${headerValue(input.headers, name)}\n`;
  }
  return `${input.method.toUpperCase()}\n${canonicalUri(input.rawPath)}\n${canonicalQuery(input.query)}\n${headerLines}\n${joinSigned(names)}\n${input.payloadHash}`;
}

export function stringToSign(sdkDate: string, canonical: string): string {
  return `${ALGORITHM}\n${sdkDate}\n${sha256Hex(canonical)}`;
}

export function signature(secretKey: string, toSign: string): string {
  return createHmac('sha256', Buffer.from(secretKey, 'utf8')).update(toSign).digest('hex');
}

const BLOCK = 64;
// The padded texts are built here: verification is synchronous, so one area serves every request.
let scratch = Buffer.allocUnsafe(1024);

/**
 * An SK ready to check signatures: HMAC-SHA256 (RFC 2104) with the key's inner and outer pads
 * computed once, each signature then two one-shot hashes. A fresh Hmac object per request costs
 * several times more (an OpenSSL context and a stream object each time). Falls back to createHmac
 * where crypto.hash is missing.
 */
export class SigningKey {
  private readonly innerPad: Buffer;
  /** The outer pad followed by room for the inner digest: the outer hash's whole input. */
  private readonly outer: Buffer;
  /** The inner pad as text when the key is ASCII (every SK Atelier issues): its UTF-8 bytes are the pad. */
  private readonly innerPadText: string | undefined;

  constructor(private readonly secretKey: string) {
    let key = Buffer.from(secretKey, 'utf8');
    if (key.length > BLOCK) key = createHash('sha256').update(key).digest();
    this.innerPad = Buffer.alloc(BLOCK, 0x36);
    this.outer = Buffer.alloc(BLOCK + 32, 0x5c);
    for (let i = 0; i < key.length; i++) {
      this.innerPad[i]! ^= key[i]!;
      this.outer[i]! ^= key[i]!;
    }
    this.innerPadText = this.innerPad.every((b) => b < 0x80) ? this.innerPad.toString('latin1') : undefined;
  }

  /** HMAC-SHA256 of the text, in lower-case hex. */
  hex(text: string): string {
    if (!oneShotHash) return createHmac('sha256', Buffer.from(this.secretKey, 'utf8')).update(text).digest('hex');
    // The inner digest as a latin1 string (one character per byte): a Buffer made by the native
    // side would cost an allocation outside the heap on every request.
    const innerHash = oneShotHash('sha256', this.innerPadText !== undefined ? this.innerPadText + text : this.padded(text), 'latin1');
    this.outer.write(innerHash, BLOCK, 'latin1');
    return oneShotHash('sha256', this.outer, 'hex');
  }

  /** The inner pad and the text's UTF-8 bytes, for keys whose pad is not ASCII. */
  private padded(text: string): Buffer {
    const room = BLOCK + text.length * 3;
    if (scratch.length < room) scratch = Buffer.allocUnsafe(room);
    this.innerPad.copy(scratch, 0);
    return scratch.subarray(0, BLOCK + scratch.write(text, BLOCK, 'utf8'));
  }

  /** Whether `signatureHex` (lower-case hex, as parseAuthorization ensures) signs the text; constant time. */
  matches(text: string, signatureHex: string): boolean {
    const expected = this.hex(text);
    if (expected.length !== signatureHex.length) return false;
    let diff = 0;
    for (let i = 0; i < expected.length; i++) diff |= expected.charCodeAt(i) ^ signatureHex.charCodeAt(i);
    return diff === 0;
  }
}

/** `YYYYMMDDTHHMMSSZ` of a date. */
export function formatSdkDate(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** Parses `YYYYMMDDTHHMMSSZ` to epoch milliseconds; undefined when malformed. */
export function parseSdkDate(s: string): number | undefined {
  if (s.length !== 16 || s.charCodeAt(8) !== 0x54 /* T */ || s.charCodeAt(15) !== 0x5a /* Z */) return undefined;
  // Every request a client signs within one second carries the same date: one entry saves the parse.
  if (s === lastDate.text) return lastDate.ms;
  const n = (from: number, to: number): number => {
    let v = 0;
    for (let i = from; i < to; i++) {
      const d = s.charCodeAt(i) - 0x30;
      if (d < 0 || d > 9) return NaN;
      v = v * 10 + d;
    }
    return v;
  };
  const month = n(4, 6);
  const day = n(6, 8);
  const hour = n(9, 11);
  const minute = n(11, 13);
  const second = n(13, 15);
  const ms = Date.UTC(n(0, 4), month - 1, day, hour, minute, second);
  // Date.UTC rolls over (month 13, second 61); a date that does not read back the same is malformed.
  if (Number.isNaN(ms) || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined;
  if (new Date(ms).getUTCDate() !== day) return undefined;
  lastDate = { text: s, ms };
  return ms;
}

let lastDate: { text: string; ms: number } = { text: '', ms: 0 };

export interface AuthorizationHeader {
  access: string;
  signedHeaders: readonly string[];
  signature: string;
}

// One pass of a compiled expression costs half of splitting, trimming and checking the parts in
// script. Blanks around each part are allowed; values hold no blank or comma. An access key is at
// most 128 characters (Atelier issues 20), which bounds what the failure limiter keeps per key.
const AUTHORIZATION = new RegExp(
  `^${ALGORITHM} [ \\t]*Access=([^\\s,]{1,128})[ \\t]*,[ \\t]*SignedHeaders=([^\\s,]+)[ \\t]*,[ \\t]*Signature=([0-9a-f]{64})[ \\t]*$`,
);

/** `SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<a;b>, Signature=<hex>`; undefined when malformed. */
export function parseAuthorization(value: string): AuthorizationHeader | undefined {
  const m = AUTHORIZATION.exec(value);
  return m ? { access: m[1]!, signedHeaders: signedHeaderList(m[2]!), signature: m[3]! } : undefined;
}

// A client sends the same SignedHeaders on every request. Reusing the list saves the split, and
// its names, once used to look headers up, are already in V8's string table.
let lastSigned: { text: string; names: readonly string[]; joined: string } = { text: '', names: [], joined: '' };

function signedHeaderList(text: string): readonly string[] {
  if (text !== lastSigned.text) {
    const names = Object.freeze(text.toLowerCase().split(';'));
    lastSigned = { text, names, joined: names.join(';') };
  }
  return lastSigned.names;
}

/** The names joined with ';', as in the canonical request. */
function joinSigned(names: readonly string[]): string {
  return names === lastSigned.names ? lastSigned.joined : names.join(';');
}

export function formatAuthorization(h: AuthorizationHeader): string {
  return `${ALGORITHM} Access=${h.access}, SignedHeaders=${h.signedHeaders.join(';')}, Signature=${h.signature}`;
}
