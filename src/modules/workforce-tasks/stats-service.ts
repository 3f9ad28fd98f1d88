// ListWorkforceTaskStats (#35) and GetWorkforceTaskMetrics (#36): counts over the task's copies, by
// state for the task and for each labeler, and the dataset's labels as the copies use them.
import { sql, type Kysely } from 'kysely';
import type { Tables } from '#src/db/tables.ts';
import type { LabelDefinition } from '#src/modules/datasets/index.ts';
import { countedMetadata, hardReason } from '#src/modules/samples/index.ts';
import { formatObsPath, type ObjectPath } from '#src/storage/obs-path.ts';
import type { TaskMetrics, TaskSampleStateFilter, TaskStats } from './stats-schemas.ts';
import { copyStateSql } from './sample-state-sql.ts';
import { TaskSampleState, type WorkforceTaskRow } from './tables.ts';

export interface StatsDeps {
  db: Kysely<Tables>;
  /** The dataset's labels (the samples family's list). */
  labels: { listLabels(datasetId: string): Promise<LabelDefinition[]> };
  /** The task's dataset, for data_path. */
  datasets: { require(projectId: string, datasetId: string): Promise<{ inputPaths: readonly ObjectPath[]; workPath: ObjectPath }> };
}

const HARD_REASONS_KEY = '@modelarts:hard_reasons';

/** What the metadata of the task's samples says: hard examples, their reasons, and the other values. */
interface SampleFacts {
  total: number;
  hard: number;
  hardReasons: Map<string, number>;
  metadata: Record<string, Record<string, number>>;
}

const PAGE = 5000;
const S = TaskSampleState;

/** The task's copy counts in the spec's keys. */
function stateCounts(byState: ReadonlyMap<number, number>): Record<string, number> {
  const n = (s: number) => byState.get(s) ?? 0;
  return {
    total: [...byState.values()].reduce((a, b) => a + b, 0),
    un_annotation: n(S.none),
    unreviewed: n(S.labeled),
    uncheck: n(S.reviewed),
    accepted: n(S.accepted),
    rejected: n(S.rejected) + n(S.refused),
    auto_annotation: 0,
  };
}

export class TaskStatsService {
  constructor(private readonly deps: StatsDeps) {}

  async stats(task: WorkforceTaskRow, state: TaskSampleStateFilter | undefined): Promise<TaskStats> {
    const rows = await this.deps.db
      .selectFrom('workforce_task_samples')
      .select(['state', (e) => e.fn.countAll<number>().as('n')])
      .where('task_id', '=', task.id)
      .groupBy('state')
      .execute();
    const sample_stats = stateCounts(new Map(rows.map((r) => [Number(r.state), Number(r.n)])));
    const [dataset, label_stats, labeledUses, facts] = await Promise.all([
      this.deps.datasets.require(task.project_id, task.dataset_id),
      this.labelStats(task, state),
      state === '__ALL__' ? undefined : this.labelStats(task, '__ALL__'),
      this.sampleFacts(task),
    ]);
    const grouped_label_stats: TaskStats['grouped_label_stats'] = {};
    for (const l of label_stats) (grouped_label_stats[String(l.type)] ??= []).push(l);
    const hard_detail_stats: TaskStats['hard_detail_stats'] = {};
    for (const [id, n] of facts.hardReasons) {
      const reason = hardReason(Number(id));
      if (reason) hard_detail_stats[id] = { key: n, value: reason };
    }
    // Two labeled copies at least, and every label in use on two or more, as for a dataset's own split.
    const inUse = (labeledUses ?? label_stats).filter((l) => l.sample_count > 0);
    const labeled = sample_stats.total! - sample_stats.un_annotation!;
    return {
      data_path: formatObsPath(dataset.inputPaths[0] ?? dataset.workPath),
      data_spliting_enable: labeled >= 2 && inUse.length > 0 && inUse.every((l) => l.sample_count >= 2),
      grouped_label_stats,
      hard_detail_stats,
      key_sample_stats: { total: facts.total, non_key_sample: facts.total - facts.hard, key_sample: facts.hard },
      label_stats,
      metadata_stats: facts.metadata,
      sample_stats,
    };
  }

