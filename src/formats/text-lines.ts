// Reading an object line by line without holding it whole: UTF-8 (with or without a BOM) or, for
// text datasets, GBK, told apart from the first bytes.
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import type { ObjectStore } from '#src/storage/object-store.ts';
import type { ObjectPath } from '#src/storage/obs-path.ts';
import { formatObsPath } from '#src/storage/obs-path.ts';
import { FormatError } from './format-error.ts';

export type TextEncoding = 'utf-8' | 'gbk';

/** The bytes looked at to choose between UTF-8 and GBK. */
const SNIFF_BYTES = 64 * 1024;
/** A longer line is refused rather than buffered: no sample or manifest line is that long. */
export const MAX_LINE_CHARS = 16 * 1024 * 1024;

function toBuffer(chunk: unknown): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
}

function isUtf8(bytes: Buffer): boolean {
  try {
    // stream: true so a character cut at the end of the sniffed bytes is not counted as invalid.
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/**
 * Which line of a chunk holds the first invalid UTF-8, counted from the chunk's first line. A '\n' byte
 * is never inside a UTF-8 character, so the lines are checked one by one; the first line may continue
 * a character begun in the previous chunk and is taken as valid.
 */
function badLineOffset(bytes: Buffer): number {
  let start = bytes.indexOf(0x0a) + 1;
  if (start === 0) return 0;
  for (let line = 1; start < bytes.length; line++) {
    const end = bytes.indexOf(0x0a, start);
    if (!isUtf8(bytes.subarray(start, end < 0 ? bytes.length : end))) return line;
    if (end < 0) break;
    start = end + 1;
  }
  return 0;
}

/**
 * The object's text as a stream of strings. With `allowGbk`, bytes that are not UTF-8 in the first
 * 64 KiB are read as GBK (the guide allows both for text classification); otherwise invalid UTF-8 is
 * a FormatError. A UTF-8 BOM is dropped.
 */
async function* decodeChunks(source: Readable, file: string, allowGbk: boolean): AsyncGenerator<string> {
  let decoder: TextDecoder | undefined;
  const head: Buffer[] = [];
  let headSize = 0;
  let lineHint = 1;
  // Characters since the last '\n', so an endless line is refused before readline buffers it.
  let run = 0;
  const decode = (bytes: Buffer, final: boolean): string => {
    let s: string;
    try {
      s = decoder!.decode(bytes, { stream: !final });
    } catch {
      throw new FormatError({ file, line: lineHint + badLineOffset(bytes) }, allowGbk ? 'text is neither UTF-8 nor GBK' : 'text is not UTF-8');
    }
    let last = -1;
    for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) {
      lineHint++;
      last = i;
    }
    run = last < 0 ? run + s.length : s.length - last - 1;
    if (run > MAX_LINE_CHARS) throw new FormatError({ file, line: lineHint }, `line longer than ${MAX_LINE_CHARS} characters`);
    return s;
  };
  const choose = (bytes: Buffer): void => {
    const gbk = allowGbk && !isUtf8(bytes);
    // fatal for UTF-8 only: GBK decoding never fails, it substitutes.
    decoder = gbk ? new TextDecoder('gbk') : new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  };
  for await (const chunk of source) {
    const b = toBuffer(chunk);
    if (!decoder) {
      head.push(b);
      headSize += b.length;
      if (headSize < SNIFF_BYTES) continue;
      const first = Buffer.concat(head);
      choose(first);
      yield decode(first, false);
      continue;
    }
    yield decode(b, false);
  }
  if (!decoder) {
    const first = Buffer.concat(head);
    choose(first);
    yield decode(first, true);
  } else {
    yield decode(Buffer.alloc(0), true);
  }
}

/**
 * The lines of an object, without their end of line ('\n' or '\r\n'), each with its 1-based number.
 * Blank lines are yielded too (callers decide). Throws ObjectNotFoundError when the object is missing,
 * FormatError for undecodable text or a line past MAX_LINE_CHARS.
 */
export async function* readLines(
  store: ObjectStore,
  path: ObjectPath,
  opts: { allowGbk?: boolean; signal?: AbortSignal } = {},
): AsyncGenerator<{ line: number; text: string }> {
  const file = formatObsPath(path);
  const source = await store.get(path.bucket, path.key);
  const text = Readable.from(decodeChunks(source, file, opts.allowGbk ?? false));
  const rl = createInterface({ input: text, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const raw of rl) {
      line++;
      opts.signal?.throwIfAborted();
      yield { line, text: raw };
    }
  } finally {
    rl.close();
    text.destroy();
    source.destroy();
  }
}
