// Pre-labeling (task_type pre-label): the project's own model, on a temporary instance built by the
// services family (the ONNX server, or the Python model server in the sandbox), predicts each
// unlabeled sample; the answers, read in the dataset's labels, become labels awaiting confirmation.
// The instance holds its share of the pool as a labeling task and is ended when the run ends or stops.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { AppContext } from '#src/context.ts';
import { apiError } from '#src/core/errors.ts';
import { isImageLocation, parseSourceLocation, type ConfigApi, type DeployableModel } from '#src/modules/models/index.ts';
import type { LearningSample } from '#src/modules/samples/index.ts';
import {
  amountOf,
  BATCH_DRIVER_SHARE,
  instanceFactory,
  isImageModel,
  unservable,
  type InstanceConfig,
  type KubeBatch,
  type ServerTarget,
} from '#src/modules/services/index.ts';
import { poolPlacement } from '#src/runtime/kubernetes/pool-placement.ts';
import type { PoolAmount } from '#src/runtime/local/host-resources.ts';
import type { ObjectStore } from '#src/storage/object-store.ts';
import type { ObjectPath } from '#src/storage/obs-path.ts';
import { processStartTicks } from '#src/runtime/local/proc-stats.ts';
import { PredictTimeoutError, untilAborted, type PredictRequest, type ServingInstance } from '#src/runtime/serving/instance.ts';
import { taskErrors } from './errors.ts';
import { inlineText, objectOf } from './features.ts';
import { readAnswer, readDetection, type PrelabelGuess } from './prelabel-answers.ts';
import type { SmartTaskConfig } from './schemas.ts';

const MAX_INPUT_BYTES = 12 * 1024 * 1024;
/** What the instance gets when the request names no flavor: one core and 1 GiB, like the learner. */
const DEFAULT_INSTANCE: InstanceConfig = { envs: {}, specification: 'custom', custom_spec: { cpu: 1, memory: 1024 } };

/** What a pre-labeling pod is given (DIR/job/job.json) and leaves (DIR/results/outcome.json): prelabel-staged.ts. */
export const PRELABEL_RESULT_FILE = 'outcome.json';

export interface StagedPrelabel {
  modelId: string;
  api: ConfigApi;
  samples: PrelabelSample[];
  labels: string[];
  detection: boolean;
  predictTimeoutMs: number;
  target: ServerTarget;
}

/** The outcome, or why the model does not fit the dataset. */
export type StagedPrelabelResult = { outcome: PrelabelOutcome } | { unfit: string };

/** The project's models, as the services family deploys them. */
export interface PrelabelModels {
  deployable(projectId: string, modelId: string): Promise<DeployableModel | undefined>;
}

export type PrelabelDeps = Pick<AppContext, 'sandbox' | 'objectStore'> & {
  models: PrelabelModels;
  dataDir: string;
  predictTimeoutMs: number;
  /** On the kubernetes executor: the run is a Job of the cluster (the model server beside Atelier's command). */
  kube?: KubeBatch | undefined;
};

/** Where a pre-label run's instance takes its share, and how it tells the pool about it. */
export interface PrelabelPlace {
  reserve(key: string, amount: PoolAmount): boolean;
  /** Records a share that is already in use (the pod of a run adopted after a restart), room or not. */
  set(key: string, amount: PoolAmount): void;
  track(key: string, pid: number): void;
  release(key: string): void;
  /** The dedicated pool the task names (config.pool_id): on the cluster its pod goes on that pool's nodes. */
  poolName?: string;
}

export interface PrelabelRun {
  taskId: string;
  projectId: string;
  modelId: string;
  config: SmartTaskConfig;
  samples: readonly LearningSample[];
  labels: ReadonlySet<string>;
  /** Object detection: the answers are boxes. */
  detection: boolean;
  place: PrelabelPlace;
  signal: AbortSignal;
  /** Told the instance's process once it runs (kept so a restart can end it), and each sample done. */
  onStarted(pid: number, startTicks: number): Promise<void>;
  onProgress(done: number, total: number): Promise<void>;
  /** Whether the task is still meant to run (a stop turns it false). */
  stillRunning(): Promise<boolean>;
  /** The task's folder in its dataset's work folder: a cluster run stages there when its model has no bucket (an image). */
  stage: ObjectPath;
}

