// Reads and writes of review and acceptance over the task tables: the task's copies, the
// acceptances and the copies each one drew. Every change of many copies is one statement.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Tables } from '#src/db/tables.ts';
import { TaskSampleState, type WorkforceAcceptanceRow, type WorkforceAcceptanceSampleRow, type WorkforceTaskSampleRow } from './tables.ts';

export type Db = Kysely<Tables> | Transaction<Tables>;

/** A copy named by a verdict. */
export interface CopyKey {
  sample_id: string;
  worker_id: string;
}

/** A copy passed into the dataset: its labels and the labeler's e-mail. */
export interface PassedCopy {
  sample_id: string;
  labels: string;
  email: string;
}

export class AcceptanceStore {
  constructor(readonly db: Kysely<Tables>) {}

  async acceptance(taskId: string, id: string): Promise<WorkforceAcceptanceRow | undefined> {
    return this.db.selectFrom('workforce_acceptances').selectAll().where('task_id', '=', taskId).where('id', '=', id).executeTakeFirst();
  }

  async acceptances(taskId: string): Promise<WorkforceAcceptanceRow[]> {
    return this.db.selectFrom('workforce_acceptances').selectAll().where('task_id', '=', taskId).orderBy('create_time').execute();
  }

  /** The copies of the named samples, each sample's copies together. */
  async copiesOf(taskId: string, sampleIds: readonly string[]): Promise<WorkforceTaskSampleRow[]> {
    if (sampleIds.length === 0) return [];
    return this.db.selectFrom('workforce_task_samples').selectAll().where('task_id', '=', taskId).where('sample_id', 'in', sampleIds).execute();
  }

  async drawnOf(acceptanceId: string, sampleIds: readonly string[]): Promise<WorkforceAcceptanceSampleRow[]> {
    if (sampleIds.length === 0) return [];
    return this.db
      .selectFrom('workforce_acceptance_samples')
      .selectAll()
      .where('acceptance_id', '=', acceptanceId)
      .where('sample_id', 'in', sampleIds)
      .execute();
  }

