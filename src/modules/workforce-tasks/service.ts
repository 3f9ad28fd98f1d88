import { sql } from 'kysely';
import type { Principal } from '#src/auth/principal.ts';
import { errors } from '#src/core/errors.ts';
import { shortId } from '#src/core/ids.ts';
import type { Clock } from '#src/core/time.ts';
import type { ResultCache } from '#src/db/database.ts';
import type { SampleQueries, SampleSelectionSql } from '#src/modules/samples/index.ts';
import type { BatchResult, WorkerRecord, WorkforceInvitations, WorkforceService } from '#src/modules/workforces/index.ts';
import { labelErrors } from '#src/modules/datasets/index.ts';
import { acceptanceFigures, checkStats } from './acceptance-service.ts';
import type { AcceptanceStore } from './acceptance-store.ts';
import { taskErrors } from './errors.ts';
import type { TaskStatsService } from './stats-service.ts';
import { afterLabel, canMove } from './sample-states.ts';
import { taskSampleViews } from './sample-views.ts';
import type {
  CreateWorkforceTaskRequest,
  ListTaskSamplesQuery,
  SampleStats,
  TaskSample,
  UpdateTaskSamplesRequest,
  UpdateWorkforceTaskRequest,
  WorkerTask,
  WorkforcesConfigIn,
  WorkforceTask,
} from './schemas.ts';
import type { StateCounts, WorkforceTaskStore } from './store.ts';
import { copyStateSql } from './sample-state-sql.ts';
import type { TaskSampleStateFilter } from './stats-schemas.ts';
import {
  takesArrivals,
  TaskSampleState,
  WorkforceTaskStatus,
  type WorkforceTaskRow,
  type WorkforceTaskSampleRow,
  type WorkforceTaskWorkerRow,
} from './tables.ts';

/** The datasets a task lives in: a dataset of another project is missing (404). */
export interface TaskDatasets {
  require(projectId: string, datasetId: string): Promise<{ info: { type: number; labelTypes: readonly number[] } }>;
}

export interface TaskServiceDeps {
  store: WorkforceTaskStore;
  clock: Clock;
  datasets: TaskDatasets;
  selection: SampleSelectionSql;
  queries: Pick<SampleQueries, 'describe' | 'describeMany'>;
  workforces: WorkforceService;
  invitations: WorkforceInvitations;
  /** Copy counts of a task (group) per member ('' for all), without a state filter: they change only when copies are assigned or the task goes. */
  copyCounts: ResultCache<number>;
  /** The dataset's labels with their use in a task (label_stats), and the acceptances' figures (pass_rate, score, check_rate). */
  stats: TaskStatsService;
  acceptances: AcceptanceStore;
}

type ViewQuery = { label_stats?: boolean; sample_stats?: boolean; workforce_stats?: boolean };

export function sampleStats(c: StateCounts): SampleStats {
  const n = (s: number) => c.get(s) ?? 0;
  return {
    accepted_sample_count: n(TaskSampleState.accepted),
    auto_annotation_sample_count: 0,
    deleted_sample_count: 0,
    rejected_sample_count: n(TaskSampleState.rejected) + n(TaskSampleState.refused),
    sampled_sample_count: 0,
    total_sample_count: [...c.values()].reduce((a, b) => a + b, 0),
    unannotated_sample_count: n(TaskSampleState.none),
    uncheck_sample_count: n(TaskSampleState.reviewed),
    unreviewed_sample_count: n(TaskSampleState.labeled),
  };
}

/** Team labeling tasks (#26-31), the members' side (#17, #18, #37, #40) and their notification mail (#46). */
export class WorkforceTaskService {
  constructor(private readonly deps: TaskServiceDeps) {}

  async requireTask(projectId: string, datasetId: string, taskId: string): Promise<WorkforceTaskRow> {
    await this.deps.datasets.require(projectId, datasetId);
    const row = await this.deps.store.getTask(projectId, datasetId, taskId);
    if (!row) throw taskErrors.notFound(taskId);
    return row;
  }

