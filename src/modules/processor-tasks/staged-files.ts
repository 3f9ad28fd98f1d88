// The folder of a version run in a pod (kubernetes executor), shared by the server that stages it and the command that
// runs in it (`atelier process run DIR`):
//   DIR/job/job.json          what to run: the template, the input files and the output folder
//   DIR/files/<bucket>/<key>  the input files as staged, and the output written beside them (a local object store)
//   DIR/results/              results.jsonl (one line per file result) and summary.json, read back by the server
// Inputs are staged by folder: the fewest folders that hold every input file and its annotation (a folder with a
// single such file stages just that file), so the plan stays small whatever the number of files.
import type { SampleLabel } from '#src/formats/index.ts';
import type { InputFile, ResultProperty } from './operators/context.ts';
import type { StoredTemplate } from './run-operators.ts';

export const JOB_FILE = 'job/job.json';
export const FILES_DIR = 'files';
export const RESULTS_DIR = 'results';
export const RESULTS_FILE = 'results.jsonl';
export const SUMMARY_FILE = 'summary.json';

export interface StagedJob {
  template: StoredTemplate;
  files: InputFile[];
  /** The run's output folder (bucket and a key ending in "/"), or an empty bucket when the template writes nothing. */
  output: { bucket: string; key: string };
  /** Files handed to validation at once. */
  pageSize: number;
  /** Images handled at once: the pod's CPU share, not the node's cores its container sees. */
  concurrency: number;
}

/** One line of results.jsonl: a FileResult with its origin as an index into the job's files. */
export interface StagedResult {
  file: number;
  property: ResultProperty;
  description: string[][];
  newKey?: string;
  labels?: SampleLabel[];
}

/** A folder (key ending in "/" or empty) or a single file of a bucket that the pod downloads. */
export interface StagedPlace {
  bucket: string;
  key: string;
}

/** More places than this in one bucket are staged as the one folder that holds them all. */
const MAX_PLACES_PER_BUCKET = 64;

const folderOf = (key: string): string => key.slice(0, key.lastIndexOf('/') + 1);

function commonFolder(keys: readonly string[]): string {
  let prefix = keys[0] ?? '';
  for (const k of keys) while (!k.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return folderOf(prefix);
}

/** The places to download so that every input file (and the annotation beside it) is in the pod. */
export function stagedPlaces(files: readonly InputFile[]): StagedPlace[] {
  const byBucket = new Map<string, Map<string, Set<string>>>();
  for (const f of files) {
    const folders = byBucket.get(f.bucket) ?? new Map<string, Set<string>>();
    byBucket.set(f.bucket, folders);
    for (const key of f.annotationKey ? [f.key, f.annotationKey] : [f.key]) {
      const folder = folderOf(key);
      folders.set(folder, (folders.get(folder) ?? new Set()).add(key));
    }
  }
  const places: StagedPlace[] = [];
  for (const [bucket, folders] of byBucket) {
    const chosen: string[] = [];
    const mine: StagedPlace[] = [];
    for (const folder of [...folders.keys()].sort((a, b) => a.length - b.length || a.localeCompare(b))) {
      if (chosen.some((c) => folder.startsWith(c))) continue;
      const keys = [...(folders.get(folder) ?? [])];
      if (keys.length === 1 && keys[0] !== undefined) mine.push({ bucket, key: keys[0] });
      else {
        chosen.push(folder);
        mine.push({ bucket, key: folder });
      }
    }
    // shorter folders come first: a folder below a chosen one is covered by it
    places.push(...(mine.length > MAX_PLACES_PER_BUCKET ? [{ bucket, key: commonFolder([...folders.keys()]) }] : mine));
  }
  return places;
}

/** Where a place lands below the files folder: its bucket's folder, then the place's own folder. */
export const placeDir = (filesDir: string, p: StagedPlace): string => `${filesDir}/${p.bucket}/${folderOf(p.key)}`;
