// A model package in the object store: where it is, what it holds, and its copy on this host.
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { errors } from '#src/core/errors.ts';
import type { ObjectStore } from '#src/storage/object-store.ts';
import { parseObsPath, type ObjectPath } from '#src/storage/obs-path.ts';
import { modelErrors } from './errors.ts';

/** Largest config.json read. */
const CONFIG_LIMIT = 1024 * 1024;
/** The spec refuses model files above 20 GB. */
const SIZE_LIMIT = 20 * 1024 ** 3;

export interface PackageListing {
  folder: ObjectPath;
  /** Paths below model/, e.g. "config.json", "variables/variables.index". */
  files: string[];
  size: number;
}

/** Where a published model's package copy lives on this host. */
export const modelDir = (dataDir: string, modelId: string): string => join(dataDir, 'models', modelId);

/**
 * `/bucket/dir`, `obs://bucket/dir`, `s3://bucket/dir`, or an OBS URL such as
 * `https://bucket.obs.region.example.com/dir` (the form of the spec's example) -> a folder path.
 */
export function parseSourceLocation(location: string, field = 'body.source_location'): ObjectPath {
  let path: ObjectPath;
  const url = /^https?:\/\/([^./]+)\.[^/]+(?:\/(.*))?$/.exec(location);
  if (url) path = parseObsPath(`/${url[1]}/${url[2] ?? ''}`, field);
  else path = parseObsPath(location, field);
  if (path.key !== '' && !path.key.endsWith('/')) path = { ...path, key: `${path.key}/` };
  return path;
}

/** Lists the package's model/ folder; a 400 when the location or model/ is missing or too big. */
export async function listPackage(store: ObjectStore, folder: ObjectPath): Promise<PackageListing> {
  const prefix = `${folder.key}model/`;
  const files: string[] = [];
  let size = 0;
  let token: string | undefined;
  do {
    let page;
    try {
      page = await store.list(folder.bucket, { prefix, ...(token ? { continuationToken: token } : {}) });
    } catch {
      throw modelErrors.badPackage(`${folder.bucket}/${folder.key} cannot be listed`);
    }
    for (const o of page.objects) {
      const rel = o.key.slice(prefix.length);
      if (rel === '' || rel.endsWith('/')) continue;
      files.push(rel);
      size += o.size;
    }
    token = page.nextContinuationToken;
  } while (token);
  if (files.length === 0) throw modelErrors.badPackage(`no model/ folder under /${folder.bucket}/${folder.key}`);
  if (size > SIZE_LIMIT) throw modelErrors.tooLarge(`/${folder.bucket}/${folder.key}`);
  return { folder, files, size };
}

export async function readPackageConfig(store: ObjectStore, p: PackageListing): Promise<string> {
  const configs = p.files.filter((f) => f === 'config.json');
  if (configs.length === 0) throw modelErrors.badPackage('model/config.json is missing');
  try {
    return await store.readText(p.folder.bucket, `${p.folder.key}model/config.json`, CONFIG_LIMIT);
  } catch {
    throw errors.badParam('model/config.json cannot be read or is larger than 1 MB');
  }
}

/** Copies the package's model/ folder to `<dir>/model/`, one streamed file at a time. */
export async function copyPackage(store: ObjectStore, p: PackageListing, dir: string, signal?: AbortSignal): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  for (const rel of p.files) {
    signal?.throwIfAborted();
    const target = join(dir, 'model', rel);
    await mkdir(dirname(target), { recursive: true });
    await pipeline(await store.get(p.folder.bucket, `${p.folder.key}model/${rel}`), createWriteStream(target));
  }
}