  /** The members named by the config: each team of the project, with all or the named members. */
  private async resolveWorkers(projectId: string, cfg: WorkforcesConfigIn | undefined): Promise<WorkerRecord[]> {
    const teams = cfg?.workforces ?? [];
    if (teams.length === 0) throw errors.badParam('body.workforces_config.workforces must name at least one team');
    const out = new Map<string, WorkerRecord>();
    for (const [i, team] of teams.entries()) {
      if (!team.workforce_id) throw errors.badParam(`body.workforces_config.workforces[${i}].workforce_id is required`);
      const members = await this.deps.workforces.membersOf(projectId, team.workforce_id);
      const named = team.workers ?? [];
      if (named.length === 0) members.forEach((m) => out.set(m.worker_id, m));
      for (const [j, w] of named.entries()) {
        const m = members.find((x) => (w.worker_id ? x.worker_id === w.worker_id : x.email === w.email?.toLowerCase()));
        if (!m) throw errors.badParam(`body.workforces_config.workforces[${i}].workers[${j}] is not a member of team ${team.workforce_id}`);
        out.set(m.worker_id, m);
      }
    }
    return [...out.values()];
  }

  async create(projectId: string, datasetId: string, body: CreateWorkforceTaskRequest): Promise<{ task_id: string }> {
    await this.deps.datasets.require(projectId, datasetId);
    if (!body.task_name) throw errors.badParam('body.task_name is required');
    const conditions = body.sample_conditions ? this.deps.selection.parse(body.sample_conditions, 'body.sample_conditions') : [];
    const where = await this.deps.selection.where(datasetId, conditions, 'body.sample_conditions');
    const workers = await this.resolveWorkers(projectId, body.workforces_config);
    const repetition = body.repetition ?? 1;
    const { labelers, agency } = this.assignees(workers, body.workforces_config?.agency);
    if (labelers.length === 0) throw errors.badParam('body.workforces_config must include at least one labeler (role 0)');
    if (!agency && repetition > labelers.length) throw errors.badParam(`body.repetition ${repetition} exceeds the ${labelers.length} labelers of the task`);
    if (await this.deps.store.taskByName(datasetId, body.task_name)) throw taskErrors.nameTaken(body.task_name);
    const now = this.deps.clock.now();
    const row: WorkforceTaskRow = {
      id: shortId(),
      project_id: projectId,
      dataset_id: datasetId,
      name: body.task_name,
      description: body.description ?? '',
      status: WorkforceTaskStatus.created,
      repetition,
      sample_conditions: JSON.stringify(conditions),
      auto_sync_dataset: body.auto_sync_dataset === false ? 0 : 1,
      data_sync_type: body.data_sync_type ?? 0,
      synchronize_data: body.synchronize_data ? 1 : 0,
      synchronize_auto_labeling_data: body.synchronize_auto_labeling_data ? 1 : 0,
      agency: agency?.email ?? null,
      version_id: null,
      checking_task_id: null,
      create_time: now,
      update_time: now,
    };
    const memberRows: WorkforceTaskWorkerRow[] = workers.map((w) => ({
      task_id: row.id,
      worker_id: w.worker_id,
      workforce_id: w.workforce_id,
      email: w.email,
      role: w.role,
      email_status: 0,
      last_notify_time: 0,
      create_time: now,
    }));
    await this.deps.store.db.transaction().execute(async (trx) => {
      await trx.insertInto('workforce_tasks').values(row).execute();
      await trx.insertInto('workforce_task_workers').values(memberRows).execute();
    });
    await this.assign(row, agency ? [agency.worker_id] : labelers.map((l) => l.worker_id), agency ? 1 : repetition, where, false);
    return { task_id: row.id };
  }

  /** The labelers, or the administrator named by `agency` who holds every sample to hand out. */
  private assignees(workers: readonly WorkerRecord[], agencyEmail: string | undefined): { labelers: WorkerRecord[]; agency?: WorkerRecord } {
    const labelers = workers.filter((w) => w.role === 0);
    if (agencyEmail === undefined || agencyEmail === '') return { labelers };
    const agency = workers.find((w) => w.role === 2 && w.email === agencyEmail.toLowerCase());
    if (!agency) throw errors.badParam(`body.workforces_config.agency ${agencyEmail} is not a team administrator (role 2) of the task's teams`);
    return { labelers: [agency], agency };
  }

