import type { AppContext } from '#src/context.ts';
import { ApiError, apiError } from '#src/core/errors.ts';
import type { DatasetDirectory, DatasetRecord } from '#src/modules/datasets/dataset-directory.ts';
import type { Label } from '#src/modules/datasets/schemas.ts';
import type {
  DatasetSamplesPort,
  FreezeOptions,
  ImportOptions,
  LabelDefinition,
  SampleCounts,
  VersionSnapshot,
} from '#src/modules/datasets/samples-port.ts';
import type { NewSample, SnapshotSample } from '#src/formats/sample-records.ts';
import type { ObjectUrls } from '#src/modules/object-urls/index.ts';
import { checkMetadata } from './annotation-rules.ts';
import { LabelService } from './label-service.ts';
import { SampleLabeling } from './sample-labeling.ts';
import { SampleQueries } from './sample-queries.ts';
import { LabelResolver, sampleDraft } from './sample-rows.ts';
import { SampleUploads } from './sample-upload.ts';
import { StatsService } from './stats-service.ts';
import type { SampleStore } from './store.ts';
import { SampleState } from './tables.ts';
import { VersionStore } from './version-store.ts';

/** Samples, labels and manual labeling of a dataset; also what the datasets family uses of them. */
export class SampleService implements DatasetSamplesPort {
  readonly versions: VersionStore;
  readonly labels: LabelService;
  readonly uploads: SampleUploads;
  readonly labeling: SampleLabeling;
  readonly queries: SampleQueries;
  readonly stats: StatsService;

  constructor(
    private readonly store: SampleStore,
    readonly directory: DatasetDirectory,
    private readonly ctx: AppContext,
    urls: ObjectUrls,
  ) {
    this.versions = new VersionStore(store.database, store);
    this.labels = new LabelService(store, directory, ctx);
    this.uploads = new SampleUploads(store, directory, ctx);
    this.labeling = new SampleLabeling(store, directory, ctx);
    this.queries = new SampleQueries(store, directory, ctx.clock, urls);
    this.stats = new StatsService(store, directory);
  }

  async addLabels(dataset: DatasetRecord, labels: LabelDefinition[]): Promise<void> {
    const created = await this.store.write(dataset.id, this.ctx.clock.now(), async (tx) => {
      const known = await tx.labels();
      const seen = new Set<string>();
      const fresh = labels.filter((l) => !known.has(l.name) && !seen.has(l.name) && seen.add(l.name));
      return tx.createLabels(fresh.map((l) => ({ name: l.name, type: l.type, property: l.property ?? {}, ...(l.attributes ? { attributes: l.attributes } : {}) })));
    });
    if (created.length > 0) await this.directory.touch(dataset.id);
  }

  /** UpdateDataset's update_labels: property merged, attributes replaced, "@modelarts:rename_to" renames. */
  async updateLabels(dataset: DatasetRecord, labels: LabelDefinition[]): Promise<void> {
    await this.labels.update(
      dataset.projectId,
      dataset.id,
      labels.map((l) => ({ name: l.name, ...(l.property ? { property: l.property } : {}), ...(l.attributes ? { attributes: l.attributes as Label['attributes'] } : {}) })),
      'body.update_labels',
    );
  }

  /** UpdateDataset's delete_labels: the labels leave every sample (samples stay). */
  async deleteLabels(dataset: DatasetRecord, names: string[]): Promise<void> {
    await this.labels.delete(dataset.projectId, dataset.id, names.map((name) => ({ name })), 0, 'body.delete_labels');
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
    const now = this.ctx.clock.now();
    const { added, annotated } = await this.store.write(dataset.id, now, async (tx) => {
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
      const drafts = kept.map((s) => {
        const annotations = s.labels && s.labels.length > 0 ? resolver.toAnnotations(s.labels) : [];
        return sampleDraft(
          dataset,
          {
            source: s.source,
            name: s.name,
            size: s.size,
            sampleTime: s.sampleTime,
            state: annotations.length > 0 ? SampleState.manual : SampleState.none,
            annotations,
            metadata: s.metadata ?? {},
            usage: s.usage ?? null,
            labeler: null,
          },
          now,
        );
      });
      const inserted = await tx.insertSamples(drafts);
      return { added: inserted.size, annotated: drafts.filter((d) => inserted.has(d.row.id) && d.annotations.length > 0).length };
    });
    opts.onAnnotated?.(annotated);
    if (added > 0) await this.directory.touch(dataset.id);
    return added;
  }

  async counts(datasetId: string): Promise<SampleCounts> {
    const c = await this.store.counters(datasetId);
    return { total: c.total, annotated: c.manual, unconfirmed: c.auto };
  }

  async freezeVersion(datasetId: string, versionId: string, trainRatio: number, options: FreezeOptions = {}): Promise<VersionSnapshot> {
    if (!(trainRatio >= 0 && trainRatio <= 1)) throw apiError(400, 'ModelArts.0104', `train ratio ${trainRatio}: want 0..1`);
    return this.versions.freeze(datasetId, versionId, trainRatio, this.ctx.clock.now(), options.keepUsage ?? false);
  }

  streamVersion(versionId: string): AsyncIterable<SnapshotSample> {
    return this.versions.stream(versionId);
  }

  async dropVersion(versionId: string): Promise<void> {
    await this.versions.drop(versionId);
  }
}
