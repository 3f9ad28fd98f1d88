// A task's progress over time: its copies counted into hour or day buckets by the time they were
// labeled, reviewed and accepted (the copy rows' labeled_time, review_time and accepted_time).
import { sql, type Kysely } from 'kysely';
import type { Clock } from '#src/core/time.ts';
import type { Tables } from '#src/db/tables.ts';
import type { ProgressBucket, ProgressInterval, ProgressQuery, TaskProgress } from './progress-schemas.ts';
import type { WorkforceTaskRow } from './tables.ts';

const WIDTH: Record<ProgressInterval, number> = { hour: 3_600_000, day: 86_400_000 };
const EVENTS = ['labeled', 'reviewed', 'accepted'] as const;
type Event = (typeof EVENTS)[number];
const COLUMN = { reviewed: sql.ref('review_time'), accepted: sql.ref('accepted_time') } as const;

export class TaskProgressService {
  constructor(private readonly deps: { db: Kysely<Tables>; clock: Clock }) {}

  async progress(task: WorkforceTaskRow, query: ProgressQuery): Promise<TaskProgress> {
    const interval = query.interval ?? 'day';
    const limit = query.limit ?? 30;
    const width = WIDTH[interval];
    const last = Math.floor(this.deps.clock.now() / width) * width;
    const from = last - (limit - 1) * width;
    const buckets: ProgressBucket[] = Array.from({ length: limit }, (_, i) => ({
      start_time: from + i * width,
      labeled: 0,
      reviewed: 0,
      accepted: 0,
      labeled_total: 0,
      reviewed_total: 0,
      accepted_total: 0,
    }));
    const total = await this.deps.db
      .selectFrom('workforce_task_samples')
      .select((e) => e.fn.countAll<number>().as('n'))
      .where('task_id', '=', task.id)
      .executeTakeFirst();
    for (const event of EVENTS) await this.count(task.id, event, from, width, buckets);
    return { interval, total_sample_count: Number(total?.n ?? 0), buckets };
  }

  /** One event's copies per bucket (one grouped query), and the running totals from those before the window. */
  private async count(taskId: string, event: Event, from: number, width: number, buckets: ProgressBucket[]): Promise<void> {
    // A copy whose labels were cleared keeps its labeled_time but is not labeled.
    const col = event === 'labeled' ? sql`(case when labels <> '[]' then labeled_time else 0 end)` : COLUMN[event];
    const before = await sql<{ n: number }>`select count(*) as n from workforce_task_samples
      where task_id = ${taskId} and ${col} > 0 and ${col} < cast(${from} as bigint)`.execute(this.deps.db);
    // Grouped over a subquery: PostgreSQL does not see two parameterised expressions as the same GROUP BY key.
    const rows = await sql<{ b: number; n: number }>`select b, count(*) as n from (
        select (${col} - cast(${from} as bigint)) / cast(${width} as bigint) as b
        from workforce_task_samples where task_id = ${taskId} and ${col} >= cast(${from} as bigint)
      ) x group by b`.execute(this.deps.db);
    const inBucket = new Map(rows.rows.map((r) => [Number(r.b), Number(r.n)]));
    let running = Number(before.rows[0]?.n ?? 0);
    buckets.forEach((b, i) => {
      const n = inBucket.get(i) ?? 0;
      running += n;
      b[event] = n;
      b[`${event}_total`] = running;
    });
  }
}