  /**
   * Copies the matching samples into the task in one INSERT ... SELECT: the i-th sample (in list
   * order, continuing after the copies already there) goes to labelers (i*rep + k) mod n for k < rep,
   * so the split is even and a sample's copies land on distinct labelers. `onlyNew` skips samples
   * the task already has (synchronize_data).
   */
  private async assign(task: WorkforceTaskRow, workerIds: readonly string[], rep: number, where: ReturnType<typeof sql>, onlyNew: boolean): Promise<number> {
    const n = workerIds.length;
    const db = this.deps.store.db;
    const start = onlyNew ? await this.deps.store.sampleCount(task.id) : 0;
    const workersTable = sql.join(
      workerIds.map((id, i) => sql`select cast(${i} as integer) as idx, ${id} as worker_id`),
      sql` union all `,
    );
    const copies = sql.join(
      Array.from({ length: rep }, (_, k) => sql`select cast(${k} as integer) as k`),
      sql` union all `,
    );
    const fresh = onlyNew ? sql`and not exists (select 1 from workforce_task_samples t where t.task_id = ${task.id} and t.sample_id = s.id)` : sql``;
    const now = this.deps.clock.now();
    const r = await sql`insert into workforce_task_samples
        (task_id, sample_id, worker_id, sample_time, state, labels, labeled_time, review_accept, review_comment, review_score, reviewer_id, review_time, update_time)
      select ${task.id}, p.id, w.worker_id, p.sample_time, ${TaskSampleState.none}, '[]', 0, null, null, null, null, 0, ${now}
      from (select s.id, s.sample_time, row_number() over (order by s.sample_time, s.id) - 1 + cast(${start} as bigint) as rn from samples s where ${where} ${fresh}) p
      cross join (${copies}) c
      join (${workersTable}) w on w.idx = (p.rn * cast(${rep} as bigint) + c.k) % cast(${n} as bigint)`.execute(db);
    this.deps.copyCounts.invalidate(task.id);
    return Number(r.numAffectedRows ?? 0);
  }

  async list(projectId: string, datasetId: string, limit: number, offset: number): Promise<{ count: number; tasks: WorkforceTask[] }> {
    await this.deps.datasets.require(projectId, datasetId);
    const rows = await this.deps.store.pageTasks(datasetId, limit, offset * limit);
    return { count: await this.deps.store.countTasks(datasetId), tasks: await Promise.all(rows.map((r) => this.view(r, {}))) };
  }

  /** The owner reads any task of the dataset; a member only a started task they take part in (others: 404). */
  async describe(caller: Principal, datasetId: string, taskId: string, q: ViewQuery): Promise<WorkforceTask> {
    const row = await this.requireTask(caller.projectId, datasetId, taskId);
    await this.memberOf(caller, row);
    return this.view(row, q);
  }

  private async view(row: WorkforceTaskRow, q: ViewQuery): Promise<WorkforceTask> {
    const members = await this.deps.store.taskWorkers(row.id);
    const records = await this.deps.workforces.workersById(
      row.project_id,
      members.map((m) => m.worker_id),
      true,
    );
    const byTeam = new Map<string, WorkforceTask['workforces_config']['workforces'][number]>();
    for (const m of members) {
      const rec = records.find((r) => r.worker_id === m.worker_id);
      if (!rec) continue;
      let team = byTeam.get(m.workforce_id);
      if (!team) {
        const wf = await this.deps.workforces.describe(row.project_id, m.workforce_id).catch(() => undefined);
        team = { workforce_id: m.workforce_id, workforce_name: wf?.workforce_name ?? '', workers: [] };
        byTeam.set(m.workforce_id, team);
      }
      const { user_id: _u, project_id: _p, ...worker } = rec;
      team.workers.push(worker);
    }
    const view: WorkforceTask = {
      auto_sync_dataset: row.auto_sync_dataset === 1,
      create_time: Number(row.create_time),
      data_sync_type: row.data_sync_type,
      dataset_id: row.dataset_id,
      description: row.description,
      repetition: row.repetition,
      sample_search_conditions: JSON.parse(row.sample_conditions) as Record<string, unknown>[],
      status: row.status as WorkforceTask['status'],
      synchronize_auto_labeling_data: row.synchronize_auto_labeling_data === 1,
      synchronize_data: row.synchronize_data === 1,
      task_id: row.id,
      task_name: row.name,
      update_time: Number(row.update_time),
      workforces_config: { ...(row.agency ? { agency: row.agency } : {}), workforces: [...byTeam.values()] },
      ...(row.version_id ? { version_id: row.version_id } : {}),
      ...(await this.acceptanceView(row)),
    };
    if (q.label_stats) view.label_stats = await this.deps.stats.labelStats(row, undefined);
    if (q.sample_stats) view.sample_stats = sampleStats(await this.deps.store.stateCounts(row.id));
    if (q.workforce_stats) {
      view.workforce_stats = {
        labeler_count: members.filter((m) => m.role === 0).length,
        reviewer_count: members.filter((m) => m.role === 1).length,
        workforce_count: byTeam.size,
      };
      view.worker_stats = await Promise.all(members.map((m) => this.workerTask(row, m)));
    }
    return view;
  }

