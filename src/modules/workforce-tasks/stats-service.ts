// ListWorkforceTaskStats (#35) and GetWorkforceTaskMetrics (#36): counts over the task's copies, by
// state for the task and for each labeler, and the dataset's labels as the copies use them.
import { sql, type Kysely } from 'kysely';
import type { Tables } from '#src/db/tables.ts';
import type { LabelDefinition } from '#src/modules/datasets/index.ts';
import type { TaskMetrics, TaskSampleStateFilter, TaskStats } from './stats-schemas.ts';
import { copyStateSql } from './sample-state-sql.ts';
import { TaskSampleState, type WorkforceTaskRow } from './tables.ts';

export interface StatsDeps {
  db: Kysely<Tables>;
  /** The dataset's labels (the samples family's list). */
  labels: { listLabels(datasetId: string): Promise<LabelDefinition[]> };
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
    return { label_stats: await this.labelStats(task, state), sample_stats };
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
