// Intelligent tasks (#64-67): checks a request against the dataset, records the task, and runs it
// as durable work (the task queue): features here, learning in the sandboxed learner, results
// written to the samples. A stop kills the learner; a restart runs an unfinished task again.
import { randomBytes } from 'node:crypto';
import { Type } from 'typebox';
import type { Clock } from '#src/core/time.ts';
import { ApiError } from '#src/core/errors.ts';
import type { DatasetRecord } from '#src/modules/datasets/index.ts';
import type { AutoLabelPrediction, AutoLabels, LearningSample } from '#src/modules/samples/index.ts';
import { defineTask, type TaskContext, type TaskQueue } from '#src/runtime/index.ts';
import { ServiceFlavors } from '#src/modules/services/index.ts';
import type { PoolAmount } from '#src/runtime/local/host-resources.ts';
import type { LocalPool } from '#src/runtime/local/local-pool.ts';
import type { PoolRegistry, PoolScope } from '#src/runtime/local/pool-registry.ts';
import type { Learner } from './engine.ts';
import { taskShare } from './pool-workloads.ts';
import { checkPrelabel, type Prelabeler, type PrelabelModels } from './prelabel.ts';
import { taskErrors } from './errors.ts';
import type { FeatureExtractor } from './feature-extractor.ts';
import type { CreateTaskRequest, ListTasksQuery, SmartTaskConfig, TaskDetail, TaskType } from './schemas.ts';
import type { IntelligentTaskStore } from './store.ts';
import type { ObjectPath } from '#src/storage/obs-path.ts';
import { TaskStatus, type IntelligentTaskRow } from './tables.ts';

/** Each label needs this many samples labeled by hand before auto labeling starts (the guide's rule). */
export const MIN_PER_LABEL = 5;
const IMAGE_CLASSIFICATION = 0;
const TEXT_CLASSIFICATION = 100;
const GROUPABLE = new Set([0, 1, 3, 100]);
const OBJECT_DETECTION = 1;
const PRELABELABLE = new Set([IMAGE_CLASSIFICATION, OBJECT_DETECTION, TEXT_CLASSIFICATION]);
const TEXT_TYPES = new Set([100]);
const DEFAULT_HARD_BELOW = 0.8;
const FINAL: readonly number[] = [TaskStatus.failed, TaskStatus.succeeded, TaskStatus.stopped];

export interface TaskDatasets {
  require(projectId: string, datasetId: string): Promise<DatasetRecord>;
}

interface TaskResultRecord {
  annotated: number;
  total: number;
  unconfirmed: number;
  hard?: number;
}

/** The reason a task's work is aborted by a stop (any other reason is the server stopping). */
class StopRequested extends Error {
  constructor() {
    super('stopped');
  }
}

const newId = () => randomBytes(10).toString('base64url').replace(/[-_]/g, 'x').slice(0, 19);

export class IntelligentTasks {
  readonly definition = defineTask({
    name: 'intelligent-task',
    payload: Type.Object({ taskId: Type.String() }),
    maxAttempts: 2,
    run: async ({ taskId }, ctx) => this.run(taskId, ctx),
  });

  constructor(
    private readonly store: IntelligentTaskStore,
    private readonly datasets: TaskDatasets,
    private readonly samples: AutoLabels,
    private readonly features: FeatureExtractor,
    private readonly engine: Learner,
    private readonly queue: TaskQueue,
    private readonly clock: Clock,
    private readonly prelabeler: Prelabeler,
    private readonly models: PrelabelModels,
    private readonly pools: Pick<PoolRegistry, 'resolve'>,
    /** The flavors a learner may ask for: this host's, or on the kubernetes executor the cluster's nodes'. */
    private readonly flavors: ServiceFlavors = new ServiceFlavors(),
    /** On the kubernetes executor: the cluster's nodes, where work of no pool runs (instead of this host's pool). */
    private readonly clusterPool?: LocalPool,
  ) {}

  /** The tasks this process runs, ended by a stop. */
  private readonly live = new Map<string, AbortController>();

