// Deleting samples (#14) and manual labeling (#25): batches in one transaction each.
import type { AppContext } from '#src/app.ts';
import { apiError, errors } from '#src/core/errors.ts';
import type { DatasetDirectory } from '#src/modules/datasets/dataset-directory.ts';
import { parseObsPath } from '#src/storage/obs-path.ts';
import { checkMetadata } from './annotation-rules.ts';
import { checkLabelList } from './label-checks.ts';
import { LabelResolver } from './sample-rows.ts';
import type { BatchResult, DeleteSamplesRequest, UpdateSamplesRequest } from './schemas.ts';
import type { SampleStore } from './store.ts';
import { SampleState, type SampleRow } from './tables.ts';

const TEXT_SAMPLES = 1;

function uniqueIds(ids: readonly (string | undefined)[], field: string): string[] {
  const seen = new Set<string>();
  ids.forEach((id, i) => {
    if (id === undefined || id === '') throw errors.badParam(`${field}[${i}]${field.endsWith('samples') ? '.sample_id' : ''} is required`);
    if (seen.has(id)) throw errors.badParam(`${field}[${i}]: sample ${id} appears twice`);
    seen.add(id);
  });
  return [...seen];
}

/** The rows of these ids, in the order asked; any id that is no sample of the dataset refuses the batch. */
function inOrder(ids: readonly string[], rows: readonly SampleRow[], field: string): SampleRow[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id, i) => {
    const row = byId.get(id);
    if (!row) throw apiError(400, 'ModelArts.4420', `(${field}[${i}]: ${id} is no sample of this dataset)`);
    return row;
  });
}

export class SampleLabeling {
  constructor(
    private readonly store: SampleStore,
    private readonly directory: DatasetDirectory,
    private readonly ctx: AppContext,
  ) {}

  async delete(projectId: string, datasetId: string, req: DeleteSamplesRequest): Promise<BatchResult> {
    const dataset = await this.directory.requireWritable(projectId, datasetId);
    const ids = uniqueIds(req.samples ?? [], 'body.samples');
    if (ids.length === 0) throw errors.badParam('body.samples must hold at least one sample id');
    const deleted = await this.store.write(dataset.id, this.ctx.clock.now(), async (tx) => {
      const rows = inOrder(ids, await tx.samplesByIds(ids), 'body.samples');
      await tx.deleteSamples(rows);
      return rows;
    });
    await this.directory.touch(dataset.id);
    // A text file holds many samples: deleting one sample never deletes the file.
    if (req.delete_source && dataset.info.sampleType !== TEXT_SAMPLES) {
      for (const source of new Set(deleted.map((r) => r.source))) {
        const p = parseObsPath(source, 'source');
        await this.ctx.objectStore.delete(p.bucket, p.key);
      }
    }
    return { success: true };
  }

  /** Each sample's label list is replaced by the one given; an empty or missing list unlabels it. */
  async update(projectId: string, datasetId: string, req: UpdateSamplesRequest, labeler: string): Promise<BatchResult> {
    const dataset = await this.directory.requireWritable(projectId, datasetId);
    const items = req.samples ?? [];
    if (items.length === 0) throw errors.badParam('body.samples must hold at least one sample');
    const ids = uniqueIds(items.map((s) => s.sample_id), 'body.samples');
    const known = new Map((await this.store.labels(dataset.id)).map((l) => [l.name, l]));
    const check = new LabelResolver(dataset, known, { create: true });
    items.forEach((s, i) => {
      if (s.labels && s.labels.length > 0) checkLabelList(check, s.labels, `body.samples[${i}].labels`);
      if (s.metadata) checkMetadata(s.metadata, `body.samples[${i}].metadata`);
    });
    const now = this.ctx.clock.now();
    await this.store.write(dataset.id, now, async (tx) => {
      const resolver = new LabelResolver(dataset, await tx.labels(), { create: true });
      items.forEach((s, i) => s.labels && resolver.typesOf(s.labels, `body.samples[${i}].labels`));
      await resolver.createPending(tx);
      const rows = inOrder(ids, await tx.samplesByIds(ids), 'body.samples');
      for (const [i, item] of items.entries()) {
        const row = rows[i]!;
        const annotations = item.labels && item.labels.length > 0 ? resolver.toAnnotations(item.labels) : [];
        const metadata = item.metadata ? { ...(JSON.parse(row.metadata) as Record<string, unknown>), ...item.metadata } : (JSON.parse(row.metadata) as Record<string, unknown>);
        await tx.changeLabels(row, {
          state: annotations.length > 0 ? SampleState.manual : SampleState.none,
          annotations,
          metadata,
          usage: item.sample_usage ?? row.usage,
          labeler: annotations.length > 0 ? labeler : null,
          labeledTime: now,
        });
      }
    });
    await this.directory.touch(dataset.id);
    return { success: true };
  }
}
