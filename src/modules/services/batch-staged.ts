// The folder of a batch run in a pod (kubernetes executor), shared by the server that stages it and the command that
// runs in it (`atelier batch run DIR`):
//   DIR/job/job.json          what to run: the batch config, the model's api, the input files, how to call the server
//   DIR/files/<bucket>/<key>  the input files as staged (a local object store)
//   DIR/out/<bucket>/<key>    the results and manifests, written as runBatch names them; uploaded to dest_path
//   DIR/results/counts-<shard>.json   the counts of the pod's shard, read back by the server
// A run has one pod per instance (an indexed Job): the pod of completion index i is instance i, which predicts its
// shard of the files and writes infer-result-<i>.manifest, as local instance i would. Its model server runs beside the
// command in the same pod (a native sidecar) and is called on localhost, through the same runBatch as the local
// executor's instances.
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
/** The counts file of a shard in DIR/results/. */
export const batchCountsFile = (shard: number): string => `counts-${shard}.json`;
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
  /** The run's pods (the config's instance_count): each predicts its shard of `files`, one request at a time. */
  shards?: number;
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

/** The files of one shard: a contiguous run of the list, so that the files of a folder mostly stay together. */
export function batchShard<T>(files: readonly T[], shards: number, shard: number): T[] {
  const at = (i: number) => Math.floor((i * files.length) / shards);
  return files.slice(at(shard), at(shard + 1));
}

/** The pod's shard: its completion index in the Job (Kubernetes sets JOB_COMPLETION_INDEX in an indexed Job's pods). */
function shardOfPod(shards: number): number {
  const raw = process.env.JOB_COMPLETION_INDEX;
  const shard = raw === undefined || raw === '' ? 0 : Number(raw);
  if (!Number.isInteger(shard) || shard < 0 || shard >= shards) throw new Error(`JOB_COMPLETION_INDEX ${raw ?? ''} is not a shard of 0..${shards - 1}`);
  return shard;
}

async function* listed(files: readonly ObjectPath[]): AsyncGenerator<ObjectPath> {
  for (const f of files) yield f;
}

/** Runs this pod's shard of the batch staged in `dir` against the model server on localhost:`port`; writes and returns its counts. */
export async function runStagedBatch(dir: string, port: number, signal: AbortSignal): Promise<BatchCounts> {
  const job = JSON.parse(await readFile(join(dir, BATCH_JOB_FILE), 'utf8')) as StagedBatch;
  const shards = Math.max(1, job.shards ?? 1);
  const shard = shardOfPod(shards);
  const store = new FsObjectStore(join(dir, BATCH_FILES_DIR));
  const output = new FsObjectStore(join(dir, BATCH_OUT_DIR));
  const readable = new Set(job.readable);
  const instance = new LocalServerInstance(`instance-${shard}`, port, job.target);
  try {
    await output.ensureBucket(batchPaths(job.config).dest.bucket);
    await waitForServer(port, SERVER_WAIT_MS, signal);
    const counts = await runBatch(
      {
        store,
        output,
        source: listed(batchShard(job.files, shards, shard)),
        readable: async (b) => readable.has(b),
        predictTimeoutMs: job.predictTimeoutMs,
        firstInstance: shard,
      },
      job.config,
      job.api,
      [instance],
      signal,
    );
    await mkdir(join(dir, BATCH_RESULTS_DIR), { recursive: true });
    const result: StagedCounts = { counts };
    await writeFile(join(dir, BATCH_RESULTS_DIR, batchCountsFile(shard)), JSON.stringify(result));
    return counts;
  } finally {
    await instance.stop();
    await Promise.all([store.close(), output.close()]);
  }
}