  /** The pool a task runs in (pool_id, else the public pool); a 400 naming the field when it is not one of the project's. */
  private async poolOf(projectId: string, config: SmartTaskConfig, scope: PoolScope): Promise<LocalPool> {
    const p = await this.pools.resolve(projectId, config.pool_id, scope);
    if (!p.ok) throw taskErrors.badParam(`body.config.pool_id: ${p.message}`);
    return !config.pool_id && this.clusterPool ? this.clusterPool : p.pool;
  }

  /** The learner's share: flavor.code's cores and memory, else one core and 1 GiB. */
  private learnerAmount(config: SmartTaskConfig): PoolAmount {
    const a = config.flavor?.code ? this.flavors.amountOf(config.flavor.code, undefined) : undefined;
    if (typeof a === 'string') throw taskErrors.badParam(`body.config.flavor.code: ${a}`);
    return taskShare('auto-label', config).amount;
  }

  async create(projectId: string, datasetId: string, body: CreateTaskRequest): Promise<{ task_id: string }> {
    const dataset = await this.datasets.require(projectId, datasetId);
    const type: TaskType = body.task_type ?? 'auto-label';
    const config: SmartTaskConfig = { ...(body.config ?? {}) };
    const modelId = body.model_id ?? config.model_id;
    const datasetType = dataset.info.type as number;
    await this.poolOf(projectId, config, type === 'pre-label' ? 'Infer' : 'Train');
    if (type !== 'pre-label') this.learnerAmount(config);
    if (type === 'pre-label') {
      if (!PRELABELABLE.has(datasetType))
        throw taskErrors.unsupported(
          `${datasetType}: pre-labeling serves image classification (0), object detection (1) and text classification (100) datasets`,
        );
      await checkPrelabel(this.models, projectId, modelId, config, this.prelabeler.onCluster);
      if (modelId) config.model_id = modelId;
      const set = await this.samples.learningSet(dataset.id);
      if ((await this.samples.labelNames(dataset.id)).length === 0)
        throw taskErrors.noLabels(`dataset ${dataset.id} has no labels to map the model's answers to`);
      if (set.unlabeled.length === 0) throw taskErrors.noUnlabeled(`dataset ${dataset.id} has no unlabeled samples`);
    } else if (type === 'auto-label') {
      if (datasetType !== IMAGE_CLASSIFICATION && datasetType !== TEXT_CLASSIFICATION)
        throw taskErrors.unsupported(`${datasetType}: auto labeling serves image classification (0) and text classification (100) datasets`);
      if (config.confidence_scope) {
        const [low, high] = config.confidence_scope.split('-').map(Number) as [number, number];
        if (low > high) throw taskErrors.badParam(`body.config.confidence_scope: ${config.confidence_scope}: the low end is above the high end`);
      }
      const set = await this.samples.learningSet(dataset.id);
      const counts = labelCounts(set.labeled);
      if (counts.size === 0) throw taskErrors.noLabels(`dataset ${dataset.id} has no samples labeled by hand`);
      const short = [...counts].filter(([, n]) => n < MIN_PER_LABEL).map(([l, n]) => `${l} (${n})`);
      if (short.length > 0 || counts.size < 2)
        throw taskErrors.tooFewPerLabel(
          short.length > 0 ? `labels with fewer than ${MIN_PER_LABEL} labeled samples: ${short.join(', ')}` : 'at least two labels must have labeled samples',
        );
      if (set.unlabeled.length === 0) throw taskErrors.noUnlabeled(`dataset ${dataset.id} has no unlabeled samples`);
    } else {
      if (!GROUPABLE.has(datasetType))
        throw taskErrors.unsupported(`${datasetType}: auto grouping serves image datasets (0, 1, 3) and text classification (100)`);
      if (config.n_clusters === undefined) throw taskErrors.badParam('body.config.n_clusters: required for auto-grouping');
      const set = await this.samples.learningSet(dataset.id);
      if (set.unlabeled.length < config.n_clusters)
        throw taskErrors.noUnlabeled(`${set.unlabeled.length} unlabeled samples: fewer than body.config.n_clusters (${config.n_clusters})`);
    }
    const now = this.clock.now();
    const row: IntelligentTaskRow = {
      id: newId(),
      project_id: projectId,
      dataset_id: dataset.id,
      task_type: type,
      name: config.name ?? `${type}-${now}`,
      config: JSON.stringify(config),
      status: TaskStatus.queued,
      progress: 0,
      message: 'queued',
      error_code: null,
      error_msg: null,
      result: JSON.stringify({ annotated: 0, total: 0, unconfirmed: 0 } satisfies TaskResultRecord),
      pid: 0,
      start_ticks: 0,
      create_time: now,
      start_time: 0,
      end_time: 0,
    };
    await this.store.insert(row);
    await this.queue.enqueue(this.definition, { taskId: row.id }, { projectId });
    return { task_id: row.id };
  }

