// Reading samples: the list (#12), details (#15), search conditions (#16).
import { sql } from 'kysely';
import { errors } from '#src/core/errors.ts';
import type { SampleDatasets } from './ports.ts';
import { pageStart } from '#src/core/start-page.ts';
import { parseImageProcess, PREVIEW_PROCESS, type ObjectUrls, type UrlOrigin } from '#src/modules/object-urls/index.ts';
import { ANCHOR_STEP, ListAnchors } from './list-anchors.ts';
import { ListStore, type ListRequest } from './list-store.ts';
import type { LabelRef } from './sample-model.ts';
import { sampleView } from './sample-view.ts';
import { allOf, FilterBuilder, hasLabel, stateCondition, type Cond } from './sample-filter.ts';
import { parseSearchConditions } from './search-conditions.ts';
import { labelResponse } from './label-service.ts';
import type { DescribeSampleResp, ListSamplesQuery, ListSamplesResponse, ListSearchResponse } from './schemas.ts';
import type { SampleStore } from './store.ts';
import type { SampleRow } from './tables.ts';
import type { Clock } from '#src/core/time.ts';
import { datasetErrors } from '#src/modules/datasets/index.ts';
import { sampleErrors } from './errors.ts';

const sampleTypeIs = (value: number): Cond => sql`s.sample_type = ${value}`;
/** Images get previews (resized copies); other samples are shown as they are. */
const IMAGE_SAMPLE = 0;
/** Rows a page skips beyond which its total is read first, to choose the shorter walk (deepPage). */
const DEEP_OFFSET = 10_000;
const scoreBetween = (low: number, high: number): Cond => sql`s.score between ${low} and ${high}`;

function score(v: string | undefined, field: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !(n >= 0 && n <= 1)) throw errors.badParam(`${field} must be a number within [0,1]`);
  return n;
}

export class SampleQueries {
  private readonly lists: ListStore;
  private readonly anchors: ListAnchors;

  constructor(
    private readonly store: SampleStore,
    private readonly directory: SampleDatasets,
    private readonly clock: Clock,
    private readonly urls: ObjectUrls,
  ) {
    this.lists = new ListStore(store.database);
    this.anchors = new ListAnchors(store, this.lists);
  }

  /**
   * The list's image process: process_parameter as given (checked), or the default thumbnail when
   * preview is asked for; '' for the files themselves.
   */
  private imageProcess(q: ListSamplesQuery): string {
    if (q.process_parameter !== undefined && q.process_parameter !== '') {
      parseImageProcess(q.process_parameter, 'query.process_parameter');
      return q.process_parameter;
    }
    return q.preview === true ? PREVIEW_PROCESS : '';
  }

  /** Sample sources come as signed URLs for `origin` (the address the client used; '' gives URLs relative to the server). */
  async list(projectId: string, datasetId: string, q: ListSamplesQuery, origin: UrlOrigin = ''): Promise<ListSamplesResponse> {
    const dataset = await this.directory.require(projectId, datasetId);
    const process = this.imageProcess(q);
    const versionId = q.version_id;
    if (versionId !== undefined && !(await this.store.versionExists(dataset.id, versionId))) {
      throw datasetErrors.versionNotFound(`query.version_id: ${versionId}`);
    }
    const refs = versionId !== undefined ? await this.store.versionLabels(versionId) : await this.store.labels(dataset.id);
    const byName = new Map(refs.map((l) => [l.name, l]));
    const filters = new FilterBuilder(this.store.database.dialect, byName, this.clock.now());

    const conds: Cond[] = [];
    let viaLabel: number | undefined;
    let label: LabelRef | undefined;
    if (q.label_name !== undefined) {
      label = filters.labelNamed(q.label_name);
      if (!label) return { sample_count: 0, samples: [] };
      if (versionId === undefined) viaLabel = label.no;
      else conds.push(hasLabel(label.no));
    }
    if (q.sample_state !== undefined) conds.push(stateCondition(q.sample_state));
    if (q.label_type !== undefined) conds.push(filters.labelsOfType(q.label_type));
    if (q.sample_type !== undefined) conds.push(sampleTypeIs(q.sample_type));
    const low = score(q.low_score, 'query.low_score');
    const high = score(q.high_score, 'query.high_score');
    if (low !== undefined || high !== undefined) conds.push(scoreBetween(low ?? 0, high ?? 1));
    if (q.search_conditions !== undefined) {
      // The conditions of the list are ANDed (the export's are ORed).
      const parsed = parseSearchConditions(q.search_conditions);
      conds.push(allOf(parsed.map((c, i) => filters.condition(c, `query.search_conditions[${i}]`))));
    }

    const req: ListRequest = {
      scope: { datasetId: dataset.id, ...(versionId !== undefined ? { versionId } : {}) },
      conds,
      ...(viaLabel !== undefined ? { viaLabel } : {}),
      order: q.order ?? 'desc',
      limit: q.limit,
      offset: pageStart(q.offset, q.limit),
    };
    // The whole live list (what the console's grid shows first) pages off anchors past its first rows.
    const whole = versionId === undefined && viaLabel === undefined && conds.length === 0;
    const [total, rows] =
      whole && req.offset > ANCHOR_STEP
        ? await this.anchors.page(req)
        : req.offset > DEEP_OFFSET
          ? await this.deepPage(req, dataset.id, label, q)
          : await Promise.all([this.count(req, dataset.id, label, q), this.lists.page(req)]);
    if (whole && req.offset <= ANCHOR_STEP && total >= 2 * ANCHOR_STEP) this.anchors.warm(dataset.id);
    const byNo = new Map(refs.map((l) => [l.no, l]));
    const source = (r: SampleRow) => this.urls.forSource(origin, r.source, r.sample_type === IMAGE_SAMPLE ? process : '');
    return { sample_count: total, samples: rows.map((r) => sampleView(r, byNo, source(r))) };
  }

