// Sampling acceptance (#32-34, #38): the owner draws reviewed copies, judges them, then passes,
// refuses or cancels; passed labels go into the dataset through the samples family's labeling.
import { errors } from '#src/core/errors.ts';
import { shortId } from '#src/core/ids.ts';
import type { Clock } from '#src/core/time.ts';
import type { Static } from 'typebox';
import type { SampleLabel, SampleQueries } from '#src/modules/samples/index.ts';
import { acceptanceErrors } from './acceptance-errors.ts';
import {
  AcceptanceAction,
  type AcceptanceReport,
  type AcceptSamplesRequest,
  type CheckTaskStats,
  type StartSamplingRequest,
  type UpdateSamplingRequest,
  type UpdateSamplingResponse,
} from './acceptance-schemas.ts';
import type { AcceptanceStore, PassedCopy } from './acceptance-store.ts';
import { afterAcceptance } from './sample-states.ts';
import { AcceptanceStatus, labelsFlowBack, TaskSampleState, WorkforceTaskStatus, type WorkforceAcceptanceRow, type WorkforceTaskRow } from './tables.ts';

/** The samples family's manual labeling (UpdateSamples' code): one call replaces the labels of many samples in one transaction. */
export interface DatasetLabeling {
  update(
    projectId: string,
    datasetId: string,
    req: { samples?: { sample_id?: string; labels?: Label[] }[] },
    labelers: readonly string[],
  ): Promise<{ success?: boolean; error_code?: string; error_msg?: string }>;
}

export interface AcceptanceDeps {
  store: AcceptanceStore;
  clock: Clock;
  labeling: DatasetLabeling;
  queries: Pick<SampleQueries, 'describe'>;
}

type Label = Static<typeof SampleLabel>;
type Origin = Parameters<SampleQueries['describe']>[3];
const CONFLICTS_SHOWN = 500;
const GRADES = ['D', 'C', 'B', 'A'];

/** Sums over some acceptances of a task: copies drawn, checked, passed and refused, grades, and the copies drawn from. */
export interface AcceptanceSums {
  drawn: number;
  checked: number;
  passed: number;
  refused: number;
  scored: number;
  points: number;
  asked: number;
  total: number;
}

/** A task's acceptances and a summing of any of them, read once (the report #33 and the task views). */
export async function acceptanceFigures(
  store: AcceptanceStore,
  task: WorkforceTaskRow,
): Promise<{ all: WorkforceAcceptanceRow[]; sum(accs: readonly WorkforceAcceptanceRow[]): AcceptanceSums }> {
  const all = await store.acceptances(task.id);
  const figures = await store.figures(task.id);
  // The copies a drawing was made from: those still waiting, plus those the acceptance ended.
  const reviewed = await store.countInState(task.id, TaskSampleState.reviewed);
  const sum = (accs: readonly WorkforceAcceptanceRow[]): AcceptanceSums => {
    const f = { drawn: 0, checked: 0, passed: 0, refused: 0, scored: 0, points: 0, asked: 0, total: 0 };
    for (const a of accs) {
      const x = figures.get(a.id);
      f.asked += a.sampling_num;
      if (!x) continue;
      f.drawn += x.drawn;
      f.checked += x.checked;
      f.passed += x.passed;
      f.refused += x.refused;
      f.scored += x.scored;
      f.points += x.points;
    }
    f.total = Math.max(reviewed, f.drawn);
    return f;
  };
  return { all, sum };
}

/** The report's figures (CheckTaskStats) from sums; `id` names the acceptance they are of. */
export function checkStats(f: AcceptanceSums, id?: string): CheckTaskStats {
  return {
    ...(id ? { task_id: id } : {}),
    accepted_sample_count: f.passed,
    checked_sample_count: f.checked,
    pass_rate: f.checked === 0 ? 0 : f.passed / f.checked,
    rejected_sample_count: f.refused,
    sampled_sample_count: f.drawn,
    sampling_num: f.asked,
    sampling_rate: f.total === 0 ? 0 : f.drawn / f.total,
    score: f.scored === 0 ? 'E' : GRADES[Math.round(f.points / f.scored) - 1]!,
    total_sample_count: f.total,
    total_score: f.points,
    unchecked_sample_count: f.drawn - f.checked,
  };
}

export class AcceptanceService {
  constructor(private readonly deps: AcceptanceDeps) {}