  async list(projectId: string, datasetId: string, q: ListTasksQuery) {
    const dataset = await this.datasets.require(projectId, datasetId);
    const types = q.type ? [q.type] : ['auto-label', 'pre-label'];
    const rows = await this.store.list(dataset.id, types, q.task_name);
    const page = rows.slice(q.offset * q.limit, (q.offset + 1) * q.limit);
    return {
      exist_running_deploy_task: false,
      total_count: rows.length,
      tasks: page.map((r) => {
        const d = this.detail(r, dataset);
        const res = JSON.parse(r.result) as TaskResultRecord;
        return {
          annotated_sample_count: res.annotated,
          ...(d.code ? { code: d.code } : {}),
          config: d.config,
          create_time: d.create_time,
          dataset_id: r.dataset_id,
          elapsed_time: d.elapsed_time,
          ...(d.error_code ? { error_code: d.error_code, error_msg: d.error_msg } : {}),
          message: d.message,
          progress: d.progress,
          result: d.result,
          status: d.status,
          task_id: r.id,
          task_name: r.name,
          total_sample_count: res.total,
          type: r.task_type === 'auto-label' ? (0 as const) : r.task_type === 'pre-label' ? (1 as const) : (2 as const),
          unconfirmed_sample_count: res.unconfirmed,
        };
      }),
    };
  }

  async describe(projectId: string, datasetId: string, taskId: string): Promise<TaskDetail> {
    const dataset = await this.datasets.require(projectId, datasetId);
    return this.detail(await this.require(dataset.id, taskId), dataset);
  }

  async stop(projectId: string, datasetId: string, taskId: string): Promise<Record<string, never>> {
    const dataset = await this.datasets.require(projectId, datasetId);
    const row = await this.require(dataset.id, taskId);
    if (FINAL.includes(row.status)) return {};
    await this.store.updateIf(row.id, [TaskStatus.queued, TaskStatus.init, TaskStatus.running], { status: TaskStatus.stopping, message: 'stopping' });
    const now = (await this.store.byId(row.id))!;
    this.live.get(row.id)?.abort(new StopRequested());
    this.engine.kill(now);
    // A learner process that runs ends the task when it dies; so does a Job being removed, once it is gone. A cluster
    // that cannot be asked leaves the Job to the orphan pass, which deletes it once the task has ended.
    if (now.pid === 0 && !(await this.engine.stillThere(row.id).catch(() => false)))
      await this.store.updateIf(row.id, [TaskStatus.stopping], { status: TaskStatus.stopped, message: 'stopped', end_time: this.clock.now() });
    return {};
  }

  private async require(datasetId: string, taskId: string): Promise<IntelligentTaskRow> {
    const row = await this.store.get(datasetId, taskId);
    if (!row) throw taskErrors.notFound(`task ${taskId} of dataset ${datasetId}`);
    return row;
  }