  /**
   * A page far into a list, with its total. An index walk skips entries one at a time, so a page past
   * the middle is read from the list's other end (the order reversed) and turned back.
   */
  private async deepPage(req: ListRequest, datasetId: string, label: LabelRef | undefined, q: ListSamplesQuery): Promise<[number, SampleRow[]]> {
    const total = await this.count(req, datasetId, label, q);
    const after = total - req.offset;
    if (after <= 0) return [total, []];
    if (req.offset <= total / 2) return [total, await this.lists.page(req)];
    const limit = Math.min(req.limit, after);
    const rows = await this.lists.page({ ...req, order: req.order === 'asc' ? 'desc' : 'asc', limit, offset: after - limit });
    return [total, rows.reverse()];
  }

  /** The total of a list: from the counters when the filter is one they keep, else counted. */
  private async count(req: ListRequest, datasetId: string, label: LabelRef | undefined, q: ListSamplesQuery): Promise<number> {
    // A version's whole list: the total kept when it froze.
    if (req.scope.versionId !== undefined && req.conds.length === 0) return this.store.versionTotal(req.scope.versionId);
    const onlyState = q.sample_state !== undefined && req.conds.length === 1;
    if (req.scope.versionId === undefined && (req.conds.length === 0 || onlyState)) {
      if (label) {
        const row = (await this.store.labelRows(datasetId)).find((l) => l.label_no === label.no);
        if (!row) return 0;
        if (!onlyState) return row.samples_manual + row.samples_auto;
        if (q.sample_state === '__ALL__') return row.samples_manual;
        if (q.sample_state === '__AUTO_ANNOTATION__') return row.samples_auto;
        return 0;
      }
      const c = await this.store.counters(datasetId);
      if (!onlyState) return c.total;
      if (q.sample_state === '__ALL__') return c.manual;
      if (q.sample_state === '__AUTO_ANNOTATION__') return c.auto;
      if (q.sample_state === '__NONE__') return c.total - c.manual - c.auto;
      return 0;
    }
    return this.lists.count(req);
  }

  async describe(projectId: string, datasetId: string, sampleId: string, origin: UrlOrigin): Promise<DescribeSampleResp> {
    const dataset = await this.directory.require(projectId, datasetId);
    const row = await this.store.sample(dataset.id, sampleId);
    if (!row) throw sampleErrors.notFound(`${sampleId}`);
    const labels = await this.store.labels(dataset.id);
    return sampleView(row, new Map(labels.map((l) => [l.no, l])), this.urls.forSource(origin, row.source));
  }

  /** describe for several samples of one dataset at once (a page of them); ids not in the dataset are left out. */
  async describeMany(projectId: string, datasetId: string, ids: readonly string[], origin: UrlOrigin): Promise<Map<string, DescribeSampleResp>> {
    const dataset = await this.directory.require(projectId, datasetId);
    const rows = await this.store.samplesByIds(dataset.id, [...new Set(ids)]);
    const byNo = new Map((await this.store.labels(dataset.id)).map((l) => [l.no, l]));
    return new Map(rows.map((row) => [row.id, sampleView(row, byNo, this.urls.forSource(origin, row.source))]));
  }

  /** What the samples can be searched by: the labels they carry, their labelers and metadata values. */
  async searchConditions(projectId: string, datasetId: string): Promise<ListSearchResponse> {
    const dataset = await this.directory.require(projectId, datasetId);
    const [labels, labelers, metadata] = await Promise.all([
      this.store.labelRows(dataset.id),
      this.store.labelers(dataset.id),
      this.store.metadataCounts(dataset.id),
    ]);
    const refs = await this.store.labels(dataset.id);
    const inUse = new Set(labels.filter((l) => l.samples_manual + l.samples_auto > 0).map((l) => l.label_no));
    const meta: Record<string, string[]> = {};
    for (const m of metadata) (meta[m.key] ??= []).push(m.value);
    return { labels: refs.filter((l) => inUse.has(l.no)).map(labelResponse), metadata: meta, labelers };
  }
}
