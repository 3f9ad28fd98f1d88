// One writer per dataset: an import or sync task waits until every import and sync of the same
// dataset created before it has ended, and until the dataset's own input scan is done. The order is
// kept in the database, so it holds across restarts and worker processes.
import type { Db } from '#src/db/database.ts';
import type { TaskContext } from '#src/runtime/index.ts';

const POLL_MS = 100;
const UNFINISHED = ['QUEUING', 'RUNNING'];
/** The dataset status while its input scan runs (DatasetStatus.creating). */
const CREATING = 0;

export interface GateTurn {
  datasetId: string;
  id: string;
  createTime: number;
}

export class TransferGate {
  constructor(private readonly db: Db) {}

  /** Whether some import or sync of the dataset created before `turn` has not ended. */
  async blocked(turn: GateTurn): Promise<boolean> {
    const dataset = await this.db.selectFrom('datasets').select('status').where('id', '=', turn.datasetId).executeTakeFirst();
    if (dataset?.status === CREATING) return true;
    for (const table of ['dataset_import_tasks', 'dataset_sync_tasks'] as const) {
      const earlier = await this.db
        .selectFrom(table)
        .select('id')
        .where('dataset_id', '=', turn.datasetId)
        .where('status', 'in', UNFINISHED)
        .where('queue_task_id', 'is not', null)
        .where('id', '!=', turn.id)
        .where((eb) => eb.or([eb('create_time', '<', turn.createTime), eb.and([eb('create_time', '=', turn.createTime), eb('id', '<', turn.id)])]))
        .limit(1)
        .executeTakeFirst();
      if (earlier) return true;
    }
    return false;
  }

  /** Waits for the task's turn; false when the task was stopped meanwhile. */
  async wait(turn: GateTurn, ctx: Pick<TaskContext, 'signal'>): Promise<boolean> {
    while (await this.blocked(turn)) {
      if (ctx.signal.aborted) return false;
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    return !ctx.signal.aborted;
  }
}
