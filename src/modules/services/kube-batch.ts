// A batch service's run on the Kubernetes executor: a Job of one pod (batch-manifest.ts) where Atelier's own command
// (`atelier batch run`) feeds the staged input files to the model server beside it, as runBatch feeds local instances.
// The server lists the inputs, writes the job file to the run's staging folder and makes the Job with its staging
// Secret: stage.py downloads the job file, the input files and the model's files, the command runs, and stage.py
// uploads the results straight to dest_path and the counts to the staging folder, only when the command exited 0. The
// end comes from the informer watch; the server then reads the counts back. A stop deletes the Job (a stop through
// a replica that does not follow the run deletes it there, and the run that follows it ends as stopped); a server that
// stops leaves it, and the service's next run (after the restart) finds the Job by its name and follows it.
// A pod the scheduler cannot place is said in the events once, and fails the run after a bounded wait (the run holds
// its pool's share meanwhile). Before the Job goes (the run ended, failed or was stopped, or the Job was found an
// orphan while its service remains), its pods' logs are copied into the database (batch-pod-logs.ts).
import { posix } from 'node:path';
import type { V1Container, V1Pod } from '@kubernetes/client-node';
import { parseSourceLocation, type DeployableModel } from '#src/modules/models/index.ts';
import { batchObjects } from '#src/runtime/kubernetes/batch-manifest.ts';
import type { MappedStatus } from '#src/runtime/kubernetes/job-status.ts';
import { JobWaiter } from '#src/runtime/kubernetes/job-waiter.ts';
import { imageVersionObjects } from '#src/runtime/kubernetes/image-service-manifest.ts';
import { MODEL_CONTAINER, MODEL_DIR, MODEL_SERVER_PORT, serviceVersionObjects } from '#src/runtime/kubernetes/service-manifest.ts';
import { TASK_CONTAINER, TASK_DIR, taskObjectName } from '#src/runtime/kubernetes/task-manifest.ts';
import { COMPLETION_INDEX_ANNOTATION } from '#src/runtime/kubernetes/training-job-manifest.ts';
import { taskStagingSecretName, type TaskJobClient } from '#src/runtime/kubernetes/task-objects.ts';
import { stagingSecretOf, type StagingPlan, type StoreCredential } from '#src/runtime/kubernetes/training-job-staging.ts';
import type { TrainingJobWatch } from '#src/runtime/kubernetes/training-job-watch.ts';
import type { WorkloadDefaults } from '#src/runtime/kubernetes/workload-isolation.ts';
import type { Logger } from '#src/runtime/logger.ts';
import type { ObjectPath } from '#src/storage/obs-path.ts';
import type { ObjectStore } from '#src/storage/object-store.ts';
import { batchPaths, type BatchConfig, type BatchCounts } from './batch-service.ts';
import {
  batchCountsFile,
  BATCH_FILES_DIR,
  BATCH_JOB_FILE,
  BATCH_OUT_DIR,
  BATCH_RESULTS_DIR,
  batchPlaceDir,
  batchPlaces,
  batchShard,
  type StagedBatch,
  type StagedCounts,
} from './batch-staged.ts';
import type { BatchModel, BatchPodLogs } from './batch-pod-logs.ts';
import { flavorAmount } from './flavors.ts';
import type { InstanceLog, InstanceLogsQuery } from './instance-log-schemas.ts';
import { imageServerOf, isImageModel } from './image-models.ts';
import type { CustomSpec } from './schemas.ts';
import type { StoredConfig } from './views.ts';

/** Where Atelier's image holds its command line (deploy/atelier.Dockerfile: WORKDIR /app). */
const IMAGE_ATELIER_BIN = '/app/bin/atelier.mjs';
/** What the batch command itself asks for besides the model server: it only reads files and makes requests. */
export const BATCH_DRIVER_SHARE = { cpu: 0.5, memoryMb: 512 };
const MAX_JSON_BYTES = 64 * 1024 * 1024;
/** The staged files of a run, kept beside its job file so a restarted server makes the same plan. */
const FILES_LIST = 'job/files.json';
/** How often a waiting run looks at its pod in the watch's cache for a model server that cannot run. */
const SERVER_CHECK_MS = 2000;
/** Waiting reasons of the model server after which it never runs without a change to the model. */
const SERVER_FAILURES = new Set([
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'ErrImageNeverPull',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
  'CrashLoopBackOff',
]);

