// Export of samples to an OBS folder in the layouts the import reads back: image classification as a
// tree (a folder per label) or tiles (image + .txt of its labels), object detection as tiles (image +
// PASCAL VOC .xml), free format as the files alone. The guide allows export for these three types only.
import { apiError } from '#src/core/errors.ts';
import type { DatasetTypeInfo } from './dataset-types.ts';
import type { SnapshotSample } from './sample-records.ts';
import type { ObjectStore } from '#src/storage/object-store.ts';
import { joinKey, parseObsPath, type ObjectPath } from '#src/storage/obs-path.ts';
import { asFolderKey, fileNameOf, folderOf, safeSegment, stemOf, UniqueNames } from './sample-paths.ts';
import { writeVoc } from './voc.ts';
import { sampleToVoc } from './voc-labels.ts';

/** export_format of the export API: 1 tree (`rabbits/1.jpg`), 2 tile (`1.jpg`, `1.txt`). */
export type ExportLayout = 'tree' | 'tile';

export const EXPORTABLE_TYPES: readonly number[] = [0, 1, 900];

/** What exporting one sample does: objects to copy and small label files to write. */
export interface ExportPlan {
  copies: { from: ObjectPath; to: ObjectPath }[];
  writes: { to: ObjectPath; body: string }[];
}

/** A 400 (ModelArts.4384) unless samples of this dataset type can be exported to a folder. */
export function checkExportable(info: DatasetTypeInfo): void {
  if (!EXPORTABLE_TYPES.includes(info.type)) {
    throw apiError(
      400,
      'ModelArts.4384',
      `(datasets of type ${info.type}, ${info.tags.join(' / ')}, cannot be exported to a folder; only image classification, object detection and free format can)`,
    );
  }
}

/**
 * The files exporting `sample` into `target` makes. Names come from `names`, so two samples called
 * `1.jpg` in different source folders do not overwrite each other. Inline-text samples have no file
 * and give an empty plan.
 */
export function planSampleExport(sample: SnapshotSample, info: DatasetTypeInfo, target: ObjectPath, layout: ExportLayout, names: UniqueNames): ExportPlan {
  checkExportable(info);
  const plan: ExportPlan = { copies: [], writes: [] };
  if (!sample.source.startsWith('/')) return plan;
  const from = parseObsPath(sample.source, 'source');
  const base = asFolderKey(target.key);
  const at = (folder: string, name: string): ObjectPath => ({ bucket: target.bucket, key: joinKey(folder, name) });
  const original = fileNameOf(from.key);
  const labelNames = [...new Set(sample.labels.map((l) => l.name).filter((n) => n !== ''))];

  if (info.type === 0 && layout === 'tree' && labelNames.length > 0) {
    // Multi-label images go into each of their label folders.
    for (const label of labelNames) {
      const folder = asFolderKey(joinKey(base, safeSegment(label)));
      plan.copies.push({ from, to: at(folder, names.claim(folder, original)) });
    }
    return plan;
  }
  const name = names.claim(base, original);
  plan.copies.push({ from, to: at(base, name) });
  if (info.type === 0 && labelNames.length > 0) {
    plan.writes.push({ to: at(base, `${stemOf(name)}.txt`), body: `${labelNames.join('\n')}\n` });
  }
  if (info.type === 1) {
    const voc = sampleToVoc(original, folderOf(from.key).replace(/\/$/, '') || from.bucket, sample.labels, sample.metadata);
    if (voc.objects.length > 0) plan.writes.push({ to: at(base, `${stemOf(name)}.xml`), body: writeVoc(voc) });
  }
  return plan;
}

/** Carries out a plan; returns how many objects it wrote. */
export async function runExportPlan(store: ObjectStore, plan: ExportPlan): Promise<number> {
  for (const c of plan.copies) await store.copy(c.from, c.to);
  for (const w of plan.writes) await store.put(w.to.bucket, w.to.key, w.body);
  return plan.copies.length + plan.writes.length;
}