  /** pass_rate, score and check_rate over every acceptance of the task, and the running one's figures (as the report #33 gives them). */
  private async acceptanceView(row: WorkforceTaskRow): Promise<Pick<WorkforceTask, 'check_rate' | 'checking_task_desc' | 'pass_rate' | 'score'>> {
    const f = await acceptanceFigures(this.deps.acceptances, row);
    const total = f.sum(f.all);
    const running = row.checking_task_id ? f.all.find((a) => a.id === row.checking_task_id) : undefined;
    return {
      check_rate: checkStats(total).sampling_rate,
      pass_rate: checkStats(total).pass_rate,
      score: total.scored === 0 ? 0 : total.points / total.scored,
      ...(running
        ? {
            checking_task_desc: {
              checking_stats: checkStats(f.sum([running]), running.id),
              checking_task_id: running.id,
              overwrite_last_result: running.overwrite_last_result === 1,
              total_stats: checkStats(total),
            },
          }
        : {}),
    };
  }

  private async workerTask(task: WorkforceTaskRow, m: WorkforceTaskWorkerRow, datasetType = 0): Promise<WorkerTask> {
    return {
      create_time: Number(m.create_time),
      dataset_id: task.dataset_id,
      dataset_type: datasetType,
      email: m.email,
      email_status: m.email_status === 1 ? 3 : 0,
      last_notify_time: Number(m.last_notify_time),
      pass_rate: 0,
      role: m.role as WorkerTask['role'],
      sample_stats: sampleStats(await this.deps.store.stateCounts(task.id, m.role === 0 || m.role === 2 ? m.worker_id : undefined)),
      score: 0,
      task_id: task.id,
      task_status: task.status as WorkerTask['task_status'],
      update_time: Number(task.update_time),
      worker_id: m.worker_id,
      workforce_task_name: task.name,
    };
  }

  async update(projectId: string, datasetId: string, taskId: string, body: UpdateWorkforceTaskRequest): Promise<Record<string, never>> {
    const row = await this.requireTask(projectId, datasetId, taskId);
    if (body.task_name !== undefined && body.task_name !== row.name && (await this.deps.store.taskByName(datasetId, body.task_name))) {
      throw taskErrors.nameTaken(body.task_name);
    }
    await this.deps.store.db
      .updateTable('workforce_tasks')
      .set({
        ...(body.task_name !== undefined ? { name: body.task_name } : {}),
        ...(body.description !== undefined ? { description: body.description } : {}),
        update_time: this.deps.clock.now(),
      })
      .where('id', '=', row.id)
      .execute();
    if (row.status !== WorkforceTaskStatus.created) await this.synchronize(row);
    return {};
  }

  /** Starting: created (6) or rejected (4) to running (1); the members see the task and their samples from now on. */
  async start(projectId: string, datasetId: string, taskId: string): Promise<Record<string, never>> {
    const row = await this.requireTask(projectId, datasetId, taskId);
    if (row.status !== WorkforceTaskStatus.created && row.status !== WorkforceTaskStatus.rejected) {
      throw taskErrors.badState(`the task is not in a state that can start (status ${row.status})`);
    }
    await this.deps.store.db
      .updateTable('workforce_tasks')
      .set({ status: WorkforceTaskStatus.running, update_time: this.deps.clock.now() })
      .where('id', '=', row.id)
      .execute();
    await this.synchronize(row);
    return {};
  }