/** Why the model server sidecar of a batch pod cannot run, or undefined while it can (or has not tried). */
export function serverFailure(pod: V1Pod): string | undefined {
  const s = pod.status?.initContainerStatuses?.find((c) => c.name === MODEL_CONTAINER);
  const waiting = s?.state?.waiting;
  if (!s || !waiting?.reason || !SERVER_FAILURES.has(waiting.reason)) return undefined;
  if (waiting.reason === 'CrashLoopBackOff') {
    const code = s.lastState?.terminated?.exitCode;
    return `the model server keeps exiting (CrashLoopBackOff${code !== undefined ? `, last exit code ${code}` : ''})`;
  }
  return `the model server's image ${s.image ?? ''} cannot run (${waiting.reason}): ${waiting.message ?? ''}`.trim();
}

/** Why the scheduler has not placed a pod and since when, or undefined once it is placed (or not looked at yet). */
export function unscheduled(pod: V1Pod): { reason: string; since: number | undefined } | undefined {
  const c = pod.status?.conditions?.find((x) => x.type === 'PodScheduled' && x.status === 'False');
  if (!c || pod.spec?.nodeName) return undefined;
  const since = c.lastTransitionTime ? new Date(c.lastTransitionTime).getTime() : undefined;
  return { reason: `${c.reason ?? 'Unschedulable'}${c.message ? `: ${c.message}` : ''}`, since };
}

export interface KubeBatchParts {
  namespace: string;
  /** What every workload's pods get: the networks closed to them, the registries' pull Secrets. */
  defaults: WorkloadDefaults;
  /** Atelier's own image (--kube-atelier-image): the batch command and stage.py. */
  atelierImage: string;
  /** The runtime image (--kube-image): Atelier's model server for models that are not of type Image. */
  runtimeImage: string;
  /** The object store's bucket behind an API bucket name, as the pod addresses it. */
  realBucket: (bucket: string) => string;
  /** How the pod reaches the object store; undefined for a local fs store, which no pod can reach. */
  credential: StoreCredential | undefined;
  client: TaskJobClient;
  /** Made with the status callback; follows the Jobs of tasks. */
  watch: (onStatus: (id: string, status: MappedStatus) => void) => TrainingJobWatch;
  /** Where batch runs' pod logs are read live and kept; none for pre-labeling runs. */
  podLogs?: BatchPodLogs;
  /** How long a pod may wait for a node before its run fails (--kube-schedule-timeout). */
  scheduleWaitMs: number;
}

export interface KubeBatchRun {
  serviceId: string;
  projectId: string;
  model: DeployableModel;
  config: StoredConfig & BatchConfig;
  /** The input files, listed only when no Job of an earlier run exists. */
  files(): AsyncIterable<ObjectPath>;
  /** Whether the service's account may read a bucket. */
  readable(bucket: string): Promise<boolean>;
  predictTimeoutMs: number | undefined;
  /** The pod's place in a dedicated pool (its nodes and PriorityClass); none in the cluster at large. */
  placement?: { nodeSelector: Record<string, string>; priorityClassName: string };
  /** Called once, when the pod runs (or, at the latest, when it has ended). */
  running(): Promise<void>;
  event(type: 'normal' | 'abnormal', info: string): void;
  /** Aborted on a stop or when the server stops; `detached` tells the second (the Job is kept for the next server). */
  signal: AbortSignal;
  detached(): boolean;
}

/**
 * A run of Atelier's command beside the model server in a Job: a batch run (one pod per instance, each over its shard
 * of the files), or a pre-labeling run (one pod).
 */
export interface ModelJob {
  /** The service's or task's id: the Job's name and labels. */
  id: string;
  /** The command's name (`atelier <type> run DIR PORT`) and the Job's task type. */
  type: 'batch' | 'prelabel';
  projectId: string;
  model: DeployableModel;
  /** The model server's flavor and environment variables. */
  instance: { specification: string; custom_spec?: CustomSpec; envs: Record<string, string> };
  /** Where the job file, the list of staged files and the result file pass through. */
  stage: ObjectPath;
  /** Pods, each with its own model server and its shard of `files` (by its completion index); 1 when absent. */
  shards?: number;
  /**
   * The run's share of its pool, where the run holds it itself: taken before the Job is made (throws when the pool
   * has no room) or, for the Job of a run under way before a restart, recorded as taken; given back when the run ends.
   */
  share?: { take(adopted: boolean): void; release(): void };
  /** The job file and the files the pods need; made only when no Job of an earlier run exists. */
  prepare(): Promise<{ job: unknown; files: ObjectPath[] }>;
  /** Folders the command writes below DIR/out/<bucket>/<key>, uploaded to the same place once it succeeded. */
  outputs: ObjectPath[];
  /** The file each pod's command leaves in DIR/results/, by its shard. */
  resultFile: (shard: number) => string;
  /** The pod's place in a dedicated pool (its nodes and PriorityClass); none in the cluster at large. */
  placement?: { nodeSelector: Record<string, string>; priorityClassName: string };
  /** Called once, when the pod runs (or, at the latest, when it has ended). */
  running(): Promise<void>;
  event(type: 'normal' | 'abnormal', info: string): void;
  /** Aborted on a stop or when the server stops; `detached` tells the second (the Job is kept for the next server). */
  signal: AbortSignal;
  detached(): boolean | Promise<boolean>;
  /** Copies the logs of the run's pods before its Job is deleted; none when they are not kept. */
  keepLogs?: (pods: V1Pod[]) => Promise<void>;
}