  private detail(r: IntelligentTaskRow, dataset: DatasetRecord): TaskDetail {
    const res = JSON.parse(r.result) as TaskResultRecord;
    const config = JSON.parse(r.config) as SmartTaskConfig;
    const end = r.end_time || (r.start_time ? this.clock.now() : 0);
    return {
      ...(r.error_code ? { code: r.error_code, error_code: r.error_code, error_detail: r.error_msg ?? '', error_msg: r.error_msg ?? '' } : {}),
      config,
      create_time: String(r.create_time),
      elapsed_time: r.start_time ? Math.max(0, Math.round((end - r.start_time) / 1000)) : 0,
      ...(r.task_type === 'auto-grouping' ? { export_type: config.result_type ?? 1 } : {}),
      message: r.message,
      progress: r.progress,
      result: {
        annotated_sample_count: res.annotated,
        ...(r.task_type !== 'auto-grouping'
          ? { confidence_scope: config.confidence_scope ?? `0-${DEFAULT_HARD_BELOW}`, hard_example_count: res.hard ?? 0 }
          : {}),
        dataset_name: dataset.name,
        dataset_type: String(dataset.info.type),
        total_sample_count: res.total,
        unconfirmed_sample_count: res.unconfirmed,
      },
      status: r.status as TaskDetail['status'],
      task_id: r.id,
      task_name: r.name,
    };
  }

  /** The durable work: runs the task to its end, or to a stop. */
  private async run(taskId: string, ctx: TaskContext): Promise<void> {
    const row = await this.store.byId(taskId);
    if (!row || FINAL.includes(row.status)) return;
    // A learner of an earlier attempt (before a restart) goes first, or is adopted where it runs as a Job.
    this.engine.endEarlierRun(row);
    if (row.status === TaskStatus.stopping) return void (await this.finishStopped(row.id));
    const started = this.clock.now();
    await this.store.update(row.id, { status: TaskStatus.running, progress: 1, message: 'reading samples', start_time: started, pid: 0, start_ticks: 0 });
    // A stop ends the work at once (the feature extractor, the learner, the model instance), as a server stop does.
    const stop = new AbortController();
    const onAbort = () => stop.abort(ctx.signal.reason);
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    this.live.set(row.id, stop);
    try {
      const result = await this.work(row, stop.signal);
      const done = await this.store.updateIf(row.id, [TaskStatus.running], {
        status: TaskStatus.succeeded,
        progress: 100,
        message: 'done',
        result: JSON.stringify(result),
        pid: 0,
        end_time: this.clock.now(),
      });
      if (!done) await this.finishStopped(row.id);
    } catch (e) {
      // The server stops: the task stays as it is, and runs again (its learner killed first) when the queue hands it back.
      if (ctx.signal.aborted) throw e;
      const current = await this.store.byId(row.id);
      if (current?.status === TaskStatus.stopping || current?.status === TaskStatus.stopped) await this.finishStopped(row.id);
      else {
        const msg = e instanceof Error ? e.message : String(e);
        await this.store.update(row.id, {
          status: TaskStatus.failed,
          message: 'failed',
          error_code: e instanceof ApiError ? e.code : 'ModelArts.4392',
          error_msg: msg.slice(0, 2000),
          pid: 0,
          end_time: this.clock.now(),
        });
      }
    } finally {
      ctx.signal.removeEventListener('abort', onAbort);
      this.live.delete(row.id);
    }
    this.engine.cleanup(row.id, await this.stageOf(row));
  }

  /** The task's folder in its dataset's work folder, where a learner on a cluster stages its input and output. */
  private async stageOf(row: IntelligentTaskRow): Promise<ObjectPath> {
    const dataset = await this.datasets.require(row.project_id, row.dataset_id).catch(() => undefined);
    const base = dataset ? (dataset.innerPath ?? dataset.workPath) : { bucket: '', key: '' };
    const key = `${base.key === '' || base.key.endsWith('/') ? base.key : `${base.key}/`}intelligent-tasks/${row.id}/`;
    return { bucket: base.bucket, key };
  }

  private async finishStopped(id: string): Promise<void> {
    await this.store.update(id, { status: TaskStatus.stopped, message: 'stopped', pid: 0, end_time: this.clock.now() });
  }