export interface PrelabelOutcome {
  guesses: { sampleId: string; guess: PrelabelGuess }[];
  failed: number;
  firstError?: string;
}

/** The instance config of a pre-label task: its first inf_config_list entry, else the default. */
export function instanceConfigOf(config: SmartTaskConfig): InstanceConfig {
  const inf = config.inf_config_list?.[0];
  if (!inf?.specification) return { ...DEFAULT_INSTANCE, envs: inf?.envs ?? {} };
  return { envs: inf.envs ?? {}, specification: inf.specification };
}

/** The documented refusals of a pre-label request, before anything is stored. */
export async function checkPrelabel(
  models: PrelabelModels,
  projectId: string,
  modelId: string | undefined,
  config: SmartTaskConfig,
  /** The run is a Job of the cluster (kubernetes executor), where an Image model's own image runs. */
  onCluster = false,
): Promise<DeployableModel> {
  if (!modelId) throw taskErrors.badParam('body.config.model_id: required for pre-label');
  const model = await models.deployable(projectId, modelId);
  if (!model) throw apiError(404, 'ModelArts.3001', modelId);
  if (model.status !== 'published') throw taskErrors.badParam(`body.config.model_id: model ${modelId} is ${model.status}, not published`);
  const why = unservable(model, onCluster ? 'cluster' : 'host');
  if (why) throw taskErrors.badParam(`body.config.model_id: model ${modelId} cannot run here: ${why}`);
  if (!model.config.apis[0]) throw taskErrors.badParam(`body.config.model_id: model ${modelId} declares no api to predict with`);
  const amount = amountOf(instanceConfigOf(config).specification, instanceConfigOf(config).custom_spec);
  if (typeof amount === 'string') throw taskErrors.badParam(`body.config.inf_config_list[0].specification: ${amount}`);
  return model;
}

function fileField(api: ConfigApi): string {
  const props = (api.request.data as { properties?: Record<string, { type?: string }> }).properties ?? {};
  return Object.entries(props).find(([, s]) => s.type === 'file')?.[0] ?? 'images';
}

function textField(api: ConfigApi): string {
  const props = (api.request.data as { properties?: Record<string, { type?: string }> }).properties ?? {};
  return Object.entries(props).find(([, s]) => s.type === 'string')?.[0] ?? 'text';
}

