// The folder of a batch run in a pod (kubernetes executor), shared by the server that stages it and the command that
// runs in it (`atelier batch run DIR`):
//   DIR/job/job.json          what to run: the batch config, the model's api, the input files, how to call the server
//   DIR/files/<bucket>/<key>  the input files as staged (a local object store)
//   DIR/out/<bucket>/<key>    the results and manifests, written as runBatch names them; uploaded to dest_path
//   DIR/results/counts.json   the run's counts, read back by the server
// The model server runs beside the command in the same pod (a native sidecar) and is called on localhost, through the
// same runBatch as the local executor's instances.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConfigApi } from '#src/modules/models/index.ts';
import { FsObjectStore } from '#src/storage/fs-store.ts';
import type { ObjectPath } from '#src/storage/obs-path.ts';
import { batchPaths, runBatch, type BatchConfig, type BatchCounts } from './batch-service.ts';
import { LocalServerInstance, waitForServer, type ServerTarget } from './local-server-instance.ts';

export const BATCH_JOB_FILE = 'job/job.json';
export const BATCH_FILES_DIR = 'files';
export const BATCH_OUT_DIR = 'out';
export const BATCH_RESULTS_DIR = 'results';
export const BATCH_COUNTS_FILE = 'counts.json';
/** How long the command waits for the model server to accept connections (the sidecar's startup probe comes first). */
const SERVER_WAIT_MS = 10 * 60_000;

export interface StagedBatch {
  config: BatchConfig;
  /** The model's first api, as runBatch calls it. */
  api: ConfigApi | undefined;
  /** The input files, in the order the server listed them. */
  files: ObjectPath[];
  /** The buckets of those files the service's account may read; a file of another is reported, never read. */
  readable: string[];
  /** Requests in flight at once (the config's instance_count): each writes its own manifest, as an instance does. */
  workers: number;
  predictTimeoutMs?: number;
  target: ServerTarget;
}

export interface StagedCounts {
  counts: BatchCounts;
}

/** A place the pod downloads: a folder (key ending in "/") or a single file of a bucket. */
export interface StagedPlace {
  bucket: string;
  key: string;
}

const folderOf = (key: string): string => key.slice(0, key.lastIndexOf('/') + 1);
/** More places than this in one bucket are staged as the one folder that holds them all. */
const MAX_PLACES_PER_BUCKET = 64;

/** What to download so that every file is in the pod: a folder with one file stages that file, else the folder. */
export function batchPlaces(files: readonly ObjectPath[]): StagedPlace[] {
  const byBucket = new Map<string, Map<string, string[]>>();
  for (const f of files) {
    const folders = byBucket.get(f.bucket) ?? new Map<string, string[]>();
    byBucket.set(f.bucket, folders);
    const folder = folderOf(f.key);
    folders.set(folder, [...(folders.get(folder) ?? []), f.key]);
  }
  const places: StagedPlace[] = [];
  for (const [bucket, folders] of byBucket) {
    const sorted = [...folders.keys()].sort((a, b) => a.length - b.length || a.localeCompare(b));
    const chosen: string[] = [];
    const mine: StagedPlace[] = [];
    for (const folder of sorted) {
      if (chosen.some((c) => folder.startsWith(c))) continue;
      const keys = [...new Set(folders.get(folder))];
      if (keys.length === 1) mine.push({ bucket, key: keys[0]! });
      else {
        chosen.push(folder);
        mine.push({ bucket, key: folder });
      }
    }
    if (mine.length <= MAX_PLACES_PER_BUCKET) places.push(...mine);
    else {
      let prefix = sorted[0] ?? '';
      for (const k of sorted) while (!k.startsWith(prefix)) prefix = prefix.slice(0, -1);
      places.push({ bucket, key: folderOf(prefix) });
    }
  }
  return places;
}

/** Where a place lands below a files folder: its bucket's folder, then the place's own folder. */
export const batchPlaceDir = (filesDir: string, p: StagedPlace): string => `${filesDir}/${p.bucket}/${folderOf(p.key)}`;

async function* listed(files: readonly ObjectPath[]): AsyncGenerator<ObjectPath> {
  for (const f of files) yield f;
}

/** Runs the batch staged in `dir` against the model server on localhost:`port`; writes and returns its counts. */
export async function runStagedBatch(dir: string, port: number, signal: AbortSignal): Promise<BatchCounts> {
  const job = JSON.parse(await readFile(join(dir, BATCH_JOB_FILE), 'utf8')) as StagedBatch;
  const store = new FsObjectStore(join(dir, BATCH_FILES_DIR));
  const output = new FsObjectStore(join(dir, BATCH_OUT_DIR));
  const readable = new Set(job.readable);
  const instances = Array.from({ length: Math.max(1, job.workers) }, (_, i) => new LocalServerInstance(`worker-${i}`, port, job.target));
  try {
    await output.ensureBucket(batchPaths(job.config).dest.bucket);
    await waitForServer(port, SERVER_WAIT_MS, signal);
    const counts = await runBatch(
      { store, output, source: listed(job.files), readable: async (b) => readable.has(b), predictTimeoutMs: job.predictTimeoutMs },
      job.config,
      job.api,
      instances,
      signal,
    );
    await mkdir(join(dir, BATCH_RESULTS_DIR), { recursive: true });
    const result: StagedCounts = { counts };
    await writeFile(join(dir, BATCH_RESULTS_DIR, BATCH_COUNTS_FILE), JSON.stringify(result));
    return counts;
  } finally {
    await Promise.all(instances.map((i) => i.stop()));
    await Promise.all([store.close(), output.close()]);
  }
}
