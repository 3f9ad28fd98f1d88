// A processing version on the Kubernetes executor: a Job of one pod of Atelier's own image, which runs the version's
// operators with `atelier process run` (the same code as in the server). The server lists the input files, writes the
// job file to the version's staging folder and makes the Job with its staging Secret: stage.py downloads the job file
// and the folders of the input files, the command runs, and stage.py uploads the output folder straight to the
// version's output path and the results to the staging folder, only when the command exited 0. The end comes from the
// informer watch; the server then reads the results back. A stop deletes the Job; a server that stops leaves it, and
// the version's next run (the queue hands it to this or another replica) finds the Job by its name and follows it.
import type { WorkloadDefaults } from '#src/runtime/kubernetes/workload-isolation.ts';
import { createInterface } from 'node:readline';
import { posix } from 'node:path';
import type { MappedStatus } from '#src/runtime/kubernetes/job-status.ts';
import { JobWaiter } from '#src/runtime/kubernetes/job-waiter.ts';
import { TASK_CONTAINER, TASK_DIR, taskObjectName, taskObjects } from '#src/runtime/kubernetes/task-manifest.ts';
import { taskStagingSecretName, type TaskJobClient } from '#src/runtime/kubernetes/task-objects.ts';
import { stagingSecretOf, type StagingPlan, type StoreCredential } from '#src/runtime/kubernetes/training-job-staging.ts';
import type { TrainingJobWatch } from '#src/runtime/kubernetes/training-job-watch.ts';
import type { LocalPool } from '#src/runtime/local/local-pool.ts';
import type { Logger } from '#src/runtime/logger.ts';
import type { ObjectPath } from '#src/storage/obs-path.ts';
import type { ObjectStore } from '#src/storage/object-store.ts';
import { INPUT_PAGE } from './inputs.ts';
import type { InputFile } from './operators/context.ts';
import type { StoredTemplate } from './run-operators.ts';
import { FILES_DIR, JOB_FILE, placeDir, RESULTS_DIR, RESULTS_FILE, stagedPlaces, SUMMARY_FILE, type StagedJob, type StagedResult } from './staged-files.ts';

/** Where Atelier's image holds its command line (deploy/atelier.Dockerfile: WORKDIR /app). */
export const IMAGE_ATELIER_BIN = '/app/bin/atelier.mjs';
/** What a processing pod asks for: sharp's work is CPU-bound, one image per core. */
export const PROCESSING_SHARE = { cpu: 1, memoryMb: 2048 };
/** The most of a job file or summary read back. */
const MAX_JSON_BYTES = 512 * 1024 * 1024;

export interface KubeProcessingParts {
  namespace: string;
  /** Atelier's own image (--kube-atelier-image). */
  image: string;
  /** The object store's bucket behind an API bucket name, as the pod addresses it. */
  realBucket: (bucket: string) => string;
  /** How the pod reaches the object store; undefined for a local fs store, which no pod can reach. */
  credential: StoreCredential | undefined;
  client: TaskJobClient;
  /** Made with the status callback; follows the Jobs of tasks. */
  watch: (onStatus: (id: string, status: MappedStatus) => void) => TrainingJobWatch;
  /** The installation's closed networks and pull secrets, for every pod. */
  defaults: WorkloadDefaults;
  /** Where a version's pod holds its share while it runs: the cluster's nodes. */
  pool: Pick<LocalPool, 'reserve' | 'set' | 'release' | 'free'>;
}

export interface KubeVersionRun {
  versionId: string;
  projectId: string;
  /** The version's name, as the pool shows who holds it. */
  taskName: string;
  template: StoredTemplate;
  /** The run's output folder (an empty bucket when the template writes nothing). */
  output: { bucket: string; key: string };
  /** Where the job file and the results pass through (stagingFolder); undefined when there is nowhere. */
  stage: ObjectPath | undefined;
  /** The input files, listed only when no Job of an earlier run exists. */
  files(): Promise<InputFile[]>;
  /** Aborted on a stop or when the server stops; `stopped` tells which. */
  signal: AbortSignal;
  stopped(): Promise<boolean>;
}