  async start(task: WorkforceTaskRow, body: StartSamplingRequest): Promise<{ task_id: string }> {
    if (body.sampling_num !== undefined && body.sampling_rate !== undefined) {
      throw errors.badParam('body: give sampling_num or sampling_rate, not both');
    }
    if (body.sampling_num === undefined && body.sampling_rate === undefined) throw errors.badParam('body.sampling_num or body.sampling_rate is required');
    // The schema's lower bound is inclusive (an exclusive one is not OpenAPI 3.0): 0 is refused here.
    if (body.sampling_rate === 0) throw errors.badParam('body.sampling_rate must be above 0: the range is (0, 1]');
    if (task.checking_task_id) throw acceptanceErrors.checking(task.id);
    if (task.status !== WorkforceTaskStatus.running && task.status !== WorkforceTaskStatus.rejected) {
      throw acceptanceErrors.notRunning(task.status);
    }
    const reviewed = await this.deps.store.countInState(task.id, TaskSampleState.reviewed);
    if (reviewed === 0) throw acceptanceErrors.nothingToCheck(task.id);
    const n = body.sampling_num !== undefined ? Math.min(body.sampling_num, reviewed) : Math.max(1, Math.ceil(body.sampling_rate! * reviewed));
    const now = this.deps.clock.now();
    const acc: WorkforceAcceptanceRow = {
      id: shortId(),
      task_id: task.id,
      status: AcceptanceStatus.checking,
      sampling_num: body.sampling_num ?? n,
      action: null,
      overwrite_last_result: 0,
      create_time: now,
      end_time: 0,
    };
    await this.deps.store.db.transaction().execute(async (trx) => {
      // Taking the task only while it has no acceptance makes two concurrent starts end with one.
      const took = await trx
        .updateTable('workforce_tasks')
        .set({ checking_task_id: acc.id, status: WorkforceTaskStatus.accepting, update_time: now })
        .where('id', '=', task.id)
        .where('checking_task_id', 'is', null)
        .executeTakeFirst();
      if (Number(took.numUpdatedRows) === 0) throw acceptanceErrors.checking(task.id);
      await trx.insertInto('workforce_acceptances').values(acc).execute();
      await this.deps.store.draw(trx, acc.id, task.id, n);
    });
    return { task_id: acc.id };
  }

  /** The owner's verdicts on drawn copies; a copy not drawn into the running acceptance refuses the whole request. */
  async judge(task: WorkforceTaskRow, body: AcceptSamplesRequest): Promise<Record<string, never>> {
    const acc = await this.running(task);
    const ids = body.comments.map((c, i) => {
      if (!c.sample_id) throw errors.badParam(`body.comments[${i}].sample_id is required`);
      return c.sample_id;
    });
    const drawn = await this.deps.store.drawnOf(acc.id, [...new Set(ids)]);
    const updates: { sample_id: string; worker_id: string; accept: number; comment: string | null; score: string | null }[] = [];
    for (const [i, c] of body.comments.entries()) {
      const mine = drawn.filter((d) => d.sample_id === c.sample_id && (c.worker_id === undefined || d.worker_id === c.worker_id));
      if (mine.length === 0) {
        throw acceptanceErrors.sampleNotFound(
          `${c.sample_id}${c.worker_id ? ` of worker ${c.worker_id}` : ''} was not drawn for this acceptance (body.comments[${i}])`,
        );
      }
      for (const d of mine)
        updates.push({ sample_id: d.sample_id, worker_id: d.worker_id, accept: c.accept ? 1 : 0, comment: c.comment ?? null, score: c.score ?? null });
    }
    const now = this.deps.clock.now();
    await this.deps.store.db.transaction().execute(async (trx) => {
      for (const u of updates) {
        await trx
          .updateTable('workforce_acceptance_samples')
          .set({ accept: u.accept, comment: u.comment, score: u.score, check_time: now })
          .where('acceptance_id', '=', acc.id)
          .where('sample_id', '=', u.sample_id)
          .where('worker_id', '=', u.worker_id)
          .execute();
      }
    });
    return {};
  }

  async report(task: WorkforceTaskRow, checkingTaskId: string): Promise<AcceptanceReport> {
    const asked = await this.deps.store.acceptance(task.id, checkingTaskId);
    if (!asked) throw acceptanceErrors.acceptanceNotFound(checkingTaskId);
    const f = await acceptanceFigures(this.deps.store, task);
    return { checking_stats: checkStats(f.sum([asked]), asked.id), total_stats: checkStats(f.sum(f.all)) };
  }