/** What a run's files list keeps beside its job file, for a restarted server to stage the same plan. */
interface StagedList {
  files: ObjectPath[];
  shards: number;
}

const modelOf = (r: KubeBatchRun): BatchModel => ({ model_id: r.model.id, model_name: r.model.name, model_version: r.model.version });

/** The folder a run's job file and counts pass through: in the output bucket, apart from the results. */
export const batchStagingFolder = (serviceId: string, dest: ObjectPath): ObjectPath => ({ bucket: dest.bucket, key: `.atelier-staging/batch/${serviceId}/` });

export class KubeBatch {
  private readonly jobs: JobWaiter;

  constructor(
    private readonly kube: KubeBatchParts,
    private readonly objects: ObjectStore,
    private readonly log: Logger,
  ) {
    this.jobs = new JobWaiter(kube.watch, kube.client, 'batch', TASK_CONTAINER, (id, err) =>
      this.log.warn({ err, job: id }, 'recording a model run as running failed'),
    );
  }

  /** Runs the batch on the cluster; its counts, or undefined when it was stopped or left to the next server. */
  async run(r: KubeBatchRun): Promise<BatchCounts | undefined> {
    const { dest } = batchPaths(r.config);
    const texts = await this.runJob({
      id: r.serviceId,
      type: 'batch',
      shards: r.config.instance_count,
      projectId: r.projectId,
      model: r.model,
      instance: r.config,
      stage: batchStagingFolder(r.serviceId, dest),
      prepare: async () => {
        const job = await this.jobOf(r);
        const allowed = new Set(job.readable);
        return { job, files: job.files.filter((f) => allowed.has(f.bucket)) };
      },
      outputs: [dest],
      resultFile: batchCountsFile,
      ...(r.placement ? { placement: r.placement } : {}),
      running: r.running,
      event: r.event,
      signal: r.signal,
      detached: r.detached,
      ...(this.kube.podLogs ? { keepLogs: (pods: V1Pod[]) => this.kube.podLogs!.keep(r.serviceId, modelOf(r), pods) } : {}),
    });
    if (texts === undefined) return undefined;
    const sum: BatchCounts = { total: 0, succeeded: 0, failed: 0, forbidden: 0 };
    for (const { counts: c } of texts.map((t) => JSON.parse(t) as StagedCounts))
      for (const k of ['total', 'succeeded', 'failed', 'forbidden'] as const) sum[k] += c[k];
    return sum;
  }

  /**
   * Runs Atelier's command `<type> run /task 8080` in a Job beside the model server, in each of its pods over the job
   * file and the files staged for that pod; the texts of the result files they wrote (by shard), or undefined when
   * stopped or left to the next server.
   */
  async runJob(j: ModelJob): Promise<string[] | undefined> {
    const credential = this.kube.credential;
    if (!credential) throw new Error('the kubernetes executor needs an S3-compatible object store its pods can reach (--object-store s3)');
    await this.jobs.start();
    const adopted = await this.kube.client.jobExists(j.id);
    j.share?.take(adopted);
    try {
      return await this.follow(j, adopted, credential);
    } finally {
      j.share?.release();
    }
  }

