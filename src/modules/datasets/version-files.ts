// The files a published version leaves under `<inner_work_path>/annotation/<version>/`: the manifest
// (JSON Lines, one sample a line), the copied sample files when export_images is set, and for table
// datasets published as CSV the rows of every sample file in one CSV. Everything is streamed.
import { Readable } from 'node:stream';
import type { ObjectStore } from '#src/storage/object-store.ts';
import { formatObsPath, parseObsPath, type ObjectPath } from '#src/storage/obs-path.ts';
import { manifestBlocks, type ManifestOptions } from './version-manifest.ts';
import type { SnapshotSample } from '#src/formats/sample-records.ts';
import { csvRows, type CsvOptions } from './version-csv.ts';

export interface VersionFilesRequest {
  folder: ObjectPath;
  datasetName: string;
  versionName: string;
  samples: () => AsyncIterable<SnapshotSample>;
  exportImages: boolean;
  manifest: Omit<ManifestOptions, 'vocFolder'>;
  /** Table datasets published as CSV. */
  csv?: CsvOptions;
  signal: AbortSignal;
}

export interface VersionFiles {
  manifestPath: string;
  /** The version's data folder: the copied samples or the CSV when written, else an empty folder. */
  dataPath: string;
}

const CHUNK_BYTES = 256 * 1024;

/** Joins strings into chunks of about CHUNK_BYTES, so the store writes large pieces. */
async function* chunked(lines: AsyncIterable<string>): AsyncGenerator<Buffer> {
  let parts: string[] = [];
  let size = 0;
  for await (const line of lines) {
    parts.push(line);
    size += line.length;
    if (size >= CHUNK_BYTES) {
      yield Buffer.from(parts.join(''));
      parts = [];
      size = 0;
    }
  }
  if (parts.length > 0) yield Buffer.from(parts.join(''));
}

/** The samples with their files copied into `dataFolder`, sources pointing at the copies. */
async function* exported(
  store: ObjectStore,
  samples: AsyncIterable<SnapshotSample>,
  dataFolder: ObjectPath,
  signal: AbortSignal,
): AsyncGenerator<SnapshotSample> {
  for await (const s of samples) {
    signal.throwIfAborted();
    if (!s.source.startsWith('/') && !/^(obs|s3):\/\//.test(s.source)) {
      yield s; // content:// samples have no file
      continue;
    }
    const from = parseObsPath(s.source, 'sample source');
    // Mirrors bucket and key, so samples of different folders never collide.
    const to = { bucket: dataFolder.bucket, key: `${dataFolder.key}${from.bucket}/${from.key}` };
    await store.copy(from, to);
    yield { ...s, source: formatObsPath(to) };
  }
}

export async function writeVersionFiles(store: ObjectStore, req: VersionFilesRequest): Promise<VersionFiles> {
  const { folder } = req;
  const dataFolder: ObjectPath = { bucket: folder.bucket, key: `${folder.key}data/` };
  await store.ensureBucket(folder.bucket);
  let dataWritten = false;

  if (req.csv) {
    const csvKey = `${dataFolder.key}${req.datasetName}-${req.versionName}.csv`;
    await store.put(folder.bucket, csvKey, Readable.from(chunked(csvRows(store, req.samples(), req.csv, req.signal))), { contentType: 'text/csv' });
    dataWritten = true;
  }

  let samples: AsyncIterable<SnapshotSample> = req.samples();
  if (req.exportImages) {
    samples = exported(store, samples, dataFolder, req.signal);
    dataWritten = true;
  }
  // The guide names generated manifests <dataset name>-<version name>.manifest (the API examples show
  // only <version>.manifest); we follow the guide.
  const manifestKey = `${folder.key}${req.datasetName}-${req.versionName}.manifest`;
  await store.put(
    folder.bucket,
    manifestKey,
    Readable.from(manifestBlocks(store, samples, { ...req.manifest, vocFolder: { bucket: folder.bucket, key: `${folder.key}annotation/` } }, req.signal)),
    {
      contentType: 'application/jsonlines',
    },
  );
  // The data folder exists either way, so the version's data_path names a real folder.
  if (!dataWritten) await store.put(dataFolder.bucket, dataFolder.key, '');
  return { manifestPath: formatObsPath(folder.bucket, manifestKey), dataPath: formatObsPath(dataFolder) };
}