  /**
   * synchronize_data for every task still being labeled: when the dataset has gained samples since
   * the last look (its sample counters moved), those matching the task's conditions join it. The
   * first look after a start-up always synchronizes.
   */
  async synchronizeArrivals(seen: Map<string, number>): Promise<void> {
    const rows = await this.deps.store.db
      .selectFrom('workforce_tasks')
      .selectAll()
      .where((e) => e.or([e('synchronize_data', '=', 1), e('data_sync_type', 'in', [1, 3])]))
      .where('status', 'in', [WorkforceTaskStatus.running, WorkforceTaskStatus.accepting])
      .execute();
    const live = new Set<string>();
    for (const row of rows) {
      live.add(row.id);
      const counters = await this.deps.store.db
        .selectFrom('sample_counters')
        .select(['total', 'deleted'])
        .where('dataset_id', '=', row.dataset_id)
        .executeTakeFirst();
      // Deleting moves a sample from total to deleted: only an arrival changes the sum.
      const arrived = counters ? Number(counters.total) + Number(counters.deleted) : 0;
      if (seen.get(row.id) === arrived) continue;
      await this.synchronize(row);
      seen.set(row.id, arrived);
    }
    for (const id of seen.keys()) if (!live.has(id)) seen.delete(id);
  }

  /** synchronize_data: samples the dataset gained since, matching the task's conditions, join the task. */
  private async synchronize(row: WorkforceTaskRow): Promise<void> {
    if (!takesArrivals(row)) return;
    const members = await this.deps.store.taskWorkers(row.id);
    const agency = row.agency ? members.find((m) => m.role === 2 && m.email === row.agency) : undefined;
    const ids = agency ? [agency.worker_id] : members.filter((m) => m.role === 0).map((m) => m.worker_id);
    if (ids.length === 0) return;
    const where = await this.deps.selection.where(row.dataset_id, JSON.parse(row.sample_conditions) as [], 'sample_conditions');
    await this.assign(row, ids, agency ? 1 : Math.min(row.repetition, ids.length), where, true);
  }

  async remove(projectId: string, datasetId: string, taskId: string): Promise<void> {
    const row = await this.requireTask(projectId, datasetId, taskId);
    await this.deps.store.db.transaction().execute(async (trx) => {
      for (const t of ['workforce_acceptance_samples', 'workforce_acceptances', 'workforce_task_samples', 'workforce_task_workers'] as const) {
        await trx.deleteFrom(t).where('task_id', '=', row.id).execute();
      }
      await trx.deleteFrom('workforce_tasks').where('id', '=', row.id).execute();
    });
    this.deps.copyCounts.invalidate(row.id);
  }

  // ---- the members' side ----

  /** The caller's membership in the task: undefined for the owner; refused for a worker not in it or before the start. */
  private async memberOf(caller: Principal, task: WorkforceTaskRow): Promise<WorkforceTaskWorkerRow | undefined> {
    if (caller.role !== 'worker') return undefined;
    const mine = new Set((await this.deps.workforces.workerOfPrincipal(caller)).map((w) => w.worker_id));
    const m = (await this.deps.store.taskWorkers(task.id)).find((w) => mine.has(w.worker_id));
    if (!m || task.status === WorkforceTaskStatus.created) throw taskErrors.notFound(task.id);
    return m;
  }

  /** Whose copies the caller sees: a labeler (or the agency administrator) only their own; a reviewer or the owner any. */
  private scope(member: WorkforceTaskWorkerRow | undefined, asked: string | undefined): string | undefined {
    if (member && member.role !== 1) return member.worker_id;
    return asked;
  }

  async listWorkerTasks(caller: Principal, q: { limit: number; offset: number; order?: 'asc' | 'desc'; search_content?: string; sort_by?: string }) {
    const mine = (await this.deps.workforces.workerOfPrincipal(caller)).map((w) => w.worker_id);
    if (mine.length === 0) return { count: 0, worker_tasks: [] };
    let base = this.deps.store.db
      .selectFrom('workforce_task_workers as m')
      .innerJoin('workforce_tasks as t', 't.id', 'm.task_id')
      .where('m.worker_id', 'in', mine)
      .where('t.project_id', '=', caller.projectId)
      .where('t.status', '!=', WorkforceTaskStatus.created);
    if (q.search_content) base = base.where(sql<boolean>`lower(t.name) like ${`%${q.search_content.toLowerCase()}%`}`);
    const total = await base.select((e) => e.fn.countAll<number>().as('n')).executeTakeFirst();
    const rows = await base
      .selectAll('m')
      .select(['t.id as t_id'])
      .orderBy(q.sort_by === 'task_name' ? 't.name' : 't.create_time', q.order ?? 'desc')
      .limit(q.limit)
      .offset(q.offset * q.limit)
      .execute();
    const out: WorkerTask[] = [];
    for (const r of rows) {
      const task = (await this.deps.store.db.selectFrom('workforce_tasks').selectAll().where('id', '=', r.t_id).executeTakeFirst())!;
      const ds = await this.deps.datasets.require(caller.projectId, task.dataset_id).catch(() => undefined);
      out.push(await this.workerTask(task, r, ds?.info.type ?? 0));
    }
    return { count: Number(total?.n ?? 0), worker_tasks: out };
  }

