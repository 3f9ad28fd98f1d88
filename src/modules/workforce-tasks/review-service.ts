// ReviewSamples (#39): a reviewer of the task passes labeled copies on to acceptance or sends them
// back to their labeler, with a comment and a grade. All verdicts are checked before any is stored.
import type { Principal } from '#src/auth/principal.ts';
import { errors } from '#src/core/errors.ts';
import type { Clock } from '#src/core/time.ts';
import type { WorkforceService } from '#src/modules/workforces/index.ts';
import { acceptanceErrors } from './acceptance-errors.ts';
import type { ReviewSamplesRequest } from './acceptance-schemas.ts';
import type { AcceptanceStore } from './acceptance-store.ts';
import { afterReview, canMove } from './sample-states.ts';
import type { WorkforceTaskStore } from './store.ts';
import { TaskSampleState, WorkforceTaskStatus, type WorkforceTaskRow } from './tables.ts';

export interface ReviewDeps {
  tasks: WorkforceTaskStore;
  store: AcceptanceStore;
  clock: Clock;
  workforces: Pick<WorkforceService, 'workerOfPrincipal'>;
}

export class ReviewService {
  constructor(private readonly deps: ReviewDeps) {}

  async review(caller: Principal, task: WorkforceTaskRow, body: ReviewSamplesRequest): Promise<Record<string, never>> {
    const reviewer = await this.reviewerOf(caller, task);
    if (task.status !== WorkforceTaskStatus.running && task.status !== WorkforceTaskStatus.rejected) {
      throw acceptanceErrors.notRunning(task.status);
    }
    const comments = body.comments ?? [];
    if (comments.length === 0) throw errors.badParam('body.comments must hold at least one verdict');
    const ids = comments.map((c, i) => {
      if (!c.sample_id) throw errors.badParam(`body.comments[${i}].sample_id is required`);
      return c.sample_id;
    });
    const copies = await this.deps.store.copiesOf(task.id, [...new Set(ids)]);
    const updates: { sample_id: string; worker_id: string; accept: boolean; comment: string | null; score: string | null }[] = [];
    const seen = new Set<string>();
    for (const [i, c] of comments.entries()) {
      const mine = copies.filter((x) => x.sample_id === c.sample_id && (c.worker_id === undefined || x.worker_id === c.worker_id));
      if (mine.length === 0) throw acceptanceErrors.sampleNotFound(`${c.sample_id}${c.worker_id ? ` of worker ${c.worker_id}` : ''} (body.comments[${i}])`);
      // Without worker_id a verdict judges the sample's copies waiting for review; a named copy must be waiting.
      const open = mine.filter((x) => canMove('review', x.state));
      if (open.length === 0 || (c.worker_id !== undefined && open.length !== mine.length)) {
        throw errors.badParam(`body.comments[${i}]: sample ${c.sample_id} is not waiting for review (not labeled, or already reviewed)`);
      }
      for (const x of open) {
        const key = `${x.sample_id}\u0000${x.worker_id}`;
        if (seen.has(key)) throw errors.badParam(`body.comments[${i}]: the copy of sample ${x.sample_id} by ${x.worker_id} is judged twice`);
        seen.add(key);
        updates.push({ sample_id: x.sample_id, worker_id: x.worker_id, accept: c.accept, comment: c.comment ?? null, score: c.score ?? null });
      }
    }
    const now = this.deps.clock.now();
    await this.deps.store.db.transaction().execute(async (trx) => {
      for (const u of updates) {
        await trx
          .updateTable('workforce_task_samples')
          .set({
            state: afterReview(u.accept),
            review_accept: u.accept ? 1 : 0,
            review_comment: u.comment,
            review_score: u.score,
            reviewer_id: reviewer,
            review_time: now,
            update_time: now,
          })
          .where('task_id', '=', task.id)
          .where('sample_id', '=', u.sample_id)
          .where('worker_id', '=', u.worker_id)
          // Another reviewer's verdict that landed meanwhile stands.
          .where('state', '=', TaskSampleState.labeled)
          .execute();
      }
    });
    return {};
  }

  /** The caller's worker id as a reviewer of the task; anyone else is refused. */
  private async reviewerOf(caller: Principal, task: WorkforceTaskRow): Promise<string> {
    if (caller.role !== 'worker') throw acceptanceErrors.notReviewer();
    const mine = new Set((await this.deps.workforces.workerOfPrincipal(caller)).map((w) => w.worker_id));
    const members = (await this.deps.tasks.taskWorkers(task.id)).filter((m) => mine.has(m.worker_id));
    if (members.length === 0 || task.status === WorkforceTaskStatus.created) throw acceptanceErrors.taskNotFound(task.id);
    const reviewer = members.find((m) => m.role === 1);
    if (!reviewer) throw acceptanceErrors.notReviewer();
    return reviewer.worker_id;
  }
}