  /** Makes the run's Job (or adopts it) and follows it to its end. */
  private async follow(j: ModelJob, adopted: boolean, credential: StoreCredential): Promise<string[] | undefined> {
    const { id, stage: at } = j;
    let staged: StagedList;
    if (adopted) {
      // the run goes on as it was made: its files and its number of pods
      const kept = JSON.parse(await this.objects.readText(at.bucket, `${at.key}${FILES_LIST}`, MAX_JSON_BYTES)) as StagedList | ObjectPath[];
      staged = Array.isArray(kept) ? { files: kept, shards: 1 } : kept;
      j.event('normal', `following the Job ${taskObjectName(id)} of the run under way before Atelier restarted`);
    } else {
      const prepared = await j.prepare();
      staged = { files: prepared.files, shards: Math.max(1, j.shards ?? 1) };
      await this.objects.deletePrefix(at.bucket, at.key);
      await this.objects.put(at.bucket, `${at.key}${BATCH_JOB_FILE}`, JSON.stringify(prepared.job));
      await this.objects.put(at.bucket, `${at.key}${FILES_LIST}`, JSON.stringify(staged));
    }
    const { shards } = staged;
    const { ended, ranOnce } = this.jobs.wait(id, { pods: shards, onRunning: () => j.running() });
    // A stop ends the wait at once; the Job is removed below, once what was under way (its creation) is done.
    const onAbort = (): void => void this.jobs.settle(id, new Error('stopped'));
    j.signal.addEventListener('abort', onAbort, { once: true });
    if (j.signal.aborted) onAbort();
    try {
      const server = await this.serverOf(j);
      const objects = batchObjects({
        taskId: id,
        type: j.type,
        projectId: j.projectId,
        namespace: this.kube.namespace,
        ...this.kube.defaults,
        image: this.kube.atelierImage,
        command: ['node', IMAGE_ATELIER_BIN, j.type, 'run', TASK_DIR, String(MODEL_SERVER_PORT)],
        stagingSecret: taskStagingSecretName(id),
        env: {},
        share: BATCH_DRIVER_SHARE,
        ...(j.placement ?? {}),
        server: server.container,
        ...(j.shards !== undefined ? { shards } : {}),
      });
      const secret = stagingSecretOf(
        taskStagingSecretName(id),
        this.kube.namespace,
        objects.job.metadata?.labels ?? {},
        this.planOf(j, staged, server.modelFolder),
        credential,
      );
      if (j.signal.aborted) throw new Error('stopped');
      const made = await this.kube.client.apply({ ...objects, secret });
      if (made === 'created')
        j.event(
          'normal',
          `[${j.model.name} ${j.model.version}] created Job ${taskObjectName(id)} of ${shards} pod(s), each with a model server (image ${server.container.image ?? ''}), in namespace ${this.kube.namespace}`,
        );
      this.jobs.follow(id);
      // A sidecar that cannot start, or a pod no node takes, leaves the Job's own status as it was: its pods are looked
      // at in the watch's cache.
      const said = new Map<string, number>();
      const checker = setInterval(() => this.checkPods(j, said), SERVER_CHECK_MS);
      await ended.finally(() => clearInterval(checker));
      // a pod that ended before the watch saw it run still started the run
      await ranOnce();
    } catch (e) {
      this.jobs.settle(id, e instanceof Error ? e : new Error(String(e)));
      if (j.signal.aborted) {
        await this.stopped(j);
        return undefined;
      }
      // A Job deleted by someone else (a stop through another replica, an orphan pass) had its logs copied by them.
      if (await this.kube.client.jobExists(id).catch(() => true)) await this.keepLogs(j);
      await this.kube.client.remove(id).catch(() => false);
      await this.objects.deletePrefix(at.bucket, at.key).catch(() => 0);
      throw e;
    } finally {
      j.signal.removeEventListener('abort', onAbort);
    }
    const texts: string[] = [];
    for (let shard = 0; shard < shards; shard++)
      texts.push(await this.objects.readText(at.bucket, `${at.key}${BATCH_RESULTS_DIR}/${j.resultFile(shard)}`, MAX_JSON_BYTES));
    await this.keepLogs(j);
    await this.kube.client.remove(id);
    await this.objects.deletePrefix(at.bucket, at.key);
    return texts;
  }

  /**
   * Deletes the Jobs of batch runs no longer under way (their service gone, stopped or ended); returns their ids. The
   * pods' logs of a run whose service still answers (`modelOf` gives its model) are copied first.
   */
  async removeOrphans(
    isActive: (serviceId: string) => Promise<boolean>,
    type: ModelJob['type'] = 'batch',
    modelOf?: (serviceId: string) => Promise<BatchModel | undefined>,
  ): Promise<string[]> {
    return this.kube.client.removeOrphans(type, async (id) => {
      if (this.jobs.has(id) || (await isActive(id))) return true;
      // decided an orphan: its logs are copied before the removal that follows
      const model = await modelOf?.(id);
      if (model) await this.keepPodLogs(id, model);
      return false;
    });
  }