export interface KubeVersionResult {
  files: InputFile[];
  results: AsyncIterable<StagedResult>;
  summary: unknown;
  /** Deletes the Job and the staging folder; once the results have been recorded. */
  finish(): Promise<void>;
}

/** The folder a version's job file and results pass through: inside its output folder, else in its first input's bucket. */
export function stagingFolder(versionId: string, output: { bucket: string; key: string }, inputBucket: string | undefined): ObjectPath | undefined {
  if (output.bucket !== '') return { bucket: output.bucket, key: `${output.key}.staging/` };
  return inputBucket ? { bucket: inputBucket, key: `.atelier-staging/processing/${versionId}/` } : undefined;
}

export class KubeProcessing {
  private readonly jobs: JobWaiter;

  constructor(
    private readonly kube: KubeProcessingParts,
    private readonly objects: ObjectStore,
    private readonly log: Logger,
  ) {
    this.jobs = new JobWaiter(kube.watch, kube.client, 'processing', TASK_CONTAINER);
  }

  async run(v: KubeVersionRun): Promise<KubeVersionResult> {
    const credential = this.kube.credential;
    if (!credential) throw new Error('the kubernetes executor needs an S3-compatible object store its pods can reach (--object-store s3)');
    await this.jobs.start();
    const id = v.versionId;
    const at = v.stage;
    if (!at) throw new Error('the version has no output folder and no input bucket to stage its files in');
    const adopted = await this.kube.client.jobExists(id);
    // the pod's share is taken before its Job is made; a Job under way before a restart has it already
    const key = `processing-${id}`;
    const holder = { kind: 'processing task' as const, id, name: v.taskName, projectId: v.projectId };
    if (adopted) this.kube.pool.set(key, PROCESSING_SHARE, holder);
    else if (!this.kube.pool.reserve(key, PROCESSING_SHARE, holder)) {
      const free = this.kube.pool.free(key);
      throw new Error(
        `the cluster has no room for the processing pod (${PROCESSING_SHARE.cpu} core, ${PROCESSING_SHARE.memoryMb} MB) now: ${free.cpu} cores and ${free.memoryMb} MB free`,
      );
    }
    try {
      return await this.follow(v, at, adopted, credential);
    } finally {
      this.kube.pool.release(key);
    }
  }

  /** Makes the version's Job (or adopts it) and follows it to its end; its results once it completed. */
  private async follow(v: KubeVersionRun, at: ObjectPath, adopted: boolean, credential: StoreCredential): Promise<KubeVersionResult> {
    const id = v.versionId;
    let job: StagedJob;
    if (adopted) {
      // the Job of an earlier run (before a restart) is followed as it is, with the job file it was given
      job = JSON.parse(await this.objects.readText(at.bucket, `${at.key}${JOB_FILE}`, MAX_JSON_BYTES)) as StagedJob;
    } else {
      const files = await v.files();
      job = { template: v.template, files, output: v.output, pageSize: INPUT_PAGE, concurrency: Math.max(1, Math.floor(PROCESSING_SHARE.cpu)) };
      await this.objects.deletePrefix(at.bucket, at.key);
      await this.objects.put(at.bucket, `${at.key}${JOB_FILE}`, JSON.stringify(job));
    }
    const { ended } = this.jobs.wait(id);
    const onAbort = (): void => void this.aborted(v);
    v.signal.addEventListener('abort', onAbort, { once: true });
    if (v.signal.aborted) onAbort();
    try {
      const objects = taskObjects({
        taskId: id,
        projectId: v.projectId,
        namespace: this.kube.namespace,
        ...this.kube.defaults,
        type: 'processing',
        image: this.kube.image,
        command: ['node', IMAGE_ATELIER_BIN, 'process', 'run', TASK_DIR],
        stagingSecret: taskStagingSecretName(id),
        env: { UV_THREADPOOL_SIZE: String(Math.max(4, job.concurrency)) },
        share: PROCESSING_SHARE,
      });
      const secret = stagingSecretOf(taskStagingSecretName(id), this.kube.namespace, objects.job.metadata?.labels ?? {}, this.planOf(at, job), credential);
      const made = await this.kube.client.apply({ ...objects, secret });
      if (made === 'existed') this.log.info({ version: id }, `the Job ${taskObjectName(id)} of an earlier run exists: following it`);
      this.jobs.follow(id);
      await ended;
    } catch (e) {
      this.jobs.settle(id, e instanceof Error ? e : new Error(String(e)));
      // a failed run leaves nothing behind; a stopped one is cleaned by aborted(), a detached one keeps its files
      if (!v.signal.aborted) {
        await this.kube.client.remove(id).catch((err: unknown) => this.log.warn({ err, version: id }, "removing a version's Job failed"));
        await this.objects.deletePrefix(at.bucket, at.key).catch(() => 0);
      }
      throw e;
    } finally {
      v.signal.removeEventListener('abort', onAbort);
    }
    const summary = (JSON.parse(await this.objects.readText(at.bucket, `${at.key}${RESULTS_DIR}/${SUMMARY_FILE}`, MAX_JSON_BYTES)) as { summary: unknown })
      .summary;
    return {
      files: job.files,
      results: this.results(at),
      summary,
      finish: async () => {
        await this.kube.client.remove(id);
        await this.objects.deletePrefix(at.bucket, at.key);
      },
    };
  }

