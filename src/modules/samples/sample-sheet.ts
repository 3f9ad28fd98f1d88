// A page of sample previews in one image (GetSampleSheet): the samples are looked up in the caller's
// dataset, their sources parsed and their buckets checked as a preview URL's would be, and the
// object URLs family composes the sheet. A sample that is no image, or whose bucket the project may
// not read, gets a blank tile (the console shows such a cell as it does without a sheet).
import { errors } from '#src/core/errors.ts';
import { MAX_SHEET_TILES, type ObjectUrls, type Sheet } from '#src/modules/object-urls/index.ts';
import type { BucketAccess } from '#src/storage/bucket-access.ts';
import { parseObsPath, type ObjectPath } from '#src/storage/obs-path.ts';
import { sampleErrors } from './errors.ts';
import type { SampleDatasets } from './ports.ts';
import type { SampleSheetQuery } from './sheet-schemas.ts';
import type { SampleStore } from './store.ts';

const IMAGE_SAMPLE = 0;

/** The ids of `sample_ids`, in order; a 400 naming the field for an empty or oversized list. */
function idsOf(text: string): string[] {
  const ids = text.split(',');
  if (ids.length > MAX_SHEET_TILES) throw errors.badParam(`query.sample_ids: ${ids.length} ids, at most ${MAX_SHEET_TILES}`);
  const bad = ids.findIndex((id) => !/^[A-Za-z0-9_-]{1,64}$/.test(id));
  if (bad >= 0) throw errors.badParam(`query.sample_ids[${bad}]: "${ids[bad]}" is not a sample ID`);
  return ids;
}

export class SampleSheets {
  constructor(
    private readonly store: SampleStore,
    private readonly directory: SampleDatasets,
    private readonly buckets: BucketAccess,
    private readonly urls: ObjectUrls,
  ) {}

  /** `signal`: the request's, aborted when its client is gone (the previews not started yet are then not made). */
  async sheet(projectId: string, datasetId: string, q: SampleSheetQuery, ifNoneMatch?: string, signal?: AbortSignal): Promise<Sheet> {
    const ids = idsOf(q.sample_ids);
    const dataset = await this.directory.require(projectId, datasetId);
    const rows = new Map((await this.store.samplesByIds(dataset.id, [...new Set(ids)])).map((r) => [r.id, r]));
    const unknown = ids.findIndex((id) => !rows.has(id));
    if (unknown >= 0) throw sampleErrors.notFound(`query.sample_ids[${unknown}]: sample ${ids[unknown]} is not in dataset ${datasetId}`);
    const readable = new Map<string, boolean>();
    const tiles: Array<ObjectPath | undefined> = [];
    for (const id of ids) {
      const row = rows.get(id)!;
      let path: ObjectPath | undefined;
      if (row.sample_type === IMAGE_SAMPLE && (row.source.startsWith('/') || /^(obs|s3):\/\//.test(row.source))) {
        try {
          path = parseObsPath(row.source, 'source');
        } catch {
          path = undefined;
        }
      }
      if (path) {
        let ok = readable.get(path.bucket);
        if (ok === undefined) readable.set(path.bucket, (ok = await this.buckets.allows({ projectId: dataset.projectId }, path.bucket)));
        if (!ok) path = undefined;
      }
      tiles.push(path);
    }
    return this.urls.sheet(tiles, { width: q.tile_width, height: q.tile_height }, ifNoneMatch, signal);
  }
}