  private async work(row: IntelligentTaskRow, signal: AbortSignal): Promise<TaskResultRecord> {
    const dataset = await this.datasets.require(row.project_id, row.dataset_id);
    const config = JSON.parse(row.config) as SmartTaskConfig;
    const set = await this.samples.learningSet(dataset.id);
    const text = TEXT_TYPES.has(dataset.info.type as number);
    const options = {
      text,
      grouping: row.task_type === 'auto-grouping',
      brightness: config.image_brightness ?? false,
      colorfulness: config.image_colorfulness ?? false,
      ambiguity: config.ambiguity ?? false,
    };
    const toFeatures = async (samples: LearningSample[], from: number, span: number): Promise<number[][]> => {
      await this.progress(row.id, from, 'extracting features');
      return this.features.extract(
        samples.map((s) => s.source),
        options,
        signal,
        (done) => void this.progress(row.id, from + (span * done) / samples.length, 'extracting features'),
      );
    };
    const stillRunning = async () => (await this.store.byId(row.id))?.status === TaskStatus.running;
    if (row.task_type === 'pre-label') return this.prelabel(row, config, set.unlabeled, signal, stillRunning);
    if (row.task_type === 'auto-grouping') {
      const u = await toFeatures(set.unlabeled, 1, 40);
      if (!(await stillRunning())) return { annotated: 0, total: 0, unconfirmed: 0 };
      const out = (await this.learn(row, signal, { mode: 'group', text, unlabeled: u, n_clusters: config.n_clusters })) as { groups: number[] };
      const groups = set.unlabeled.map((s, i) => ({ sampleId: s.id, group: String(out.groups[i]) }));
      const written = (config.result_type ?? 1) === 1 ? await this.samples.writeGroups(dataset.id, config.property ?? 'group', groups) : groups.length;
      return { annotated: 0, total: set.unlabeled.length, unconfirmed: written };
    }
    const classes = [...labelCounts(set.labeled).keys()].sort();
    const index = new Map(classes.map((c, i) => [c, i]));
    const x = await toFeatures(set.labeled, 1, 15);
    const u = await toFeatures(set.unlabeled, 16, 30);
    if (!(await stillRunning())) return { annotated: 0, total: 0, unconfirmed: 0 };
    const [low, high] = config.confidence_scope ? (config.confidence_scope.split('-').map(Number) as [number, number]) : [0, DEFAULT_HARD_BELOW - 1e-9];
    const out = (await this.learn(row, signal, {
      mode: 'classify',
      text,
      algorithm: config.algorithm_type ?? 'fast',
      labeled: x,
      labels: set.labeled.map((s) => index.get(s.labels[0]!)!),
      unlabeled: u,
      hard_low: low,
      hard_high: high,
    })) as { predictions: { label: number; score: number; in_scope: boolean }[] };
    const flag = config.collect_sample ?? true;
    const predictions: AutoLabelPrediction[] = set.unlabeled.map((s, i) => {
      const p = out.predictions[i]!;
      const hard = flag && p.in_scope;
      return { sampleId: s.id, label: classes[p.label]!, score: p.score, hard, ...(hard ? { hardReasons: [1] } : {}) };
    });
    if (!(await stillRunning())) return { annotated: 0, total: 0, unconfirmed: 0 };
    const written = await this.samples.writePredictions(dataset.id, predictions);
    return {
      annotated: set.labeled.length,
      total: set.labeled.length + set.unlabeled.length,
      unconfirmed: written,
      hard: predictions.filter((p) => p.hard).length,
    };
  }

