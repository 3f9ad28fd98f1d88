// A dataset version as a job input. The wiring (modules/index.ts) gives training the one lookup it
// needs from the datasets family: where the version's manifest is. When the job starts, the manifest
// is staged into the channel's folder, and so is every file it references: hard links to the fs
// store's files where it can (no copy, so 100k images stage in about the time of listing them),
// copies otherwise, downloads from an S3 store. They go to a folder of their own, shown read-only to
// the job, as <bucket>/<key>. Beside the manifest goes a second one, the same lines with each source
// (and annotation-loc) replaced by the local path, which is what the job is pointed at.
import { createReadStream, createWriteStream, chmodSync, copyFileSync, linkSync, mkdirSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { ObjectNotFoundError, mapLimit, type LocalFile, type ObjectStore } from '#src/storage/object-store.ts';
import { parseObsPath, type ObjectPath } from '#src/storage/obs-path.ts';

export interface DatasetManifestSource {
  /** The object path of the version's manifest; 404 for an invisible dataset, 400 for a missing or unfinished version. */
  versionManifest(projectId: string, datasetId: string, versionId: string): Promise<string>;
}

/** The manifest with local sources, beside the version's own: `pets-V001.manifest` -> `pets-V001.local.manifest`. */
export function localManifestName(manifestName: string): string {
  return manifestName.endsWith('.manifest') ? `${manifestName.slice(0, -'.manifest'.length)}.local.manifest` : `${manifestName}.local.manifest`;
}

export interface StageDatasetOptions {
  objects: ObjectStore;
  /** The version's manifest, already staged in the channel's folder (host path). */
  manifest: string;
  /** Where the manifest with local sources is written (host path). */
  localManifest: string;
  /** The folder the referenced files go to, as <bucket>/<key>; the job sees it at the same path. */
  filesDir: string;
  /** Whether the job's account may read a bucket (BucketAccess.allows); a file of any other is never staged. */
  mayRead: (bucket: string) => Promise<boolean>;
  /** The job runs as another user: files it could not read are copied readable, folders made traversable. */
  otherUser: boolean;
  signal?: AbortSignal;
}

export interface StagedDataset {
  /** Lines written to the local manifest. */
  samples: number;
  /** Distinct files placed (linked, copied or downloaded). */
  files: number;
  bytes: number;
  linked: number;
  /** Copied or downloaded. */
  copied: number;
  /** Lines left out because a file they reference is gone from the store. */
  missing: number;
}

/** A manifest line refers to a bucket the job's account may not read: the job fails, nothing of it is shown. */
export class ForeignBucketError extends Error {}

/** Lines handled at a time: their files are looked up together and placed before the next batch is read. */
const BATCH_LINES = 1000;
/** Downloads at once from a store without local files. */
const DOWNLOADS = 8;
const CONTENT = 'content://';

interface Ref {
  bucket: string;
  key: string;
}

interface Line {
  text: string;
  record?: Record<string, unknown>;
  source?: Ref;
  locs: { annotation: Record<string, unknown>; ref: Ref }[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function refOf(value: unknown): Ref | undefined {
  if (typeof value !== 'string' || value === '' || value.startsWith(CONTENT)) return undefined;
  let p: ObjectPath;
  try {
    p = parseObsPath(value, 'source');
  } catch {
    return undefined;
  }
  return p.key === '' || p.key.endsWith('/') ? undefined : { bucket: p.bucket, key: p.key };
}

function parseLine(text: string): Line {
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch {
    return { text, locs: [] };
  }
  if (!isObject(record)) return { text, locs: [] };
  const locs: Line['locs'] = [];
  if (Array.isArray(record.annotation)) {
    for (const a of record.annotation) {
      const ref = isObject(a) ? refOf(a['annotation-loc']) : undefined;
      if (ref) locs.push({ annotation: a as Record<string, unknown>, ref });
    }
  }
  const source = refOf(record.source);
  return { text, record, ...(source ? { source } : {}), locs };
}

const errnoOf = (e: unknown) => (e as NodeJS.ErrnoException | undefined)?.code;

/** Places the referenced files and writes the local manifest; returns what it did. */
export async function stageDatasetFiles(o: StageDatasetOptions): Promise<StagedDataset> {
  const done: StagedDataset = { samples: 0, files: 0, bytes: 0, linked: 0, copied: 0, missing: 0 };
  const allowed = new Map<string, boolean>();
  const madeDirs = new Set<string>();
  /** Hard links work here (same file system, allowed); once one is refused, files are copied. */
  let linkable = true;

  const ensureDir = (dir: string): void => {
    if (madeDirs.has(dir)) return;
    if (dir !== o.filesDir && dir.length > o.filesDir.length) ensureDir(dirname(dir));
    try {
      mkdirSync(dir);
    } catch (e) {
      if (errnoOf(e) !== 'EEXIST') throw e;
    }
    if (o.otherUser) chmodSync(dir, 0o755);
    madeDirs.add(dir);
  };
  const targetOf = (r: Ref) => join(o.filesDir, r.bucket, r.key);

  /** Links (or copies) a local file to its target; false when it vanished meanwhile. */
  const placeLocal = (file: LocalFile, target: string): boolean => {
    ensureDir(dirname(target));
    const readable = !o.otherUser || (file.mode & 0o004) !== 0;
    if (linkable && readable) {
      try {
        linkSync(file.path, target);
        done.linked++;
        return true;
      } catch (e) {
        const code = errnoOf(e);
        if (code === 'EEXIST') return true; // staged before (a restart), or by a duplicate line
        if (code === 'ENOENT') return false;
        // Another file system, or links refused: copies from now on.
        if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'EMLINK') throw e;
        linkable = false;
      }
    }
    try {
      copyFileSync(file.path, target);
    } catch (e) {
      if (errnoOf(e) === 'ENOENT') return false;
      throw e;
    }
    if (o.otherUser) chmodSync(target, 0o644);
    done.copied++;
    return true;
  };

  const download = async (r: Ref, target: string): Promise<number | undefined> => {
    ensureDir(dirname(target));
    try {
      await pipeline(await o.objects.get(r.bucket, r.key), createWriteStream(target, { mode: 0o644 }));
    } catch (e) {
      if (e instanceof ObjectNotFoundError) return undefined;
      throw e;
    }
    done.copied++;
    return statSync(target).size;
  };

  /** Places every file of the batch; returns the refs whose file is missing ("bucket/key"). */
  const placeBatch = async (lines: Line[]): Promise<Set<string>> => {
    const byBucket = new Map<string, Set<string>>();
    for (const l of lines) {
      for (const r of [...(l.source ? [l.source] : []), ...l.locs.map((x) => x.ref)]) {
        let keys = byBucket.get(r.bucket);
        if (!keys) byBucket.set(r.bucket, (keys = new Set()));
        keys.add(r.key);
      }
    }
    const missing = new Set<string>();
    for (const [bucket, keySet] of byBucket) {
      let may = allowed.get(bucket);
      if (may === undefined) allowed.set(bucket, (may = await o.mayRead(bucket)));
      if (!may) {
        const [first] = keySet;
        throw new ForeignBucketError(`the version references /${bucket}/${first ?? ''}, in bucket ${bucket}, which this account may not read`);
      }
      const keys = [...keySet];
      if (o.objects.localFiles) {
        const files = await o.objects.localFiles(bucket, keys);
        keys.forEach((key, i) => {
          const file = files[i];
          if (file && placeLocal(file, targetOf({ bucket, key }))) {
            done.files++;
            done.bytes += file.size;
          } else missing.add(`${bucket}/${key}`);
        });
      } else {
        await mapLimit(keys, DOWNLOADS, async (key) => {
          const size = await download({ bucket, key }, targetOf({ bucket, key }));
          if (size === undefined) missing.add(`${bucket}/${key}`);
          else {
            done.files++;
            done.bytes += size;
          }
        });
      }
    }
    return missing;
  };

  const out = createWriteStream(o.localManifest);
  let writeError: Error | undefined;
  out.on('error', (e) => (writeError ??= e));
  const write = async (text: string): Promise<void> => {
    if (writeError) throw writeError;
    // once() rejects when the stream fails meanwhile.
    if (!out.write(text)) await once(out, 'drain');
    if (writeError) throw writeError;
  };
  const flush = async (lines: Line[]) => {
    o.signal?.throwIfAborted();
    const missing = await placeBatch(lines);
    const gone = (r: Ref) => missing.has(`${r.bucket}/${r.key}`);
    let text = '';
    for (const l of lines) {
      if (!l.record || (!l.source && l.locs.length === 0)) {
        // content:// text samples and lines that name no object stay as they are.
        text += `${l.text}\n`;
        done.samples++;
        continue;
      }
      if ((l.source && gone(l.source)) || l.locs.some((x) => gone(x.ref))) {
        done.missing++;
        continue;
      }
      if (l.source) l.record.source = targetOf(l.source);
      for (const x of l.locs) x.annotation['annotation-loc'] = targetOf(x.ref);
      text += `${JSON.stringify(l.record)}\n`;
      done.samples++;
    }
    await write(text);
  };

  try {
    mkdirSync(o.filesDir, { recursive: true });
    if (o.otherUser) chmodSync(dirname(o.filesDir), 0o755);
    ensureDir(o.filesDir);
    const reader = createInterface({ input: createReadStream(o.manifest, { encoding: 'utf8' }), crlfDelay: Infinity });
    let batch: Line[] = [];
    for await (const text of reader) {
      if (text.trim() === '') continue;
      batch.push(parseLine(text));
      if (batch.length >= BATCH_LINES) {
        await flush(batch);
        batch = [];
      }
    }
    if (batch.length > 0) await flush(batch);
  } finally {
    await new Promise<void>((resolve) => (out.closed ? resolve() : out.end(() => resolve()).once('close', resolve)));
  }
  if (writeError) throw writeError;
  return done;
}
