import { Readable } from 'node:stream';
import type { Principal } from '#src/auth/principal.ts';
import { errors } from '#src/core/errors.ts';
import type { Clock } from '#src/core/time.ts';
import { tailText } from '#src/runtime/kubernetes/pod-logs.ts';
import type { LogTail } from '#src/runtime/local/log-tail.ts';
import { jobErrors } from './errors.ts';
import type { JobBuilder } from './job-builder.ts';
import { checkLocalDirs } from './job-launch.ts';
import { checkKubeLocalDirs } from './kube-job-workload.ts';
import { taskNames } from './job-layout.ts';
import type { JobExecutor } from './job-executor.ts';
import type { JobLogs } from './job-logs.ts';
import type { TaskStatus } from './job-runner.ts';
import { LogMetricsReader } from './log-metrics.ts';
import type { Disposition, LogUrlSigner } from './log-url.ts';
import type { JobScheduler } from './scheduler.ts';
import { jobFlavorInfo } from './resource-schemas.ts';
import type { CreateTrainingJobRequest, JobAlgorithmResponse, JobSpecResponse, ListTrainingJobsRequest, TrainingJobResponse } from './schemas.ts';
import { ACTIVE_PHASES, TERMINAL_PHASES, WAITING_PHASES, type JobFilter, type TrainingJobStore } from './store.ts';
import type { JobPhase, TrainingJobRow } from './tables.ts';
import { taskMetrics } from './task-metrics.ts';
import type { TrainingRuntime } from './training-runtime.ts';

/** The spec's preview cap is 5 MB; 1 MB keeps the answer quick and is plenty to read. */
const PREVIEW_BYTES = 1024 * 1024;

/** What another family may know of a job (a model imported from its output names it). */
export interface TrainingJobSource {
  id: string;
  name: string;
  phase: JobPhase;
  /** The job's output channels and the OBS folder each is uploaded to ("/bucket/dir/"). */
  outputs: { name: string; obs_url: string }[];
}

/** The jobs of a project as other families see them. */
export interface TrainingJobs {
  /** The job of this project with this id; undefined when there is none (another project's job included). */
  source(projectId: string, jobId: string): Promise<TrainingJobSource | undefined>;
}

export class TrainingJobService implements TrainingJobs {
  private readonly logMetrics: LogMetricsReader;

  constructor(
    private readonly runtime: TrainingRuntime,
    private readonly store: TrainingJobStore,
    private readonly builder: JobBuilder,
    private readonly runner: JobExecutor,
    private readonly scheduler: JobScheduler,
    private readonly signer: LogUrlSigner,
    private readonly clock: Clock,
    private readonly logs: JobLogs,
  ) {
    this.logMetrics = new LogMetricsReader(logs);
  }

  async create(caller: Principal, req: CreateTrainingJobRequest): Promise<TrainingJobResponse> {
    // Without a sandbox only the owner account runs user code; local_dir needs the sandbox.
    if (this.runtime.kind === 'local') {
      await this.runtime.sandbox.admit(caller.domainId);
      checkLocalDirs(this.runtime, req.algorithm);
    } else checkKubeLocalDirs(req.algorithm);
    const row = await this.builder.build(caller, req);
    await this.store.insert(row);
    this.scheduler.kick();
    return this.toResponse(row);
  }

  private async require(caller: Principal, id: string): Promise<TrainingJobRow> {
    const row = await this.store.get(caller.projectId, id);
    if (!row) throw jobErrors.notFound(id);
    return row;
  }

  /** A job of the project, for other families; undefined when the project has none with this id. */
  async source(projectId: string, id: string): Promise<TrainingJobSource | undefined> {
    const row = await this.store.get(projectId, id);
    if (!row) return undefined;
    const algorithm = JSON.parse(row.algorithm) as JobAlgorithmResponse;
    const outputs = (algorithm.outputs ?? []).map((o) => ({ name: o.name, obs_url: o.remote.obs.obs_url }));
    return { id: row.id, name: row.name, phase: row.phase, outputs };
  }

  async get(caller: Principal, id: string): Promise<TrainingJobResponse> {
    return this.toResponse(await this.require(caller, id));
  }

  async changeDescription(caller: Principal, id: string, description: string | undefined): Promise<void> {
    const row = await this.require(caller, id);
    await this.store.update(row.id, { description: description ?? '', update_time: this.clock.now() });
  }