  /** Runs the model over the unlabeled samples and leaves its answers on them, unconfirmed. */
  private async prelabel(
    row: IntelligentTaskRow,
    config: SmartTaskConfig,
    unlabeled: LearningSample[],
    signal: AbortSignal,
    stillRunning: () => Promise<boolean>,
  ): Promise<TaskResultRecord> {
    const pool = await this.poolOf(row.project_id, config, 'Infer');
    const holder = { kind: 'labeling task' as const, id: row.id, name: row.name, projectId: row.project_id };
    if (!(await stillRunning())) return { annotated: 0, total: 0, unconfirmed: 0 };
    const labels = new Set(await this.samples.labelNames(row.dataset_id));
    const out = await this.prelabeler.run({
      taskId: row.id,
      projectId: row.project_id,
      modelId: config.model_id ?? '',
      config,
      samples: unlabeled,
      labels,
      detection: (await this.datasets.require(row.project_id, row.dataset_id)).info.type === OBJECT_DETECTION,
      signal,
      place: {
        reserve: (key, amount) => pool.reserve(key, amount, holder),
        set: (key, amount) => pool.set(key, amount, holder),
        track: (key, pid) => pool.track(key, pid),
        release: (key) => pool.release(key),
        ...(config.pool_id ? { poolName: config.pool_id } : {}),
      },
      onStarted: async (pid, startTicks) => void (await this.store.update(row.id, { pid, start_ticks: startTicks, message: 'predicting' })),
      onProgress: (done, total) => this.progress(row.id, 5 + (90 * done) / total, 'predicting'),
      stillRunning,
      stage: await this.stageOf(row),
    });
    await this.store.update(row.id, { pid: 0, start_ticks: 0 });
    if (!(await stillRunning())) return { annotated: 0, total: 0, unconfirmed: 0 };
    if (out.guesses.length === 0 && out.failed > 0) throw new Error(`the model answered no sample: ${out.firstError ?? ''}`);
    await this.progress(row.id, 97, 'writing results');
    const [low, high] = config.confidence_scope ? (config.confidence_scope.split('-').map(Number) as [number, number]) : [0, DEFAULT_HARD_BELOW - 1e-9];
    const flag = config.collect_sample ?? true;
    const predictions: AutoLabelPrediction[] = out.guesses.map(({ sampleId, guess }) => {
      const hard = flag && guess.score >= low && guess.score <= high;
      return {
        sampleId,
        label: guess.label,
        score: guess.score,
        hard,
        ...(hard ? { hardReasons: [1] } : {}),
        ...(guess.boxes ? { boxes: guess.boxes } : {}),
      };
    });
    const written = await this.samples.writePredictions(row.dataset_id, predictions);
    return { annotated: 0, total: unlabeled.length, unconfirmed: written, hard: predictions.filter((p) => p.hard).length };
  }

  private async learn(row: IntelligentTaskRow, signal: AbortSignal, input: Record<string, unknown>): Promise<unknown> {
    signal.throwIfAborted();
    const config = JSON.parse(row.config) as SmartTaskConfig;
    const place = {
      pool: await this.poolOf(row.project_id, config, 'Train'),
      amount: this.learnerAmount(config),
      name: row.name,
      ...(config.pool_id ? { poolName: config.pool_id } : {}),
    };
    const task = { taskId: row.id, projectId: row.project_id, stage: await this.stageOf(row) };
    const run = await this.engine.start(
      task,
      input,
      (p) => void this.progress(row.id, 46 + p * 0.5, 'learning'),
      place,
      (message) => void this.store.updateIf(row.id, [TaskStatus.running], { message }).catch(() => undefined),
    );
    // A stop can end the run while the rows below are written, before its end is awaited: that rejection is not unhandled.
    run.done.catch(() => undefined);
    await this.store.update(row.id, { pid: run.pid, start_ticks: run.startTicks });
    const handle = { id: row.id, pid: run.pid, start_ticks: run.startTicks };
    // A stop ends the learner; the server stopping leaves a learner that can outlive it (a Job) to be adopted.
    const kill = () => (signal.reason instanceof StopRequested ? this.engine.kill(handle) : this.engine.detach(handle));
    signal.addEventListener('abort', kill, { once: true });
    // A stop that came while the learner was starting did not see its pid.
    if ((await this.store.byId(row.id))?.status !== TaskStatus.running) this.engine.kill(handle);
    const out = await run.done.finally(() => signal.removeEventListener('abort', kill));
    await this.store.update(row.id, { pid: 0, start_ticks: 0 });
    await this.progress(row.id, 97, 'writing results');
    return out;
  }

  private async progress(id: string, p: number, message: string): Promise<void> {
    await this.store.updateIf(id, [TaskStatus.running], { progress: Math.round(p * 10) / 10, message });
  }
}

function labelCounts(labeled: readonly LearningSample[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const s of labeled) for (const l of s.labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  return counts;
}
