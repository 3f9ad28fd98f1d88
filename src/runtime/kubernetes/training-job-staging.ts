// Inputs and outputs of a training job's pods. Atelier checks every object store path against the project's buckets
// first, then writes a per-job Secret holding the staging plan (where the code, each input and each output go) and the
// object store credential the pods use; the Secret is deleted with the job.
// The worker runs the user's code, so the credential never reaches it: it mounts the plan and stage.py alone. The
// containers that hold the credential run the staging image (Atelier's runtime image, never the job's own): an init
// container downloads the code and the inputs into the job's folder, and a sidecar uploads the outputs when the
// worker's command exited 0 and asked for it through a folder they share (stage.py handoff/out); the worker waits for
// the answer and exits with the command's code, or 1 when the upload failed.
import { readFileSync } from 'node:fs';
import type { V1Job, V1ResourceRequirements, V1Secret } from '@kubernetes/client-node';
import { resourceLabels } from './labels.ts';
import { cpuCores, memoryMb } from './node-capacity.ts';
import { flavorResources } from './workload-isolation.ts';
import { trainingJobObjectName, WORKER_CONTAINER } from './training-job-manifest.ts';

/** A location in the object store, by its real bucket (after the store's bucket map). */
export interface StoreLocation {
  bucket: string;
  key: string;
}

export interface StagingPlan {
  /** The code folder, downloaded to `dir`; none where the program is in the image (a task's learner). */
  code?: StoreLocation & { dir: string };
  /** Each input: a folder (key ending in /, or empty) or one object, downloaded into `dir`; by the pod of completion index `shard` alone when set. */
  inputs: (StoreLocation & { name: string; dir: string; shard?: number })[];
  /** Each output folder, uploaded below `key` when the command succeeds. */
  outputs: (StoreLocation & { name: string; dir: string })[];
}

/** How the pods reach the object store (an S3-compatible endpoint) and with which key. */
export interface StoreCredential {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  pathStyle: boolean;
}

export const STAGING_INIT_CONTAINER = 'stage-in';
export const STAGING_OUT_CONTAINER = 'stage-out';
/** Where the Secret is mounted (read-only): whole in the staging containers, without store.json in the worker. */
export const STAGING_DIR = '/atelier/staging';
/** The folder the worker and the uploader share to ask for the upload and answer. */
export const EXCHANGE_DIR = '/atelier/exchange';
const STAGING_VOLUME = 'staging';
const PLAN_VOLUME = 'staging-plan';
const EXCHANGE_VOLUME = 'exchange';
/** The uploader's own share, which the worker's flavor gives up: it only streams files. */
const UPLOADER = { cpu: 0.05, memoryMb: 64 };

export const stagingSecretName = (jobId: string) => `${trainingJobObjectName(jobId)}-staging`;

/** stage.py, read when a Secret is first made (the CLI bundle imports this file but has no stage.py beside it). */
let stageScript: string | undefined;
const STAGE_SCRIPT = () => (stageScript ??= readFileSync(new URL('./stage.py', import.meta.url), 'utf8'));

export function stagingSecret(jobId: string, projectId: string, namespace: string, plan: StagingPlan, credential: StoreCredential): V1Secret {
  return stagingSecretOf(stagingSecretName(jobId), namespace, resourceLabels('training-job', jobId, projectId), plan, credential);
}

/** A staging Secret of any workload: its plan, the store's credential and stage.py, under the workload's labels. */
export function stagingSecretOf(name: string, namespace: string, labels: Record<string, string>, plan: StagingPlan, credential: StoreCredential): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace, labels },
    type: 'Opaque',
    stringData: {
      'plan.json': JSON.stringify(plan),
      'store.json': JSON.stringify(credential),
      'stage.py': STAGE_SCRIPT(),
    },
  };
}

/** The worker's share less the uploader's, so the pod asks for what the flavor gives. */
function workerShare(resources: V1ResourceRequirements | undefined): V1ResourceRequirements | undefined {
  const limits = resources?.limits;
  if (!limits?.cpu || !limits.memory) return resources;
  const cpu = Math.max(0.01, cpuCores(limits.cpu) - UPLOADER.cpu);
  const mem = Math.max(UPLOADER.memoryMb, memoryMb(limits.memory) - UPLOADER.memoryMb);
  const share = { ...limits, ...flavorResources({ cpu, memoryMb: mem }) };
  return { requests: share, limits: share };
}

/**
 * The Job with its staging: the init container that downloads, the uploader sidecar, and the worker's command
 * wrapped to hand the upload over. `stagingImage` runs the containers that hold the credential.
 */
export function withStaging(job: V1Job, jobId: string, stagingImage: string): V1Job {
  const pod = job.spec!.template.spec!;
  const secretName = stagingSecretName(jobId);
  const worker = pod.containers.find((c) => c.name === WORKER_CONTAINER)!;
  const mount = { name: STAGING_VOLUME, mountPath: STAGING_DIR, readOnly: true };
  const exchange = { name: EXCHANGE_VOLUME, mountPath: EXCHANGE_DIR };
  const script = `${STAGING_DIR}/stage.py`;
  const plan = `${STAGING_DIR}/plan.json`;
  const workerMounts = (worker.volumeMounts ?? []).filter((m) => m.name !== STAGING_VOLUME);
  const staged = {
    ...worker,
    command: ['python3', '-u', script, 'handoff', EXCHANGE_DIR, '--', ...(worker.command ?? [])],
    resources: workerShare(worker.resources),
    volumeMounts: [...workerMounts, { name: PLAN_VOLUME, mountPath: STAGING_DIR, readOnly: true }, exchange],
  };
  const stagingContainer = { image: stagingImage, imagePullPolicy: worker.imagePullPolicy, env: [{ name: 'HOME', value: '/tmp' }] };
  const init = {
    ...stagingContainer,
    name: STAGING_INIT_CONTAINER,
    command: ['python3', '-u', script, 'in', plan],
    resources: worker.resources,
    securityContext: worker.securityContext,
    volumeMounts: [...workerMounts, mount],
  };
  const uploaderShare = flavorResources(UPLOADER);
  // A native sidecar (an init container that keeps running): it runs beside the worker and stops with it.
  const uploader = {
    ...stagingContainer,
    name: STAGING_OUT_CONTAINER,
    restartPolicy: 'Always',
    command: ['python3', '-u', script, 'out', plan, EXCHANGE_DIR],
    resources: { requests: uploaderShare, limits: uploaderShare },
    securityContext: worker.securityContext,
    volumeMounts: [...workerMounts, mount, exchange],
  };
  return {
    ...job,
    spec: {
      ...job.spec!,
      template: {
        ...job.spec!.template,
        spec: {
          ...pod,
          initContainers: [init, uploader],
          containers: pod.containers.map((c) => (c.name === WORKER_CONTAINER ? staged : c)),
          volumes: [
            ...(pod.volumes ?? []),
            { name: STAGING_VOLUME, secret: { secretName, defaultMode: 0o440 } },
            {
              name: PLAN_VOLUME,
              secret: {
                secretName,
                defaultMode: 0o440,
                items: [
                  { key: 'plan.json', path: 'plan.json' },
                  { key: 'stage.py', path: 'stage.py' },
                ],
              },
            },
            { name: EXCHANGE_VOLUME, emptyDir: {} },
          ],
        },
      },
    },
  };
}