  /**
   * Ends a batch service's run that another replica follows (a stop or delete through this one): its pods' logs are
   * copied, then its Job and staging folder go; the other replica's run then sees its Job deleted. Nothing when no Job
   * of the service exists.
   */
  async removeRun(serviceId: string, model: BatchModel, dest: ObjectPath): Promise<void> {
    if (!(await this.kube.client.jobExists(serviceId))) return;
    await this.keepPodLogs(serviceId, model);
    await this.kube.client.remove(serviceId);
    const at = batchStagingFolder(serviceId, dest);
    await this.objects.deletePrefix(at.bucket, at.key).catch(() => 0);
  }

  /**
   * A batch service's instance logs: its pods' while they exist (on any replica: the watch lists every task pod),
   * else what was kept of its last run.
   */
  async instanceLogs(serviceId: string, model: BatchModel, q: InstanceLogsQuery): Promise<{ total: number; instances: InstanceLog[] }> {
    if (!this.kube.podLogs) return { total: 0, instances: [] };
    await this.jobs.start();
    return this.kube.podLogs.instances(serviceId, model, this.jobs.podsOf(serviceId), q);
  }

  /** Stops watching; runs still waiting end when the runner aborts them, which keeps their Jobs. */
  async close(): Promise<void> {
    await this.jobs.close();
  }

  private async jobOf(r: KubeBatchRun): Promise<StagedBatch> {
    const files: ObjectPath[] = [];
    const readable = new Set<string>();
    const refused = new Set<string>();
    for await (const f of r.files()) {
      files.push(f);
      if (readable.has(f.bucket) || refused.has(f.bucket)) continue;
      ((await r.readable(f.bucket)) ? readable : refused).add(f.bucket);
    }
    const api = r.model.config.apis[0];
    const image = isImageModel(r.model);
    return {
      config: r.config,
      api,
      files,
      readable: [...readable],
      shards: r.config.instance_count,
      ...(r.predictTimeoutMs !== undefined ? { predictTimeoutMs: r.predictTimeoutMs } : {}),
      // An Image model's image answers its api at the api's own path; Atelier's model server answers at any path.
      target: image && api ? { path: api.url, tls: api.protocol === 'https' } : {},
    };
  }

  /** The model server container as a real-time version's pod runs it, and the model folder it needs staged. */
  private async serverOf(
    r: Pick<ModelJob, 'id' | 'projectId' | 'model' | 'instance'>,
  ): Promise<{ container: V1Container; modelFolder: ObjectPath | undefined }> {
    const share = flavorAmount(r.instance.specification, r.instance.custom_spec);
    if (typeof share === 'string') throw new Error(share);
    const version = {
      serviceId: r.id,
      projectId: r.projectId,
      namespace: this.kube.namespace,
      modelId: r.model.id,
      instanceCount: 1,
      env: r.instance.envs,
      perInstance: share,
    };
    if (isImageModel(r.model)) {
      const server = imageServerOf(r.model);
      if (typeof server === 'string') throw new Error(`model ${r.model.id}: ${server}`);
      const objects = imageVersionObjects({ ...version, image: server.image, ...(server.health ? { health: server.health } : {}) });
      return { container: objects.deployment.spec!.template.spec!.containers[0]!, modelFolder: undefined };
    }
    if (!this.kube.runtimeImage) throw new Error('the kubernetes executor has no runtime image: set --kube-image');
    const folder = parseSourceLocation(r.model.sourceLocation, `model ${r.model.id} source_location`);
    const objects = serviceVersionObjects({
      ...version,
      image: this.kube.runtimeImage,
      modelType: r.model.config.model_type,
      modelName: r.model.name,
      stagingSecret: taskStagingSecretName(r.id),
    });
    return { container: objects.deployment.spec!.template.spec!.containers[0]!, modelFolder: { bucket: folder.bucket, key: `${folder.key}model/` } };
  }