  /** Removes the job, its processes and its local files. */
  async delete(caller: Principal, id: string): Promise<void> {
    const row = await this.require(caller, id);
    await this.store.delete(row.id);
    for (const task of taskNames(row.node_count)) this.logMetrics.forget(row.id, task);
    if (this.runner.isTracked(row.id)) {
      // The runner removes the folder once the nodes have ended.
      this.runner.stop(row);
      return;
    }
    if (ACTIVE_PHASES.includes(row.phase)) this.runner.stop(row);
    await this.runner.removeFiles(row.id);
    this.scheduler.kick();
  }

  async terminate(caller: Principal, id: string): Promise<TrainingJobResponse> {
    const row = await this.require(caller, id);
    if (TERMINAL_PHASES.includes(row.phase)) {
      throw jobErrors.alreadyEnded(row.phase);
    }
    if (row.phase === 'Terminating') return this.toResponse(row);
    const now = this.clock.now();
    if (WAITING_PHASES.includes(row.phase)) {
      // The queue's explanation goes: the job never ran, so it has no task status.
      const done = {
        phase: 'Terminated' as const,
        secondary_phase: 'Terminated',
        terminate_requested: 1,
        end_time: now,
        update_time: now,
        task_statuses: '[]',
      };
      if (await this.store.update(row.id, done, WAITING_PHASES)) {
        this.scheduler.kick();
        return this.toResponse({ ...row, ...done });
      }
    }
    const terminating = { phase: 'Terminating' as const, secondary_phase: 'Terminating', terminate_requested: 1, update_time: now };
    await this.store.update(row.id, terminating, ['Running', 'Creating', 'Pending']);
    this.runner.stop(row);
    return this.toResponse({ ...row, ...terminating });
  }

  async list(caller: Principal, req: ListTrainingJobsRequest) {
    const filters = parseFilters(req.filters ?? []);
    const [total, count, rows] = await Promise.all([
      this.store.count(caller.projectId),
      this.store.countMatching(caller.projectId, filters),
      this.store.page(caller.projectId, {
        filters,
        ...(req.group_by ? { groupBy: req.group_by } : {}),
        sortBy: req.sort_by,
        order: req.order,
        limit: req.limit,
        offset: req.offset,
      }),
    ]);
    return {
      total,
      count,
      limit: req.limit,
      offset: req.offset,
      sort_by: req.sort_by,
      order: req.order,
      group_by: req.group_by ?? '',
      workspace_id: '0',
      ai_project: 'default-ai-project',
      items: rows.map((r) => this.toResponse(r)),
    };
  }

  private async requireTask(caller: Principal, id: string, task: string): Promise<TrainingJobRow> {
    const row = await this.require(caller, id);
    const tasks = taskNames(row.node_count);
    if (!tasks.includes(task)) throw errors.badParam(`path.task_id: job ${id} has tasks ${tasks.join(', ')}`);
    return row;
  }

  async logPreview(caller: Principal, id: string, task: string): Promise<LogTail> {
    const row = await this.requireTask(caller, id, task);
    const local = await this.logs.tail(row.id, task, PREVIEW_BYTES);
    const live = row.phase === 'Running' ? await this.runner.liveLog?.(row, task) : undefined;
    if (live === undefined) return local;
    const content = tailText(local.content + live, PREVIEW_BYTES);
    return { content, currentSize: Buffer.byteLength(content), fullSize: local.fullSize + Buffer.byteLength(live) };
  }

  async logUrl(caller: Principal, id: string, task: string, baseUrl: string, disposition: Disposition): Promise<string> {
    const row = await this.requireTask(caller, id, task);
    return `${baseUrl}${this.signer.link(row.id, task, this.clock.now(), disposition)}`;
  }

  /** The log a signed link names (its size and its bytes), once the signature checks out. */
  async signedLog(id: string, task: string, expires: number, disposition: Disposition, signature: string): Promise<{ size: number; body: Readable }> {
    const verdict = this.signer.verify(id, task, expires, disposition, signature, this.clock.now());
    if (verdict !== 'ok') throw errors.forbidden(verdict === 'expired' ? 'download of an expired log link' : 'download with a bad log link signature');
    const row = await this.store.getById(id);
    if (!row) throw jobErrors.notFound(id);
    // The size is read first: bytes appended after it are left for the next download.
    const size = await this.logs.size(row.id, task);
    return { size, body: Readable.from(upTo(this.logs.read(row.id, task), size)) };
  }

