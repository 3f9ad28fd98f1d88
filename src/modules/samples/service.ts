import { ApiError, apiError } from '#src/core/errors.ts';
import type { NewSample, SnapshotSample } from '#src/formats/index.ts';
import type {
  DatasetRecord,
  DatasetSamplesPort,
  FreezeOptions,
  ImportOptions,
  ImportOutcome,
  Label,
  LabelDefinition,
  SampleCounts,
  VersionSnapshot,
} from '#src/modules/datasets/index.ts';
import type { Clock } from '#src/core/time.ts';
import type { UrlOrigin } from '#src/modules/object-urls/index.ts';
import { checkMetadata } from './annotation-rules.ts';
import type { LabelService } from './label-service.ts';
import type { SampleDatasets } from './ports.ts';
import type { SampleQueries } from './sample-queries.ts';
import { selectSamples, type SampleSelection, type SelectedSamples } from './sample-selection.ts';
import { LabelResolver, sampleDraft } from './sample-rows.ts';
import { labelExisting } from './import-labels.ts';
import type { ListSamplesQuery, ListSamplesResponse } from './schemas.ts';
import type { SampleStore } from './store.ts';
import { SampleState } from './tables.ts';
import type { VersionStore } from './version-store.ts';

/** delete_labels of UpdateDataset removes the labels only; their samples stay (policy 0). */
const LABEL_ONLY = 0;

/** What the datasets family uses of samples (its DatasetSamplesPort): imports, labels, counts, frozen versions. */
export class SampleService implements DatasetSamplesPort {
  constructor(
    private readonly store: SampleStore,
    private readonly versions: VersionStore,
    private readonly labels: LabelService,
    private readonly queries: SampleQueries,
    private readonly directory: SampleDatasets,
    private readonly clock: Clock,
  ) {}

  async addLabels(dataset: DatasetRecord, labels: LabelDefinition[]): Promise<void> {
    const created = await this.store.write(dataset.id, this.clock.now(), async (tx) => {
      const known = await tx.labels();
      const seen = new Set<string>();
      const fresh = labels.filter((l) => !known.has(l.name) && !seen.has(l.name) && seen.add(l.name));
      return tx.createLabels(
        fresh.map((l) => ({ name: l.name, type: l.type, property: l.property ?? {}, ...(l.attributes ? { attributes: l.attributes } : {}) })),
      );
    });
    if (created.length > 0) await this.directory.touch(dataset.id);
  }

  /** UpdateDataset's update_labels: property merged, attributes replaced, "@modelarts:rename_to" renames. */
  async updateLabels(dataset: DatasetRecord, labels: readonly Label[]): Promise<void> {
    await this.labels.update(dataset.projectId, dataset.id, labels, 'body.update_labels');
  }

  /** UpdateDataset's delete_labels: the labels leave every sample (samples stay). */
  async deleteLabels(dataset: DatasetRecord, labels: readonly Label[]): Promise<void> {
    await this.labels.delete(dataset.projectId, dataset.id, labels, LABEL_ONLY, 'body.delete_labels');
  }

  async listLabels(datasetId: string): Promise<LabelDefinition[]> {
    return (await this.store.labels(datasetId)).map((l) => ({
      name: l.name,
      type: l.type,
      property: l.property,
      ...(l.attributes ? { attributes: l.attributes } : {}),
    }));
  }