  /** Deletes the Jobs of processing versions that no longer run (their row gone or ended); returns their ids. */
  async removeOrphans(isActive: (versionId: string) => Promise<boolean>): Promise<string[]> {
    return this.kube.client.removeOrphans('processing', async (id) => this.jobs.has(id) || (await isActive(id)));
  }

  /** Stops watching; runs still waiting end when the task queue aborts them, which keeps their Jobs. */
  async close(): Promise<void> {
    await this.jobs.close();
  }

  private planOf(stage: ObjectPath, job: StagedJob): StagingPlan {
    const real = this.kube.realBucket;
    const files = posix.join(TASK_DIR, FILES_DIR);
    const places = stagedPlaces(job.files).map((p, i) => ({ name: `files-${i}`, bucket: real(p.bucket), key: p.key, dir: placeDir(files, p) }));
    const jobDir = posix.join(TASK_DIR, posix.dirname(JOB_FILE));
    return {
      inputs: [{ name: 'job', bucket: real(stage.bucket), key: `${stage.key}${JOB_FILE}`, dir: jobDir }, ...places],
      outputs: [
        ...(job.output.bucket !== '' ? [{ name: 'output', bucket: real(job.output.bucket), key: job.output.key, dir: placeDir(files, job.output) }] : []),
        { name: 'results', bucket: real(stage.bucket), key: `${stage.key}${RESULTS_DIR}/`, dir: posix.join(TASK_DIR, RESULTS_DIR) },
      ],
    };
  }

  private async *results(stage: ObjectPath): AsyncGenerator<StagedResult> {
    const lines = createInterface({ input: await this.objects.get(stage.bucket, `${stage.key}${RESULTS_DIR}/${RESULTS_FILE}`), crlfDelay: Infinity });
    for await (const line of lines) if (line !== '') yield JSON.parse(line) as StagedResult;
  }

  /** A stop deletes the Job at once; a server that stops leaves it to be adopted. */
  private async aborted(v: KubeVersionRun): Promise<void> {
    const stop = await v.stopped().catch(() => false);
    this.jobs.settle(v.versionId, v.signal.reason instanceof Error ? v.signal.reason : new Error('stopped'));
    if (!stop) return;
    await this.kube.client.remove(v.versionId).catch((err: unknown) => this.log.error({ err, version: v.versionId }, "removing a version's Job failed"));
    if (v.stage) await this.objects.deletePrefix(v.stage.bucket, v.stage.key).catch(() => 0);
  }
}
