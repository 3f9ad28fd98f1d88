// The file-system calls of the fs store, in two forms with one shape. `threadPool` is node:fs/promises:
// each call is a trip through libuv's thread pool, and the caller resumes only on a later turn of the
// event loop. `inline` makes the same calls synchronously: a warm metadata call (stat, realpath,
// mkdir of an existing folder, link, rename) or a small write into the page cache takes microseconds.
// Under load a turn of the event loop takes tens of milliseconds, so a small put of some twenty
// calls spent a second waiting for turns (bench/mixed-load.bench.ts); with `inline` it spends none.
// Only bounded work goes inline: small bodies, single paths; listings and streams keep the pool.
import {
  closeSync,
  constants,
  fstatSync,
  linkSync,
  openSync,
  readSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  type MakeDirectoryOptions,
  type RmOptions,
  type Stats,
  type WriteFileOptions,
} from 'node:fs';
import { link, lstat, mkdir, open, readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';

/** What one open of a path read: its stats and, when it is a regular file of at most the bytes asked, its data. */
export interface RegularRead {
  st: Stats;
  data?: Buffer;
}

/** Opened without blocking: opening a FIFO a user left in the folder must not wait for a writer. */
const READ_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK;

export interface FsIo {
  realpath(path: string): Promise<string>;
  lstat(path: string): Promise<Stats>;
  stat(path: string): Promise<Stats>;
  mkdir(path: string, opts: MakeDirectoryOptions & { recursive: true }): Promise<string | undefined>;
  link(existing: string, path: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  rm(path: string, opts?: RmOptions): Promise<void>;
  readFile(path: string, encoding: 'utf8'): Promise<string>;
  writeFile(path: string, data: string | Buffer, opts?: WriteFileOptions): Promise<void>;
  /** One open of a path: the stats of what it opened and, for a regular file of at most maxBytes, all of it. */
  readRegular(path: string, maxBytes: number): Promise<RegularRead>;
}

export const threadPool: FsIo = {
  realpath,
  lstat,
  stat,
  mkdir,
  link,
  rename,
  rm,
  readFile,
  writeFile,
  async readRegular(path, maxBytes) {
    const handle = await open(path, READ_FLAGS);
    try {
      const st = await handle.stat();
      if (!st.isFile() || st.size > maxBytes) return { st };
      const data = await handle.readFile();
      return data.length > maxBytes ? { st } : { st, data };
    } finally {
      await handle.close();
    }
  },
};

function readRegularSync(path: string, maxBytes: number): RegularRead {
  const fd = openSync(path, READ_FLAGS);
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > maxBytes) return { st };
    const data = Buffer.allocUnsafe(st.size);
    let n = 0;
    for (let got = -1; n < data.length && got !== 0; n += got) got = readSync(fd, data, n, data.length - n, n);
    return { st, data: data.subarray(0, n) };
  } finally {
    closeSync(fd);
  }
}

/** Synchronous calls behind the same promises: awaiting one costs a microtask, not a turn of the loop. */
export const inline: FsIo = {
  realpath: async (p) => realpathSync.native(p),
  lstat: async (p) => lstatSync(p),
  stat: async (p) => statSync(p),
  mkdir: async (p, opts) => mkdirSync(p, opts),
  link: async (a, b) => linkSync(a, b),
  rename: async (a, b) => renameSync(a, b),
  rm: async (p, opts) => rmSync(p, opts),
  readFile: async (p, enc) => readFileSync(p, enc),
  writeFile: async (p, data, opts) => writeFileSync(p, data, opts),
  readRegular: async (p, max) => readRegularSync(p, max),
};

/** Bodies up to this size are put inline (written in well under a millisecond). */
export const INLINE_PUT_BYTES = 1024 * 1024;
/** Objects up to this size are read whole inline when their version is known (readBuffer's `known`). */
export const INLINE_READ_BYTES = 1024 * 1024;
