// A published version's files: `<work_path>/<dataset name>-<dataset id>/annotation/<version>/<version>.manifest`,
// with the PASCAL VOC files of shape labels under `.../<version>/annotation/` (the guide's layout).
import type { DatasetTypeInfo } from '#src/modules/datasets/dataset-types.ts';
import type { SnapshotSample } from '#src/modules/datasets/samples-port.ts';
import type { ObjectInfo, ObjectStore } from '#src/storage/object-store.ts';
import { checkObjectKey, formatObsPath, joinKey, type ObjectPath } from '#src/storage/obs-path.ts';
import { snapshotToManifestLine, writeManifest, type ManifestSample } from './manifest.ts';
import { asFolderKey, fileNameOf, folderOf, type SourceScheme } from './sample-paths.ts';
import { writeVoc } from './voc.ts';
import { sampleToVoc } from './voc-labels.ts';

export interface VersionPaths {
  /** `.../annotation/<version>/` */
  folder: ObjectPath;
  /** `.../annotation/<version>/<version>.manifest` */
  manifest: ObjectPath;
  /** `.../annotation/<version>/annotation/`, for the VOC files */
  annotations: ObjectPath;
}

/** Where a version's files go under the dataset's work_path; a 400 when the result is no valid key. */
export function versionPaths(workPath: ObjectPath, datasetName: string, datasetId: string, versionName: string): VersionPaths {
  const folder = asFolderKey(joinKey(asFolderKey(workPath.key), `${datasetName}-${datasetId}`, 'annotation', versionName));
  const manifest = joinKey(folder, `${versionName}.manifest`);
  checkObjectKey(workPath.bucket, manifest, 'work_path');
  return {
    folder: { bucket: workPath.bucket, key: folder },
    manifest: { bucket: workPath.bucket, key: manifest },
    annotations: { bucket: workPath.bucket, key: joinKey(folder, 'annotation/') },
  };
}

/**
 * Writes the manifest of a version from its frozen samples, streamed; for object detection and video
 * datasets each sample's shape labels also go to `<annotations>/<sample id>.xml`, referenced by
 * annotation-loc. Returns the manifest's info and its line count.
 */
export async function writeVersionManifest(
  store: ObjectStore,
  samples: AsyncIterable<SnapshotSample>,
  info: DatasetTypeInfo,
  paths: VersionPaths,
  opts: { sourceScheme?: SourceScheme; signal?: AbortSignal } = {},
): Promise<{ manifest: ObjectInfo; lines: number }> {
  const withVoc = info.type === 1 || info.type === 600;
  let lines = 0;
  async function* manifestLines(): AsyncGenerator<ManifestSample> {
    for await (const s of samples) {
      opts.signal?.throwIfAborted();
      let annotationLoc: string | undefined;
      if (withVoc && s.source.startsWith('/')) {
        const sourceKey = s.source.slice(s.source.indexOf('/', 1) + 1);
        const voc = sampleToVoc(fileNameOf(sourceKey), folderOf(sourceKey).replace(/\/$/, '') || 'NA', s.labels, s.metadata);
        if (voc.objects.length > 0) {
          const key = joinKey(paths.annotations.key, `${s.id}.xml`);
          await store.put(paths.annotations.bucket, key, writeVoc(voc), { contentType: 'application/xml' });
          annotationLoc = formatObsPath(paths.annotations.bucket, key);
        }
      }
      lines++;
      yield snapshotToManifestLine(s, { ...(annotationLoc ? { annotationLoc } : {}), ...(opts.sourceScheme ? { sourceScheme: opts.sourceScheme } : {}) });
    }
  }
  const manifest = await writeManifest(store, paths.manifest, manifestLines());
  return { manifest, lines };
}
