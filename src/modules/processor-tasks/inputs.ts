import { listAll, type ObjectStore } from '#src/storage/index.ts';
import type { BucketAccess } from '#src/storage/bucket-access.ts';
import { parseObsPath, type ObjectPath } from '#src/storage/obs-path.ts';
import type { DatasetRecord } from '#src/modules/datasets/index.ts';
import type { InputFile } from './operators/context.ts';

// The files a version reads: each input (an OBS folder or file, a dataset's input folders, or
// another task's latest output) listed, with each image's VOC annotation found beside it.

/** What the family needs of datasets: the project's dataset by ID (404 when not the caller's). */
export interface ProcessorDatasets {
  require(projectId: string, datasetId: string): Promise<DatasetRecord>;
}

export interface StoredInput {
  type?: string;
  source?: string;
}

/** A run reads at most this many files. */
export const MAX_INPUT_FILES = 1_000_000;

const SKIPPED = /\.(xml|manifest|json|txt|csv)$/i;

export async function listFiles(objects: ObjectStore, folders: readonly ObjectPath[]): Promise<InputFile[]> {
  const files: InputFile[] = [];
  for (const folder of folders) {
    if (folder.key !== '' && !folder.key.endsWith('/')) {
      files.push({ bucket: folder.bucket, key: folder.key });
      continue;
    }
    const keys = new Set<string>();
    const found: string[] = [];
    for await (const o of listAll(objects, folder.bucket, folder.key)) {
      if (o.key.endsWith('/')) continue;
      keys.add(o.key);
      if (!SKIPPED.test(o.key)) found.push(o.key);
      if (found.length > MAX_INPUT_FILES) throw new Error(`more than ${MAX_INPUT_FILES} files under /${folder.bucket}/${folder.key}`);
    }
    for (const key of found) {
      const dot = key.lastIndexOf('.');
      const xml = `${dot > key.lastIndexOf('/') ? key.slice(0, dot) : key}.xml`;
      files.push({ bucket: folder.bucket, key, ...(keys.has(xml) ? { annotationKey: xml } : {}) });
    }
  }
  return files;
}

export interface InputPorts {
  objects: ObjectStore;
  buckets: BucketAccess;
  datasets: ProcessorDatasets;
  /** The output folder of the task's latest completed version, for TASK inputs. */
  taskOutput(projectId: string, taskId: string): Promise<ObjectPath | undefined>;
}

/** The folders of the inputs, checked again at run time (a bucket may have changed hands since the create). */
export async function inputFolders(ports: InputPorts, projectId: string, inputs: readonly StoredInput[]): Promise<ObjectPath[]> {
  const folders: ObjectPath[] = [];
  for (const [i, input] of inputs.entries()) {
    const field = `inputs[${i}].source`;
    const source = input.source ?? '';
    if (input.type === 'OBS') {
      const path = parseObsPath(source, field);
      await ports.buckets.check({ projectId }, path, field);
      folders.push(path);
    } else if (input.type === 'DATASET') {
      const d = await ports.datasets.require(projectId, source);
      folders.push(...d.inputPaths);
    } else if (input.type === 'TASK') {
      const out = await ports.taskOutput(projectId, source);
      if (out) folders.push(out);
    }
  }
  return folders;
}