  /** One pass over the task's distinct samples, a page at a time. */
  private async sampleFacts(task: WorkforceTaskRow): Promise<SampleFacts> {
    const facts: SampleFacts = { total: 0, hard: 0, hardReasons: new Map(), metadata: {} };
    let after = '';
    for (;;) {
      const page = await sql<{ id: string; hard: number; metadata: string }>`select s.id, s.hard, s.metadata from samples s
        where s.dataset_id = ${task.dataset_id} and s.id > ${after}
          and s.id in (select c.sample_id from workforce_task_samples c where c.task_id = ${task.id})
        order by s.id limit ${PAGE}`.execute(this.deps.db);
      for (const r of page.rows) {
        facts.total++;
        if (Number(r.hard) === 1) facts.hard++;
        for (const { key, value } of countedMetadata(JSON.parse(r.metadata) as Record<string, unknown>)) {
          if (key === HARD_REASONS_KEY) facts.hardReasons.set(value, (facts.hardReasons.get(value) ?? 0) + 1);
          else (facts.metadata[key] ??= {})[value] = (facts.metadata[key][value] ?? 0) + 1;
        }
      }
      const last = page.rows.at(-1);
      if (!last || page.rows.length < PAGE) return facts;
      after = last.id;
    }
  }

  async datasetLabels(datasetId: string): Promise<LabelDefinition[]> {
    return this.deps.labels.listLabels(datasetId);
  }

  /** The dataset's labels, each with its use in the task's copies (those in `state`, or all). */
  async labelStats(task: WorkforceTaskRow, state: TaskSampleStateFilter | undefined): Promise<TaskStats['label_stats']> {
    const uses = await this.labelUses(task, state);
    return (await this.deps.labels.listLabels(task.dataset_id)).map((l) => {
      const u = uses.get(l.name);
      return { name: l.name, type: l.type, ...(l.property ? { property: l.property } : {}), count: u?.count ?? 0, sample_count: u?.copies ?? 0 };
    });
  }

  async metrics(task: WorkforceTaskRow): Promise<TaskMetrics> {
    const rows = await this.deps.db
      .selectFrom('workforce_task_samples as c')
      .innerJoin('workforce_task_workers as w', (j) => j.onRef('w.task_id', '=', 'c.task_id').onRef('w.worker_id', '=', 'c.worker_id'))
      .select(['w.email', 'c.state', (e) => e.fn.countAll<number>().as('n')])
      .where('c.task_id', '=', task.id)
      .groupBy(['w.email', 'c.state'])
      .execute();
    const byWorker = new Map<string, Map<number, number>>();
    for (const r of rows) {
      const m = byWorker.get(r.email) ?? new Map<number, number>();
      m.set(Number(r.state), Number(r.n));
      byWorker.set(r.email, m);
    }
    return { sample_stats: Object.fromEntries([...byWorker].map(([email, m]) => [email, stateCounts(m)])) };
  }

  /** Per label name: how many times the chosen copies carry it and how many copies do, read a page at a time. */
  private async labelUses(task: WorkforceTaskRow, state: TaskSampleStateFilter | undefined): Promise<Map<string, { count: number; copies: number }>> {
    const where = state ? copyStateSql(state, task.checking_task_id) : sql`1 = 1`;
    const out = new Map<string, { count: number; copies: number }>();
    let after = { sample: '', worker: '' };
    for (;;) {
      const page = await sql<{ sample_id: string; worker_id: string; labels: string }>`select c.sample_id, c.worker_id, c.labels from workforce_task_samples c
        where c.task_id = ${task.id} and c.labels <> '[]' and ${where}
          and (c.sample_id > ${after.sample} or (c.sample_id = ${after.sample} and c.worker_id > ${after.worker}))
        order by c.sample_id, c.worker_id limit ${PAGE}`.execute(this.deps.db);
      for (const r of page.rows) {
        const names = (JSON.parse(r.labels) as { name?: string }[]).map((l) => l.name ?? '');
        for (const name of names) {
          const u = out.get(name) ?? { count: 0, copies: 0 };
          u.count++;
          out.set(name, u);
        }
        for (const name of new Set(names)) out.get(name)!.copies++;
      }
      const last = page.rows.at(-1);
      if (!last || page.rows.length < PAGE) return out;
      after = { sample: last.sample_id, worker: last.worker_id };
    }
  }
}