  /** The spec's per-minute metrics, with the finer time series and the metrics the script printed (Atelier extensions). */
  async metrics(caller: Principal, id: string, task: string) {
    const row = await this.requireTask(caller, id, task);
    const since = Number(row.start_time ?? row.create_time);
    const [samples, printed] = await Promise.all([this.logs.samples(row.id, task), this.logMetrics.read(row.id, task)]);
    return { ...taskMetrics(samples, since, this.runtime.executor.sampleMs), log_metrics: printed };
  }

  toResponse(row: TrainingJobRow): TrainingJobResponse {
    const start = row.start_time === null ? null : Number(row.start_time);
    const end = row.end_time === null ? null : Number(row.end_time);
    const duration = start === null ? 0 : Math.max(0, (end ?? this.clock.now()) - start);
    const statuses = JSON.parse(row.task_statuses) as TaskStatus[];
    const nodeMetrics: number[][] = [];
    if (start !== null) nodeMetrics.push([start, row.node_count]);
    if (start !== null && end !== null) nodeMetrics.push([end, 0]);
    return {
      kind: row.kind,
      metadata: {
        id: row.id,
        name: row.name,
        workspace_id: row.workspace_id,
        description: row.description,
        create_time: Number(row.create_time),
        user_name: row.user_name,
        annotations: { job_template: 'Template DL' },
      },
      status: {
        phase: row.phase,
        secondary_phase: row.secondary_phase,
        duration,
        node_count_metrics: nodeMetrics,
        tasks: taskNames(row.node_count),
        start_time: start ?? 0,
        ...(statuses.length > 0 ? { task_statuses: statuses } : {}),
      },
      algorithm: JSON.parse(row.algorithm) as JobAlgorithmResponse,
      spec: specOf(row.spec),
    };
  }
}

/** The first `size` bytes of a log's pieces. */
async function* upTo(pieces: AsyncIterable<Buffer>, size: number): AsyncIterable<Buffer> {
  let left = size;
  for await (const piece of pieces) {
    if (left <= 0) return;
    const part = piece.length > left ? piece.subarray(0, left) : piece;
    left -= part.length;
    yield part;
  }
}

/** The stored spec; jobs created before flavor_detail held disk.size as a String have a number there. */
function specOf(text: string): JobSpecResponse {
  const spec = JSON.parse(text) as JobSpecResponse;
  const detail = spec.resource.flavor_detail;
  return { ...spec, resource: { ...spec.resource, flavor_detail: { ...detail, flavor_info: jobFlavorInfo(detail.flavor_info) } } };
}

const PHASES: readonly JobPhase[] = ['Creating', 'Pending', 'Running', 'Failed', 'Completed', 'Terminating', 'Terminated', 'Abnormal'];

/** The spec's filters; empty values (as in its example) filter nothing. */
function parseFilters(input: NonNullable<ListTrainingJobsRequest['filters']>): JobFilter[] {
  const out: JobFilter[] = [];
  input.forEach((f, i) => {
    const values = (f.value ?? []).filter((v) => v !== '');
    if (!f.key || values.length === 0) return;
    const where = `body.filters[${i}]`;
    const operator = f.operator ?? (f.key === 'create_time' ? 'between' : f.key === 'name' || f.key === 'algorithm_name' ? 'like' : 'in');
    if (f.key === 'create_time') {
      if (operator !== 'between') throw errors.badParam(`${where}.operator: create_time takes between`);
      if (values.some((v) => !/^\d+$/.test(v))) throw errors.badParam(`${where}.value: create_time bounds are epoch milliseconds`);
      out.push({ key: f.key, operator, values: f.value ?? [] });
      return;
    }
    if (operator === 'between') throw errors.badParam(`${where}.operator: between applies to create_time only`);
    if (f.key === 'phase' && values.some((v) => !PHASES.includes(v as JobPhase))) throw errors.badParam(`${where}.value: phases are ${PHASES.join(', ')}`);
    out.push({ key: f.key, operator, values });
  });
  return out;
}
