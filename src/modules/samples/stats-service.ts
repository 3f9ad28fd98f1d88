// Dataset statistics (#6) from the counters kept with the samples, and the metrics history (#7).
import { errors } from '#src/core/errors.ts';
import type { SampleDatasets } from './ports.ts';
import { formatObsPath } from '#src/storage/obs-path.ts';
import { hardReason } from './hard-reasons.ts';
import type { MetricsResponse, SampleStateFilter, StatsResponse } from './schemas.ts';
import type { SampleStore } from './store.ts';
import type { LabelRow } from './tables.ts';

const HARD_REASONS_KEY = '@modelarts:hard_reasons';

/** Series of the metrics answer that come from intelligent tasks, which this family does not run. */
const TASK_SERIES = ['queuing', 'success', 'unfinished', 'failed', 'failed_user', 'failed_system'] as const;

/** A label's counts on the samples of a state filter (labels sit only on labeled samples). */
function labelCounts(l: LabelRow, state: SampleStateFilter | undefined): { count: number; sample_count: number } {
  if (state === undefined) return { count: l.count_manual + l.count_auto, sample_count: l.samples_manual + l.samples_auto };
  if (state === '__ALL__') return { count: l.count_manual, sample_count: l.samples_manual };
  if (state === '__AUTO_ANNOTATION__') return { count: l.count_auto, sample_count: l.samples_auto };
  return { count: 0, sample_count: 0 };
}

export class StatsService {
  constructor(
    private readonly store: SampleStore,
    private readonly directory: SampleDatasets,
  ) {}

  async stats(projectId: string, datasetId: string, state: SampleStateFilter | undefined): Promise<StatsResponse> {
    const dataset = await this.directory.require(projectId, datasetId);
    const [c, labels, metadata] = await Promise.all([this.store.counters(dataset.id), this.store.labelRows(dataset.id), this.store.metadataCounts(dataset.id)]);
    const labelStats = labels.map((l) => ({
      ...(l.attributes ? { attributes: JSON.parse(l.attributes) as Record<string, unknown>[] } : {}),
      name: l.name,
      type: l.type,
      property: JSON.parse(l.property) as Record<string, unknown>,
      ...labelCounts(l, state),
    }));
    const grouped: StatsResponse['grouped_label_stats'] = {};
    for (const s of labelStats) (grouped[String(s.type)] ??= []).push(s);

    const metadataStats: Record<string, Record<string, number>> = {};
    const hardDetails: StatsResponse['hard_detail_stats'] = {};
    for (const m of metadata) {
      if (m.key === HARD_REASONS_KEY) {
        const reason = hardReason(Number(m.value));
        if (reason) hardDetails[m.value] = { key: m.count, value: reason };
        continue;
      }
      (metadataStats[m.key] ??= {})[m.value] = m.count;
    }

    const unlabeled = c.total - c.manual - c.auto;
    // Splitting into training and validation sets needs two labeled samples of every label in use.
    const inUse = labels.filter((l) => l.samples_manual > 0);
    const splittable = c.manual >= 2 && inUse.length > 0 && inUse.every((l) => l.samples_manual >= 2);
    const input = dataset.inputPaths[0];
    return {
      data_path: formatObsPath(input ?? dataset.workPath),
      data_spliting_enable: splittable,
      grouped_label_stats: grouped,
      hard_detail_stats: hardDetails,
      key_sample_stats: { total: c.total, non_key_sample: c.total - c.hard, key_sample: c.hard },
      label_stats: labelStats,
      metadata_stats: metadataStats,
      sample_stats: {
        un_annotation: unlabeled,
        all: c.total,
        total: c.total,
        deleted: c.deleted,
        manual_annotation: c.manual,
        auto_annotation: c.auto,
        lefted: c.total,
      },
    };
  }

  /** The recorded counts between the two times: one point per minute in which samples changed. */
  async metrics(projectId: string, datasetId: string, start: number, end: number): Promise<MetricsResponse> {
    const dataset = await this.directory.require(projectId, datasetId);
    if (start > end) throw errors.badParam('query.start_time must not be after query.end_time');
    const rows = await this.store.metrics(dataset.id, start, end);
    const series = (pick: (r: (typeof rows)[number]) => number) => Object.fromEntries(rows.map((r) => [String(r.bucket), pick(r)]));
    return {
      metrics: {
        total: series((r) => r.total),
        manual_annotation: series((r) => r.manual),
        auto_annotation: series((r) => r.auto),
        un_annotation: series((r) => r.unlabeled),
        ...Object.fromEntries(TASK_SERIES.map((k) => [k, {}])),
      },
    };
  }
}
