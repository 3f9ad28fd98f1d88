// A batch service's instance logs on the kubernetes executor: one instance per pod of its run (instance_id is the
// pod's name). An instance's log is its containers' logs one after the other, each under a line naming it: the
// stage-in container's (downloads), the batch command's, then the model server's, so that the last lines are the
// model server's. While the pods exist they are read live from the cluster; when the run ends they are copied into
// the database before the Job goes (only the service's last run is kept), for every replica to answer afterwards.
import type { V1Pod } from '@kubernetes/client-node';
import type { Db } from '#src/db/database.ts';
import { podLogFailure, tailText } from '#src/runtime/kubernetes/pod-logs.ts';
import { MODEL_CONTAINER } from '#src/runtime/kubernetes/service-manifest.ts';
import { TASK_CONTAINER } from '#src/runtime/kubernetes/task-manifest.ts';
import { STAGING_INIT_CONTAINER } from '#src/runtime/kubernetes/training-job-staging.ts';
import { INSTANCE_LOG_MAX_BYTES, type InstanceLog, type InstanceLogsQuery } from './instance-log-schemas.ts';
import { lastLines } from './instance-logs.ts';
import type { BatchInstanceLogRow } from './tables.ts';

const NOTE = '[ModelArts Service Log]';
/** Each container's share of an instance's log (the model server's is the rest); the whole stays under 64 KiB. */
const PARTS = [
  { container: STAGING_INIT_CONTAINER, what: 'downloading the inputs and the model', bytes: 6 * 1024 },
  { container: TASK_CONTAINER, what: 'the batch command', bytes: 16 * 1024 },
  { container: MODEL_CONTAINER, what: 'the model server', bytes: INSTANCE_LOG_MAX_BYTES - 24 * 1024 },
] as const;
/** Lines asked of the kubelet per container: the most a reader may ask for. */
const TAIL_LINES = 2000;
/** Bytes asked of the kubelet per container at most (a log of very long lines). */
const READ_LIMIT_BYTES = 4 * 1024 * 1024;

/** Reads the last lines of a container's log (TaskJobClient.podLogTail); throws as the API client does. */
export type PodLogTail = (pod: string, container: string, lines: number, limitBytes: number) => Promise<string>;

/** Which model the run's pods serve. */
export interface BatchModel {
  model_id: string;
  model_name: string;
  model_version: string;
}

/** The model a batch service's config names. */
export const batchModelOf = (c: BatchModel): BatchModel => ({ model_id: c.model_id, model_name: c.model_name, model_version: c.model_version });

const withNewline = (text: string) => (text === '' || text.endsWith('\n') ? text : `${text}\n`);

/** One pod's log as kept and shown: each container's end under its own line; `full_size`: the bytes the cluster gave. */
export async function podLogOf(pod: V1Pod, read: PodLogTail): Promise<{ content: string; full_size: number }> {
  const name = pod.metadata?.name ?? '';
  let full = 0;
  const parts = await Promise.all(
    PARTS.map(async ({ container, what, bytes }) => {
      const head = `${NOTE} ==== ${container} (${what}) ====\n`;
      let text: string;
      try {
        text = withNewline(await read(name, container, TAIL_LINES, READ_LIMIT_BYTES));
      } catch (err) {
        return `${head}${NOTE} the log of ${container} in pod ${name} cannot be read from the cluster: ${podLogFailure(err)}\n`;
      }
      full += Buffer.byteLength(text);
      const kept = tailText(text, bytes);
      const cut = kept.length < text.length ? `${NOTE} only the end of this log is kept (${Math.round(bytes / 1024)} KiB)\n` : '';
      return `${head}${cut}${kept}`;
    }),
  );
  return { content: parts.join(''), full_size: full };
}

const time = (p: V1Pod) => new Date(p.metadata?.creationTimestamp ?? 0).getTime();

export class BatchPodLogs {
  constructor(
    private readonly db: Db,
    private readonly read: PodLogTail,
  ) {}

  /** Copies the logs of a run's pods, in place of what was kept of an earlier run of the service. */
  async keep(serviceId: string, model: BatchModel, pods: readonly V1Pod[]): Promise<void> {
    const rows: BatchInstanceLogRow[] = await Promise.all(
      pods
        .filter((p) => p.metadata?.name)
        .map(async (p) => ({ service_id: serviceId, instance_id: p.metadata!.name!, ...model, started_at: time(p), ...(await podLogOf(p, this.read)) })),
    );
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('batch_instance_logs').where('service_id', '=', serviceId).execute();
      // Two copies of the same pods at once (a stop and an orphan pass) keep the first.
      if (rows.length > 0)
        await trx
          .insertInto('batch_instance_logs')
          .values(rows)
          .onConflict((oc) => oc.columns(['service_id', 'instance_id']).doNothing())
          .execute();
    });
  }

  /**
   * The instances' logs, newest first: the pods that exist now (`live`) read from the cluster, else what was kept of
   * the last run. A batch pod never takes predictions of the gateway: `serving` is false.
   */
  async instances(serviceId: string, model: BatchModel, live: readonly V1Pod[], q: InstanceLogsQuery): Promise<{ total: number; instances: InstanceLog[] }> {
    const wanted = (instanceId: string, modelId: string) =>
      (q.instance_id === undefined || instanceId === q.instance_id) && (q.model_id === undefined || modelId === q.model_id);
    const shown = (r: Omit<BatchInstanceLogRow, 'service_id'>): InstanceLog => {
      const content = lastLines(r.content, q.lines);
      return { ...r, started_at: Number(r.started_at), serving: false, content, current_size: Buffer.byteLength(content), full_size: Number(r.full_size) };
    };
    if (live.length > 0) {
      const pods = live
        .filter((p) => wanted(p.metadata?.name ?? '', model.model_id))
        .sort((a, b) => time(b) - time(a) || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
      const instances = await Promise.all(
        pods
          .slice(0, q.limit)
          .map(async (p) => shown({ instance_id: p.metadata?.name ?? '', ...model, started_at: time(p), ...(await podLogOf(p, this.read)) })),
      );
      return { total: pods.length, instances };
    }
    const rows = (await this.db.selectFrom('batch_instance_logs').selectAll().where('service_id', '=', serviceId).execute())
      .filter((r) => wanted(r.instance_id, r.model_id))
      .sort((a, b) => Number(b.started_at) - Number(a.started_at) || a.instance_id.localeCompare(b.instance_id));
    return { total: rows.length, instances: rows.slice(0, q.limit).map(({ service_id: _, ...r }) => shown(r)) };
  }
}
