// Deleting samples (#14) and manual labeling (#25): each item succeeds or fails on its own; the items
// that stand are changed in one transaction. The answer is {success: true} when all did, else
// results[] holds every item's outcome, in request order.
import { errors } from '#src/core/errors.ts';
import type { SampleDatasets, SampleWriterPorts } from './ports.ts';
import { parseObsPath } from '#src/storage/obs-path.ts';
import { checkMetadata } from './annotation-rules.ts';
import { attempt, attemptAsync, failure, overall, pending, type BatchItem } from './batch-items.ts';
import { checkLabelList } from './label-checks.ts';
import { LabelResolver } from './sample-rows.ts';
import type { BatchResult, DeleteSamplesRequest, UpdateSamplesRequest } from './schemas.ts';
import type { SampleStore } from './store.ts';
import { SampleState, type SampleRow } from './tables.ts';
import { sampleErrors } from './errors.ts';

const TEXT_SAMPLES = 1;

interface IdItem extends BatchItem {
  id: string;
  field: string;
  row?: SampleRow;
}

/** One item per id given; a missing or repeated id fails its item. */
function idItems(ids: readonly (string | undefined)[], field: string, idField: string): IdItem[] {
  const seen = new Set<string>();
  return ids.map((id, index) => {
    const item: IdItem = { index, id: id ?? '', field: `${field}[${index}]` };
    attempt(item, (it) => {
      if (it.id === '') throw errors.badParam(`${it.field}${idField} is required`);
      if (seen.has(it.id)) throw errors.badParam(`${it.field}: sample ${it.id} appears twice`);
      seen.add(it.id);
    });
    return item;
  });
}

/** Gives each standing item its row; an id that is no sample of the dataset fails its item. */
function attachRows(items: readonly IdItem[], rows: readonly SampleRow[]): void {
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (const it of pending(items)) {
    it.row = byId.get(it.id);
    if (!it.row) it.error = sampleErrors.notFound(`${it.field}: ${it.id} is no sample of this dataset`);
  }
}

function answer(items: readonly IdItem[]): BatchResult {
  const head = overall(items, 'samples');
  if (head.success) return head;
  return { ...head, results: items.map((it) => (it.error ? failure(it.error) : { success: true })) };
}

export class SampleLabeling {
  constructor(
    private readonly store: SampleStore,
    private readonly directory: SampleDatasets,
    private readonly ports: SampleWriterPorts,
  ) {}

  async delete(projectId: string, datasetId: string, req: DeleteSamplesRequest): Promise<BatchResult> {
    const dataset = await this.directory.requireWritable(projectId, datasetId);
    const items = idItems(req.samples ?? [], 'body.samples', '');
    if (items.length === 0) throw errors.badParam('body.samples must hold at least one sample id');
    const deleteFiles = req.delete_source === true && dataset.info.sampleType !== TEXT_SAMPLES;
    if (deleteFiles) {
      // Each file's bucket is checked before anything changes (a sample's source never changes): a
      // sample whose file the account may not delete stays, and its item says why.
      const rows = new Map(
        (
          await this.store.samplesByIds(
            dataset.id,
            pending(items).map((it) => it.id),
          )
        ).map((r) => [r.id, r]),
      );
      for (const it of pending(items)) {
        const source = rows.get(it.id)?.source;
        if (source === undefined || source.startsWith('content://')) continue;
        await attemptAsync(it, () =>
          this.ports.buckets.check({ projectId: dataset.projectId }, parseObsPath(source, 'source'), 'body.delete_source', 'delete'),
        );
      }
    }
    const deleted = await this.store.write(dataset.id, this.ports.clock.now(), async (tx) => {
      attachRows(items, await tx.samplesByIds(pending(items).map((it) => it.id)));
      const rows = pending(items).map((it) => it.row!);
      await tx.deleteSamples(rows);
      return rows;
    });
    if (deleted.length > 0) await this.directory.touch(dataset.id);
    // A text file holds many samples: deleting one sample never deletes the file.
    if (deleteFiles) {
      for (const source of new Set(deleted.map((r) => r.source))) {
        const p = parseObsPath(source, 'source');
        await this.ports.objectStore.delete(p.bucket, p.key);
      }
    }
    return answer(items);
  }

  /**
   * Each sample's label list is replaced by the one given; an empty or missing list unlabels it.
   * `labeler` names who labeled: one name for all, or one per sample in request order.
   */
  async update(projectId: string, datasetId: string, req: UpdateSamplesRequest, labeler: string | readonly string[]): Promise<BatchResult> {
    const dataset = await this.directory.requireWritable(projectId, datasetId);
    const given = req.samples ?? [];
    if (given.length === 0) throw errors.badParam('body.samples must hold at least one sample');
    const items = idItems(
      given.map((s) => s.sample_id),
      'body.samples',
      '.sample_id',
    );
    const known = new Map((await this.store.labels(dataset.id)).map((l) => [l.name, l]));
    const check = new LabelResolver(dataset, known, { create: true });
    for (const item of items) {
      attempt(item, (it) => {
        const s = given[it.index]!;
        if (s.labels && s.labels.length > 0) checkLabelList(check, s.labels, `${it.field}.labels`);
        if (s.metadata) checkMetadata(s.metadata, `${it.field}.metadata`);
      });
    }
    const now = this.ports.clock.now();
    const changed = await this.store.write(dataset.id, now, async (tx) => {
      attachRows(items, await tx.samplesByIds(pending(items).map((it) => it.id)));
      // Labels are created only for items that will change (the labels read now may differ from the
      // check's, when another request changed them meanwhile).
      const resolver = new LabelResolver(dataset, await tx.labels(), { create: true });
      for (const item of pending(items)) {
        attempt(item, (it) => {
          const labels = given[it.index]!.labels;
          if (labels) resolver.typesOf(labels, `${it.field}.labels`);
        });
      }
      await resolver.createPending(tx);
      const standing = pending(items);
      await tx.changeLabelsMany(
        standing.map((it) => {
          const s = given[it.index]!;
          const row = it.row!;
          const annotations = s.labels && s.labels.length > 0 ? resolver.toAnnotations(s.labels) : [];
          const stored = JSON.parse(row.metadata) as Record<string, unknown>;
          return {
            before: row,
            change: {
              state: annotations.length > 0 ? SampleState.manual : SampleState.none,
              annotations,
              metadata: s.metadata ? { ...stored, ...s.metadata } : stored,
              usage: s.sample_usage ?? row.usage,
              labeler: annotations.length > 0 ? (typeof labeler === 'string' ? labeler : (labeler[it.index] ?? null)) : null,
              labeledTime: now,
            },
          };
        }),
      );
      return standing.length;
    });
    if (changed > 0) await this.directory.touch(dataset.id);
    return answer(items);
  }
}
