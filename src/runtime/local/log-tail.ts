import { open } from 'node:fs/promises';

export interface LogTail {
  content: string;
  /** Bytes returned. */
  currentSize: number;
  /** Size of the whole file. */
  fullSize: number;
}

/**
 * The last `maxBytes` of a file, read from the end (never the whole file). A cut inside a multi-byte
 * character or a line is moved forward to the next line start. A missing file reads as empty.
 */
export async function readTail(path: string, maxBytes: number): Promise<LogTail> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { content: '', currentSize: 0, fullSize: 0 };
    throw e;
  }
  try {
    const { size } = await fh.stat();
    const length = Math.min(size, maxBytes);
    const buf = Buffer.alloc(length);
    if (length > 0) await fh.read(buf, 0, length, size - length);
    return tailOf(buf, size);
  } finally {
    await fh.close();
  }
}

/** The tail of a log of `fullSize` bytes whose last bytes are `end`: cut forward to a line start when `end` is not all of it. */
export function tailOf(end: Buffer, fullSize: number): LogTail {
  let start = 0;
  if (end.length < fullSize) {
    const nl = end.indexOf(0x0a);
    start = nl >= 0 ? nl + 1 : 0;
    // Without a newline, at least skip UTF-8 continuation bytes.
    while (nl < 0 && start < end.length && (end[start]! & 0xc0) === 0x80) start++;
  }
  const part = end.subarray(start);
  return { content: part.toString('utf8'), currentSize: part.length, fullSize };
}