  async update(task: WorkforceTaskRow, body: UpdateSamplingRequest, origin: Origin): Promise<UpdateSamplingResponse> {
    const acc = await this.running(task);
    const overwrite = body.overwrite_last_result === true;
    const now = this.deps.clock.now();
    switch (body.action) {
      case AcceptanceAction.conflicts: {
        const { ids, count } = await this.deps.store.conflicts(task.id, CONFLICTS_SHOWN);
        const samples = [];
        for (const id of ids) samples.push(await this.deps.queries.describe(task.project_id, task.dataset_id, id, origin));
        return { sample_count: count, samples };
      }
      case AcceptanceAction.cancel:
        await this.end(task, acc, [], { status: AcceptanceStatus.cancelled, taskStatus: WorkforceTaskStatus.running, action: body.action, overwrite, now });
        return {};
      case AcceptanceAction.rejectAll:
        await this.end(task, acc, [{ to: afterAcceptance(false), verdict: 'any' }], {
          status: AcceptanceStatus.rejected,
          taskStatus: WorkforceTaskStatus.rejected,
          action: body.action,
          overwrite,
          now,
        });
        return {};
      case AcceptanceAction.passAll:
      case AcceptanceAction.passCheckedAndUnchecked:
      case AcceptanceAction.passCheckedOnly: {
        const which =
          body.action === AcceptanceAction.passAll ? 'all' : body.action === AcceptanceAction.passCheckedAndUnchecked ? 'notRefused' : 'checkedOnly';
        const passed = await this.deps.store.passing(acc.id, task.id, which);
        let written = passed.length;
        // Without auto_sync_dataset (or a label data_sync_type) the accepted labels stay in the task.
        if (labelsFlowBack(task)) {
          const kept = overwrite ? new Set<string>() : await this.deps.store.labeledInDataset(task.dataset_id, task.id);
          written = await this.intoDataset(
            task,
            passed.filter((p) => !kept.has(p.sample_id)),
          );
        }
        const refuse = { to: afterAcceptance(false), verdict: 'refused' } as const;
        const pass = afterAcceptance(true);
        const moves =
          body.action === AcceptanceAction.passAll
            ? [{ to: pass, verdict: 'any' } as const]
            : body.action === AcceptanceAction.passCheckedAndUnchecked
              ? [refuse, { to: pass, verdict: 'any' } as const]
              : [refuse, { to: pass, verdict: 'passed' } as const];
        await this.end(task, acc, moves, { status: AcceptanceStatus.passed, taskStatus: undefined, action: body.action, overwrite, now });
        return { sample_count: written };
      }
    }
  }

  /** The passed labels into the dataset in one UpdateSamples call (one transaction), each sample credited to its labeler. */
  private async intoDataset(task: WorkforceTaskRow, passed: readonly PassedCopy[]): Promise<number> {
    if (passed.length === 0) return 0;
    const r = await this.deps.labeling.update(
      task.project_id,
      task.dataset_id,
      { samples: passed.map((c) => ({ sample_id: c.sample_id, labels: JSON.parse(c.labels) as Label[] })) },
      passed.map((c) => c.email),
    );
    if (r.success === false) throw errors.badParam(`the accepted labels could not all be saved into the dataset: ${r.error_msg ?? r.error_code ?? ''}`);
    return passed.length;
  }

  private async end(
    task: WorkforceTaskRow,
    acc: WorkforceAcceptanceRow,
    moves: Parameters<AcceptanceStore['close']>[2],
    e: { status: number; taskStatus: number | undefined; action: number; overwrite: boolean; now: number },
  ): Promise<void> {
    await this.deps.store.db.transaction().execute(async (trx) => {
      await this.deps.store.close(trx, acc, moves, { status: e.status, action: e.action, overwrite: e.overwrite, now: e.now });
      // After a pass the task is accepted once every copy is; copies left to label keep it running.
      let status = e.taskStatus;
      if (status === undefined) {
        const open = await trx
          .selectFrom('workforce_task_samples')
          .select((x) => x.fn.countAll<number>().as('n'))
          .where('task_id', '=', task.id)
          .where('state', '!=', TaskSampleState.accepted)
          .executeTakeFirst();
        status = Number(open?.n ?? 0) === 0 ? WorkforceTaskStatus.accepted : WorkforceTaskStatus.running;
      }
      await trx.updateTable('workforce_tasks').set({ status, checking_task_id: null, update_time: e.now }).where('id', '=', task.id).execute();
    });
  }

  private async running(task: WorkforceTaskRow): Promise<WorkforceAcceptanceRow> {
    const acc = task.checking_task_id ? await this.deps.store.acceptance(task.id, task.checking_task_id) : undefined;
    if (!acc || acc.status !== AcceptanceStatus.checking) throw acceptanceErrors.notChecking(task.id);
    return acc;
  }
}