  async listSamples(
    caller: Principal,
    datasetId: string,
    taskId: string,
    q: ListTaskSamplesQuery,
    origin: string,
  ): Promise<{ sample_count: number; samples: TaskSample[] }> {
    const task = await this.requireTask(caller.projectId, datasetId, taskId);
    const worker = this.scope(await this.memberOf(caller, task), q.worker_id);
    let base = this.deps.store.db.selectFrom('workforce_task_samples as c').where('c.task_id', '=', task.id);
    if (worker !== undefined) base = base.where('c.worker_id', '=', worker);
    if (q.sample_state !== undefined) base = base.where(copyStateSql(q.sample_state.toUpperCase() as TaskSampleStateFilter, task.checking_task_id));
    const count = async () => Number((await base.select((e) => e.fn.countAll<number>().as('n')).executeTakeFirst())?.n ?? 0);
    // A member's whole list is counted once (100,000 copies and more take milliseconds to count), until copies are assigned again.
    const total = q.sample_state === undefined ? await this.deps.copyCounts.get(task.id, worker ?? '', count) : await count();
    const rows = await base
      .selectAll('c')
      .orderBy('c.sample_time')
      .orderBy('c.sample_id')
      .orderBy('c.worker_id')
      .limit(q.limit)
      .offset(q.offset * q.limit)
      .execute();
    const samples = await taskSampleViews(this.deps, task, rows, origin);
    return { sample_count: total, samples };
  }

  async describeSample(
    caller: Principal,
    datasetId: string,
    taskId: string,
    sampleId: string,
    workerId: string | undefined,
    origin: string,
  ): Promise<TaskSample> {
    const task = await this.requireTask(caller.projectId, datasetId, taskId);
    const worker = this.scope(await this.memberOf(caller, task), workerId);
    const [copy] = await this.deps.store.sampleCopies(task.id, sampleId, worker);
    if (!copy) throw taskErrors.sampleNotFound(sampleId);
    return this.sampleView(task, copy, origin);
  }

  private async sampleView(task: WorkforceTaskRow, copy: WorkforceTaskSampleRow, origin: string): Promise<TaskSample> {
    const base = await this.deps.queries.describe(task.project_id, task.dataset_id, copy.sample_id, origin);
    const copies = await this.deps.store.sampleCopies(task.id, copy.sample_id);
    const labelers = (
      await this.deps.workforces.workersById(
        task.project_id,
        copies.map((c) => c.worker_id),
        true,
      )
    ).map(({ user_id: _u, project_id: _p, ...w }) => w);
    return {
      ...base,
      labels: JSON.parse(copy.labels) as TaskSample['labels'],
      labelers,
      worker_id: copy.worker_id,
      ...(copy.review_accept !== null ? { review_accept: copy.review_accept === 1 } : {}),
      ...(copy.review_comment !== null ? { review_comment: copy.review_comment } : {}),
      ...(copy.review_score !== null ? { review_score: copy.review_score } : {}),
    };
  }

