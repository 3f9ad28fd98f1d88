// Moving a workload's files between the object store and its local folder.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { listAll, type ObjectStore } from '#src/storage/object-store.ts';
import { joinKey } from '#src/storage/obs-path.ts';

/**
 * Downloads one object, or every object under a folder key ('dir/'), into `dir` (a folder's
 * objects keep their path below the folder). Returns the number of files and bytes.
 */
export async function downloadTo(store: ObjectStore, bucket: string, key: string, dir: string): Promise<{ files: number; bytes: number }> {
  await mkdir(dir, { recursive: true });
  let files = 0;
  let bytes = 0;
  const root = resolve(dir);
  const fetchOne = async (objectKey: string, rel: string) => {
    const target = resolve(root, rel);
    if (target !== root && !target.startsWith(root + sep)) throw new Error(`object ${objectKey} would land outside ${dir}`);
    if (objectKey.endsWith('/')) {
      await mkdir(target, { recursive: true });
      return;
    }
    await mkdir(dirname(target), { recursive: true });
    await pipeline(await store.get(bucket, objectKey), createWriteStream(target));
    files++;
  };
  if (key !== '' && !key.endsWith('/')) {
    const info = await store.head(bucket, key);
    if (info) {
      await fetchOne(key, key.slice(key.lastIndexOf('/') + 1));
      return { files, bytes: info.size };
    }
  }
  const prefix = key === '' || key.endsWith('/') ? key : `${key}/`;
  for await (const o of listAll(store, bucket, prefix)) {
    const rel = o.key.slice(prefix.length);
    if (rel === '') continue;
    await fetchOne(o.key, rel);
    bytes += o.size;
  }
  return { files, bytes };
}

async function* walk(dir: string): AsyncGenerator<string> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else if (e.isFile()) yield p;
  }
}

/** Uploads every file under `dir` below folder key `prefix`; returns the number of files. */
export async function uploadFrom(store: ObjectStore, dir: string, bucket: string, prefix: string): Promise<number> {
  await store.ensureBucket(bucket);
  let n = 0;
  for await (const file of walk(dir)) {
    const rel = relative(dir, file).split(sep).join('/');
    await store.put(bucket, joinKey(prefix, rel), createReadStream(file));
    n++;
  }
  return n;
}

/** Size in bytes of a local file, 0 when missing. */
export async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}