  async importSamples(dataset: DatasetRecord, samples: NewSample[], opts: ImportOptions = {}): Promise<number> {
    if (samples.length === 0) return 0;
    const now = this.clock.now();
    const labeledState = opts.final === false ? SampleState.auto : SampleState.manual;
    const outcome = await this.store.write(dataset.id, now, async (tx) => {
      const resolver = new LabelResolver(dataset, await tx.labels(), { create: true });
      const kept = samples.map((s, i): NewSample => {
        try {
          if (s.labels && s.labels.length > 0) resolver.typesOf(s.labels, `samples[${i}] (${s.source}).labels`);
          if (s.metadata) checkMetadata(s.metadata, `samples[${i}] (${s.source}).metadata`);
          return s;
        } catch (e) {
          // Without a report to make, a bad label refuses the batch; with one, the sample comes unlabeled.
          if (!(e instanceof ApiError) || !opts.onRejected) throw e;
          opts.onRejected(s.source, `imported without its labels: ${e.message}`);
          const { labels: _labels, metadata: _metadata, ...bare } = s;
          return bare;
        }
      });
      await resolver.createPending(tx);
      const out: ImportOutcome = opts.labelExisting
        ? await labelExisting(tx, kept, (s) => resolver.toAnnotations(s.labels ?? []), labeledState, now, opts)
        : { added: 0, annotated: 0, unconfirmed: 0 };
      if (!opts.labelExisting) {
        const drafts = kept.map((s) => {
          const annotations = s.labels && s.labels.length > 0 ? resolver.toAnnotations(s.labels) : [];
          return sampleDraft(
            dataset,
            {
              source: s.source,
              name: s.name,
              size: s.size,
              sampleTime: s.sampleTime,
              state: annotations.length > 0 ? labeledState : SampleState.none,
              annotations,
              metadata: s.metadata ?? {},
              usage: s.usage ?? null,
              labeler: annotations.length > 0 && opts.final === false ? 'auto' : null,
            },
            now,
          );
        });
        const inserted = await tx.insertSamples(drafts);
        const labeled = drafts.filter((d) => inserted.has(d.row.id) && d.annotations.length > 0).length;
        out.added = inserted.size;
        if (opts.final === false) out.unconfirmed = labeled;
        else out.annotated = labeled;
      }
      await opts.alsoWrite?.(tx.db, out);
      return out;
    });
    opts.onAnnotated?.(outcome.annotated);
    if (outcome.added + outcome.annotated + outcome.unconfirmed > 0) await this.directory.touch(dataset.id);
    return outcome.added;
  }

  /** The dataset's samples whose source lies under `prefix` (an input folder), in pages of ids and sources. */
  async *sourcesUnder(datasetId: string, prefix: string, pageSize = 5000): AsyncGenerator<{ id: string; source: string }[]> {
    let after = '';
    for (;;) {
      const page = await this.store.sourcesFrom(datasetId, prefix, after, pageSize);
      if (page.length === 0) return;
      yield page;
      after = page[page.length - 1]!.source;
      if (page.length < pageSize) return;
    }
  }

  /** Removes samples by id, in one transaction (ids no longer there are passed over); returns how many went. */
  async removeSamples(dataset: DatasetRecord, ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    const removed = await this.store.write(dataset.id, this.clock.now(), async (tx) => {
      const rows = await tx.samplesByIds(ids);
      await tx.deleteSamples(rows);
      return rows.length;
    });
    if (removed > 0) await this.directory.touch(dataset.id);
    return removed;
  }

  async counts(datasetId: string): Promise<SampleCounts> {
    const c = await this.store.counters(datasetId);
    return { total: c.total, annotated: c.manual, unconfirmed: c.auto };
  }

  async freezeVersion(datasetId: string, versionId: string, trainRatio: number, options: FreezeOptions = {}): Promise<VersionSnapshot> {
    if (!(trainRatio >= 0 && trainRatio <= 1)) throw apiError(400, 'ModelArts.0104', `train ratio ${trainRatio}: want 0..1`);
    return this.versions.freeze(datasetId, versionId, trainRatio, this.clock.now(), options.keepUsage ?? false);
  }

  streamVersion(versionId: string): AsyncIterable<SnapshotSample> {
    return this.versions.stream(versionId);
  }

  async dropVersion(versionId: string): Promise<void> {
    await this.versions.drop(versionId);
  }

  /** A subset of a dataset's samples to read in full (exports); a bad condition is a 400 naming `field`. */
  select(datasetId: string, selection: SampleSelection, field: string): Promise<SelectedSamples> {
    return selectSamples(this.store, this.clock, datasetId, selection, field);
  }

  /** A page of the sample list (ListSamples), its sources signed for `origin`. */
  listSamples(projectId: string, datasetId: string, q: ListSamplesQuery, origin: UrlOrigin = ''): Promise<ListSamplesResponse> {
    return this.queries.list(projectId, datasetId, q, origin);
  }
}