  /** A member saves their labels on their own copies; another member's copy is never touched. */
  async saveLabels(caller: Principal, datasetId: string, taskId: string, body: UpdateTaskSamplesRequest): Promise<BatchResult> {
    const task = await this.requireTask(caller.projectId, datasetId, taskId);
    const member = await this.memberOf(caller, task);
    if (!member || member.role === 1) throw errors.forbidden('only the labelers of the task save labels here');
    if (task.status !== WorkforceTaskStatus.running && task.status !== WorkforceTaskStatus.rejected) {
      throw taskErrors.badState(`the task is not running (status ${task.status})`);
    }
    const items = body.samples ?? [];
    if (items.length === 0) throw errors.badParam('body.samples must name at least one sample');
    const hasReviewers = (await this.deps.store.taskWorkers(task.id)).some((m) => m.role === 1);
    const defaultType = (await this.deps.datasets.require(caller.projectId, datasetId)).info.labelTypes[0] ?? 0;
    await this.requireKnownLabels(datasetId, items);
    const results: BatchResult['results'] = [];
    const now = this.deps.clock.now();
    for (const [i, item] of items.entries()) {
      const fail = (msg: string) => results.push({ success: false, error_code: 'ModelArts.4338', error_msg: msg });
      if (!item.sample_id) {
        fail(`body.samples[${i}].sample_id is required`);
        continue;
      }
      const [copy] = await this.deps.store.sampleCopies(task.id, item.sample_id, member.worker_id);
      if (!copy) {
        fail(`sample ${item.sample_id} is not assigned to you in this task`);
        continue;
      }
      if (!canMove('label', copy.state)) {
        fail(`sample ${item.sample_id} can no longer be labeled (it is reviewed or accepted)`);
        continue;
      }
      const labels = (item.labels ?? []).map((l) => ({ ...l, property: l.property ?? {}, type: l.type ?? defaultType }));
      const unnamed = labels.findIndex((l) => !l.name);
      if (unnamed >= 0) {
        fail(`body.samples[${i}].labels[${unnamed}].name is required`);
        continue;
      }
      const next = labels.length === 0 ? TaskSampleState.none : afterLabel(hasReviewers);
      // A copy sent back and labeled again waits for a new verdict; the comment stays as its history.
      const sentBack = copy.state === TaskSampleState.rejected || copy.state === TaskSampleState.refused;
      await this.deps.store.db
        .updateTable('workforce_task_samples')
        .set({
          labels: JSON.stringify(labels),
          state: next,
          labeled_time: now,
          update_time: now,
          ...(sentBack ? { review_accept: null, review_score: null, reviewer_id: null, review_time: 0 } : {}),
        })
        .where('task_id', '=', task.id)
        .where('sample_id', '=', copy.sample_id)
        .where('worker_id', '=', member.worker_id)
        .execute();
      results.push({ success: true });
    }
    const failed = results.find((r) => !r.success);
    return failed ? { success: false, error_code: failed.error_code, error_msg: failed.error_msg, results } : { success: true, results };
  }

  /** As manual labeling: a label name the dataset does not have refuses the whole request, before anything is saved. */
  private async requireKnownLabels(datasetId: string, items: UpdateTaskSamplesRequest['samples']): Promise<void> {
    const known = new Set((await this.deps.stats.datasetLabels(datasetId)).map((l) => l.name));
    for (const [i, item] of (items ?? []).entries()) {
      for (const [j, l] of (item.labels ?? []).entries()) {
        if (l.name && !known.has(l.name)) throw labelErrors.notFound(`body.samples[${i}].labels[${j}].name: the dataset has no label "${l.name}"`);
      }
    }
  }

  /** Mails the named members of the task through the invitation mail; a member marked notified only when the mail went. */
  async sendEmails(projectId: string, datasetId: string, taskId: string, emails: readonly string[], origin: string): Promise<BatchResult> {
    const task = await this.requireTask(projectId, datasetId, taskId);
    if (emails.length === 0) throw errors.badParam('body.emails must name at least one member');
    const members = await this.deps.store.taskWorkers(task.id);
    const records = await this.deps.workforces.workersById(
      projectId,
      members.map((m) => m.worker_id),
    );
    const results: NonNullable<BatchResult['results']> = [];
    for (const email of emails) {
      const rec = records.find((r) => r.email === email.trim().toLowerCase());
      if (!rec) {
        results.push({ success: false, error_code: 'ModelArts.4604', error_msg: `${email} is not a member of the task` });
        continue;
      }
      const [r] = await this.deps.invitations.invite([rec], origin, { text: `You take part in the labeling task "${task.name}".` });
      if (r?.success) {
        await this.deps.store.db
          .updateTable('workforce_task_workers')
          .set({ email_status: 1, last_notify_time: this.deps.clock.now() })
          .where('task_id', '=', task.id)
          .where('worker_id', '=', rec.worker_id)
          .execute();
      }
      results.push(r ?? { success: false });
    }
    const failed = results.find((r) => !r.success);
    return failed ? { success: false, error_code: failed.error_code, error_msg: failed.error_msg, results } : { success: true, results };
  }
}