  async countInState(taskId: string, state: number): Promise<number> {
    const r = await this.db
      .selectFrom('workforce_task_samples')
      .select((e) => e.fn.countAll<number>().as('n'))
      .where('task_id', '=', taskId)
      .where('state', '=', state)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  /** Draws `n` of the task's reviewed copies at random into the acceptance, in one INSERT ... SELECT. */
  async draw(trx: Db, acceptanceId: string, taskId: string, n: number): Promise<void> {
    await sql`insert into workforce_acceptance_samples (acceptance_id, task_id, sample_id, worker_id, accept, comment, score, check_time)
      select ${acceptanceId}, task_id, sample_id, worker_id, null, null, null, 0 from workforce_task_samples
      where task_id = ${taskId} and state = ${TaskSampleState.reviewed} order by random() limit ${n}`.execute(trx);
  }

  /** Per acceptance: drawn, checked, passed and refused copies, and the grade points. */
  async figures(taskId: string): Promise<Map<string, { drawn: number; checked: number; passed: number; refused: number; scored: number; points: number }>> {
    const rows = await sql<{ id: string; drawn: number; checked: number; passed: number; refused: number; scored: number; points: number }>`
      select acceptance_id as id, count(*) as drawn, count(accept) as checked,
        sum(case when accept = 1 then 1 else 0 end) as passed, sum(case when accept = 0 then 1 else 0 end) as refused,
        count(score) as scored,
        sum(case score when 'A' then 4 when 'B' then 3 when 'C' then 2 when 'D' then 1 else 0 end) as points
      from workforce_acceptance_samples where task_id = ${taskId} group by acceptance_id`.execute(this.db);
    return new Map(
      rows.rows.map((r) => [
        r.id,
        {
          drawn: Number(r.drawn),
          checked: Number(r.checked),
          passed: Number(r.passed ?? 0),
          refused: Number(r.refused ?? 0),
          scored: Number(r.scored),
          points: Number(r.points ?? 0),
        },
      ]),
    );
  }

  /**
   * The reviewed copies an action passes, one per sample (the copy the check passed first, then the
   * latest labeled), with the labeler's e-mail. `which`: all reviewed copies, those passed in the check
   * plus those without a verdict, or only those passed in the check.
   */
  async passing(acceptanceId: string, taskId: string, which: 'all' | 'notRefused' | 'checkedOnly'): Promise<PassedCopy[]> {
    const verdict = which === 'all' ? sql`` : which === 'notRefused' ? sql`and (a.accept is null or a.accept = 1)` : sql`and a.accept = 1`;
    const r = await sql<PassedCopy & { rank: number }>`
      select sample_id, labels, email from (
        select c.sample_id, c.labels, w.email,
          row_number() over (partition by c.sample_id order by coalesce(a.accept, 0) desc, c.labeled_time desc, c.worker_id) as rank
        from workforce_task_samples c
        join workforce_task_workers w on w.task_id = c.task_id and w.worker_id = c.worker_id
        left join workforce_acceptance_samples a on a.acceptance_id = ${acceptanceId} and a.sample_id = c.sample_id and a.worker_id = c.worker_id
        where c.task_id = ${taskId} and c.state = ${TaskSampleState.reviewed} ${verdict}
      ) p where rank = 1`.execute(this.db);
    return r.rows.map(({ sample_id, labels, email }) => ({ sample_id, labels, email }));
  }

  /** The dataset samples among `ids` that already carry labels (kept when overwrite_last_result is false). */
  async labeledInDataset(datasetId: string, taskId: string): Promise<Set<string>> {
    const r = await sql<{ id: string }>`select s.id from samples s
      where s.dataset_id = ${datasetId} and s.state <> 0
        and exists (select 1 from workforce_task_samples c where c.task_id = ${taskId} and c.sample_id = s.id and c.state = ${TaskSampleState.reviewed})`.execute(
      this.db,
    );
    return new Set(r.rows.map((x) => x.id));
  }

  /** Samples with more than one reviewed copy whose labels differ. */
  async conflicts(taskId: string, limit: number): Promise<{ ids: string[]; count: number }> {
    const base = sql`select sample_id from workforce_task_samples where task_id = ${taskId} and state = ${TaskSampleState.reviewed}
      group by sample_id having count(distinct labels) > 1`;
    const count = await sql<{ n: number }>`select count(*) as n from (${base}) x`.execute(this.db);
    const ids = await sql<{ sample_id: string }>`${base} order by sample_id limit ${limit}`.execute(this.db);
    return { ids: ids.rows.map((r) => r.sample_id), count: Number(count.rows[0]?.n ?? 0) };
  }

  /**
   * Ends the acceptance: the task's reviewed copies move in the order given, each move picking them
   * by their verdict in the check (any, passed, refused, none), as one UPDATE each; the acceptance is
   * closed with its action.
   */
  async close(
    trx: Db,
    acc: WorkforceAcceptanceRow,
    moves: readonly { to: number; verdict: 'any' | 'passed' | 'refused' | 'none' }[],
    end: { status: number; action: number; overwrite: boolean; now: number },
  ): Promise<void> {
    const drawn = (accept: number) =>
      sql`exists (select 1 from workforce_acceptance_samples a where a.acceptance_id = ${acc.id} and a.sample_id = workforce_task_samples.sample_id
        and a.worker_id = workforce_task_samples.worker_id and a.accept = ${accept})`;
    for (const m of moves) {
      const pick =
        m.verdict === 'any' ? sql`1 = 1` : m.verdict === 'passed' ? drawn(1) : m.verdict === 'refused' ? drawn(0) : sql`not ${drawn(1)} and not ${drawn(0)}`;
      const accepted = m.to === TaskSampleState.accepted ? sql`, accepted_time = ${end.now}` : sql``;
      await sql`update workforce_task_samples set state = ${m.to}, update_time = ${end.now}${accepted}
        where task_id = ${acc.task_id} and state = ${TaskSampleState.reviewed} and ${pick}`.execute(trx);
    }
    await trx
      .updateTable('workforce_acceptances')
      .set({ status: end.status, action: end.action, overwrite_last_result: end.overwrite ? 1 : 0, end_time: end.now })
      .where('id', '=', acc.id)
      .execute();
  }
}