/** The request for one sample: a file goes as the form's file field, text as a JSON string field. */
async function requestFor(objects: ObjectStore, api: ConfigApi, sample: PrelabelSample): Promise<PredictRequest> {
  const text = inlineText(sample.source);
  const multipart = api.request['Content-type'].startsWith('multipart/form-data');
  if (text !== undefined && !multipart) {
    const json = { [textField(api)]: text };
    return { contentType: 'application/json', raw: Buffer.from(JSON.stringify(json)), json };
  }
  if (!multipart) throw new Error(`the model takes ${api.request['Content-type']}, and the dataset's samples are files: it needs multipart/form-data`);
  const { bucket, key } = objectOf(sample.source);
  const name = (key.split('/').pop() ?? 'sample').replace(/"/g, '');
  const body = text !== undefined ? Buffer.from(text) : await objects.readBuffer(bucket, key, MAX_INPUT_BYTES);
  const boundary = `atelier-${randomUUID()}`;
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="${fileField(api)}"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`;
  return { contentType: `multipart/form-data; boundary=${boundary}`, raw: Buffer.concat([Buffer.from(head), body, Buffer.from(`\r\n--${boundary}--\r\n`)]) };
}

export class Prelabeler {
  /** Runs are Jobs of the cluster (kubernetes executor) rather than instances on this host. */
  readonly onCluster: boolean;

  constructor(private readonly deps: PrelabelDeps) {
    this.onCluster = deps.kube !== undefined;
  }

  /** Runs the model over the samples; throws (the task fails) when the model does not fit the dataset. */
  async run(r: PrelabelRun): Promise<PrelabelOutcome> {
    const model = await checkPrelabel(this.deps.models, r.projectId, r.modelId, r.config, this.onCluster);
    const api = model.config.apis[0]!;
    const instanceConfig = instanceConfigOf(r.config);
    if (this.deps.kube) return this.runOnCluster(this.deps.kube, r, model, api, instanceConfig);
    const amount = amountOf(instanceConfig.specification, instanceConfig.custom_spec) as PoolAmount;
    const key = poolKey(r.taskId);
    if (!r.place.reserve(key, amount)) throw noRoom(amount);
    let instance: ServingInstance | undefined;
    try {
      const domainId = await this.deps.sandbox.admitProject(r.projectId);
      const dir = join(this.deps.dataDir, 'intelligent-tasks', r.taskId, 'prelabel');
      instance = instanceFactory(model, instanceConfig, dir, { sandbox: this.deps.sandbox, domainId })(randomUUID());
      const started = instance;
      const stop = () => void started.stop(0);
      r.signal.addEventListener('abort', stop, { once: true });
      try {
        await untilAborted(instance.ready, r.signal);
        if (instance.pid) {
          r.place.track(key, instance.pid);
          await r.onStarted(instance.pid, processStartTicks(instance.pid) ?? 0);
        }
        return await unfitFails(predictSamples({ objects: this.deps.objectStore, predictTimeoutMs: this.deps.predictTimeoutMs }, r, api, instance));
      } finally {
        r.signal.removeEventListener('abort', stop);
      }
    } finally {
      await instance?.stop(0);
      r.place.release(key);
    }
  }

  /**
   * The run as a Job of one pod: the samples' files and a job file are staged from the model's bucket
   * (.atelier-staging/prelabel/<task_id>/), `atelier prelabel run` asks the model server beside it, and the outcome
   * comes back to be recorded as a local run's. A stop deletes the Job; a server that stops leaves it to the next run.
   */
  private async runOnCluster(kube: KubeBatch, r: PrelabelRun, model: DeployableModel, api: ConfigApi, instance: InstanceConfig): Promise<PrelabelOutcome> {
    // A model imported from an image reference has no folder of its own to stage in.
    const stage = isImageLocation(model.sourceLocation)
      ? { bucket: r.stage.bucket, key: `${r.stage.key}prelabel/` }
      : { bucket: parseSourceLocation(model.sourceLocation, `model ${model.id} source_location`).bucket, key: `.atelier-staging/prelabel/${r.taskId}/` };
    const job: StagedPrelabel = {
      modelId: r.modelId,
      api,
      samples: r.samples.map((x) => ({ id: x.id, source: x.source })),
      labels: [...r.labels],
      detection: r.detection,
      predictTimeoutMs: this.deps.predictTimeoutMs,
      // An Image model's image answers its api at the api's own path; Atelier's model server answers at any path.
      target: isImageModel(model) ? { path: api.url, tls: api.protocol === 'https' } : {},
    };
    // the pod asks for the model server's flavor and the command's share beside it
    const flavor = amountOf(instance.specification, instance.custom_spec) as PoolAmount;
    const amount = { cpu: flavor.cpu + BATCH_DRIVER_SHARE.cpu, memoryMb: flavor.memoryMb + BATCH_DRIVER_SHARE.memoryMb };
    const key = poolKey(r.taskId);
    const texts = await kube.runJob({
      id: r.taskId,
      type: 'prelabel',
      projectId: r.projectId,
      model,
      instance,
      stage,
      prepare: async () => ({ job, files: r.samples.filter((x) => inlineText(x.source) === undefined).map((x) => objectOf(x.source)) }),
      outputs: [],
      resultFile: () => PRELABEL_RESULT_FILE,
      ...(r.place.poolName ? { placement: poolPlacement(r.place.poolName) } : {}),
      share: {
        take: (adopted) => {
          if (adopted) r.place.set(key, amount);
          else if (!r.place.reserve(key, amount)) throw noRoom(amount);
        },
        release: () => r.place.release(key),
      },
      running: () => r.onProgress(0, Math.max(1, r.samples.length)),
      event: () => undefined,
      signal: r.signal,
      // a task that is still meant to run was cut short by this server stopping: its Job goes on for the next one
      detached: () => r.stillRunning(),
    });
    r.signal.throwIfAborted();
    if (texts?.[0] === undefined) return { guesses: [], failed: 0 };
    const result = JSON.parse(texts[0]) as StagedPrelabelResult;
    if ('unfit' in result) throw taskErrors.unsupported(result.unfit);
    await r.onProgress(r.samples.length, Math.max(1, r.samples.length));
    return result.outcome;
  }
}

/** The key of a task's share in its pool. */
const poolKey = (taskId: string) => `intelligent-task-${taskId}`;

const noRoom = (amount: PoolAmount) => new Error(`the pool has no room for the model's instance (${amount.cpu} cores, ${amount.memoryMb} MB) now`);

/** A sample as the model is asked about it. */
export type PrelabelSample = Pick<LearningSample, 'id' | 'source'>;

/** What the prediction loop needs of a run, here or in a pod. */
export type PredictedRun = Pick<PrelabelRun, 'modelId' | 'labels' | 'detection' | 'signal' | 'onProgress' | 'stillRunning'> & {
  samples: readonly PrelabelSample[];
};

/** The model's answers do not fit the dataset: the task fails saying why (ModelArts.4820). */
export class ModelUnfit extends Error {}

export async function unfitFails<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (e) {
    if (e instanceof ModelUnfit) throw taskErrors.unsupported(e.message);
    throw e;
  }
}

/** Asks the instance about each sample in turn and reads its answers in the dataset's labels. */
export async function predictSamples(
  ctx: { objects: ObjectStore; predictTimeoutMs: number },
  r: PredictedRun,
  api: ConfigApi,
  instance: ServingInstance,
): Promise<PrelabelOutcome> {
  const out: PrelabelOutcome = { guesses: [], failed: 0 };
  for (const [i, sample] of r.samples.entries()) {
    r.signal.throwIfAborted();
    if (i % 5 === 0 && !(await r.stillRunning())) return out;
    let answer: unknown;
    try {
      const drop = new AbortController();
      const timer = setTimeout(() => drop.abort(new PredictTimeoutError(ctx.predictTimeoutMs)), ctx.predictTimeoutMs);
      const res = await untilAborted(instance.predict({ ...(await requestFor(ctx.objects, api, sample)), signal: drop.signal }), drop.signal).finally(() =>
        clearTimeout(timer),
      );
      if (res.status >= 400) throw new Error(`the model answered ${res.status}: ${JSON.stringify(res.body)?.slice(0, 300)}`);
      answer = res.jsonText !== undefined ? (JSON.parse(res.jsonText) as unknown) : res.body;
    } catch (e) {
      r.signal.throwIfAborted();
      out.failed++;
      out.firstError ??= `sample ${sample.id}: ${e instanceof Error ? e.message : String(e)}`;
      continue;
    }
    const guess = r.detection ? readDetection(answer, r.labels) : readAnswer(answer, r.labels);
    if (guess && 'reason' in guess) throw new ModelUnfit(`model ${r.modelId} does not fit the dataset: ${guess.reason}`);
    if (guess) out.guesses.push({ sampleId: sample.id, guess });
    await r.onProgress(i + 1, r.samples.length);
  }
  return out;
}