  /** The staging plan every pod of the run shares: each downloads the places of its own shard's files. */
  private planOf(j: ModelJob, staged: StagedList, modelFolder: ObjectPath | undefined): StagingPlan {
    const real = this.kube.realBucket;
    const stage = j.stage;
    const files = posix.join(TASK_DIR, BATCH_FILES_DIR);
    const place = (p: ObjectPath, name: string) => ({ name, bucket: real(p.bucket), key: p.key, dir: batchPlaceDir(files, p) });
    const places =
      staged.shards === 1
        ? batchPlaces(staged.files).map((p, i) => place(p, `files-${i}`))
        : Array.from({ length: staged.shards }, (_, shard) =>
            batchPlaces(batchShard(staged.files, staged.shards, shard)).map((p, i) => ({ ...place(p, `shard-${shard}-files-${i}`), shard })),
          ).flat();
    const out = posix.join(TASK_DIR, BATCH_OUT_DIR);
    return {
      ...(modelFolder ? { code: { bucket: real(modelFolder.bucket), key: modelFolder.key, dir: MODEL_DIR } } : {}),
      inputs: [
        { name: 'job', bucket: real(stage.bucket), key: `${stage.key}${BATCH_JOB_FILE}`, dir: posix.join(TASK_DIR, posix.dirname(BATCH_JOB_FILE)) },
        ...places,
      ],
      outputs: [
        ...j.outputs.map((o, i) => ({ name: i === 0 ? 'output' : `output-${i}`, bucket: real(o.bucket), key: o.key, dir: batchPlaceDir(out, o) })),
        { name: 'results', bucket: real(stage.bucket), key: `${stage.key}${BATCH_RESULTS_DIR}/`, dir: posix.join(TASK_DIR, BATCH_RESULTS_DIR) },
      ],
    };
  }

  /** A stop copies the pods' logs and deletes the Job before the run ends; a server that stops leaves it to be adopted. */
  private async stopped(j: ModelJob): Promise<void> {
    if (await Promise.resolve(j.detached()).catch(() => true)) return;
    await this.keepLogs(j);
    await this.kube.client.remove(j.id).catch((err: unknown) => this.log.error({ err, job: j.id }, "removing a model run's Job failed"));
    await this.objects.deletePrefix(j.stage.bucket, j.stage.key).catch(() => 0);
  }

  /** Copies the run's pod logs (where they are kept); a failure to is logged, never the run's. */
  private async keepLogs(j: ModelJob): Promise<void> {
    await j.keepLogs?.(this.jobs.podsOf(j.id)).catch((err: unknown) => this.log.warn({ err, job: j.id }, "keeping a batch run's pod logs failed"));
  }

  /** Copies the pod logs of a batch run this replica does not follow, from the watch's cache (started if need be). */
  private async keepPodLogs(serviceId: string, model: BatchModel): Promise<void> {
    const podLogs = this.kube.podLogs;
    if (!podLogs) return;
    await this.jobs.start();
    const pods = this.jobs.podsOf(serviceId);
    // no pods left to read: what an earlier copy kept stays
    if (pods.length === 0) return;
    await podLogs.keep(serviceId, model, pods).catch((err: unknown) => this.log.warn({ err, job: serviceId }, "keeping a batch run's pod logs failed"));
  }

  /** `said`: the waits already said in the events (pod and reason), each with when it was first seen. */
  private checkPods(j: ModelJob, said: Map<string, number>): void {
    const id = j.id;
    if (!this.jobs.has(id)) return;
    const pods = this.jobs.podsOf(id);
    const failing = pods.findIndex((p) => serverFailure(p) !== undefined);
    if (failing >= 0) {
      const index = Number(pods[failing]!.metadata?.annotations?.[COMPLETION_INDEX_ANNOTATION] ?? 0);
      this.jobs.fail(id, `the batch pod failed: ${serverFailure(pods[failing]!)!}`, MODEL_CONTAINER, index);
      return;
    }
    const limit = this.kube.scheduleWaitMs;
    for (const pod of pods) {
      const waiting = unscheduled(pod);
      if (!waiting) continue;
      const name = pod.metadata?.name ?? '';
      const key = `${name} ${waiting.reason}`;
      if (!said.has(key)) {
        said.set(key, Date.now());
        j.event('normal', `[${j.model.name} ${j.model.version}] pod ${name} waits for a node: ${waiting.reason}`);
      }
      if (Date.now() - (waiting.since ?? said.get(key)!) < limit) continue;
      const task = `worker-${pod.metadata?.annotations?.[COMPLETION_INDEX_ANNOTATION] ?? 0}`;
      const waited = limit >= 60_000 ? `${Math.round(limit / 60_000)} min` : `${Math.round(limit / 1000)} s`;
      this.jobs.settle(id, new Error(`the batch pod ${task} (${name}) found no node within ${waited}: ${waiting.reason}`));
      return;
    }
  }
}
