// Inputs and outputs of a training job's pods. Atelier checks every object store path against the project's buckets
// first, then writes a per-job Secret holding the staging plan (where the code, each input and each output go) and the
// object store credential the pods use; the Secret is deleted with the job. An init container of the Job runs
// stage.py to download the code and the inputs into the job's folder; the worker container runs the job's command
// through stage.py, which uploads the outputs when the command exits 0 and exits with the command's code.
import { readFileSync } from 'node:fs';
import type { V1Job, V1Secret } from '@kubernetes/client-node';
import { resourceLabels } from './labels.ts';
import { trainingJobObjectName, WORKER_CONTAINER } from './training-job-manifest.ts';

/** A location in the object store, by its real bucket (after the store's bucket map). */
export interface StoreLocation {
  bucket: string;
  key: string;
}

export interface StagingPlan {
  /** The code folder, downloaded to `dir`; none where the program is in the image (a task's learner). */
  code?: StoreLocation & { dir: string };
  /** Each input: a folder (key ending in /, or empty) or one object, downloaded into `dir`. */
  inputs: (StoreLocation & { name: string; dir: string })[];
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
/** Where the Secret is mounted in both containers (read-only). */
export const STAGING_DIR = '/atelier/staging';
const STAGING_VOLUME = 'staging';

export const stagingSecretName = (jobId: string) => `${trainingJobObjectName(jobId)}-staging`;

const STAGE_SCRIPT = readFileSync(new URL('./stage.py', import.meta.url), 'utf8');

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
      'stage.py': STAGE_SCRIPT,
    },
  };
}

/** The Job with its staging: the init container that downloads, and the worker's command wrapped to upload at the end. */
export function withStaging(job: V1Job, jobId: string): V1Job {
  const pod = job.spec!.template.spec!;
  const worker = pod.containers.find((c) => c.name === WORKER_CONTAINER)!;
  const mount = { name: STAGING_VOLUME, mountPath: STAGING_DIR, readOnly: true };
  const script = `${STAGING_DIR}/stage.py`;
  const plan = `${STAGING_DIR}/plan.json`;
  const staged = {
    ...worker,
    command: ['python3', '-u', script, 'run', plan, '--', ...(worker.command ?? [])],
    volumeMounts: [...(worker.volumeMounts ?? []), mount],
  };
  const init = {
    name: STAGING_INIT_CONTAINER,
    image: worker.image,
    imagePullPolicy: worker.imagePullPolicy,
    command: ['python3', '-u', script, 'in', plan],
    env: [{ name: 'HOME', value: '/tmp' }],
    resources: worker.resources,
    securityContext: worker.securityContext,
    volumeMounts: (worker.volumeMounts ?? []).filter((m) => m.name !== STAGING_VOLUME).concat(mount),
  };
  return {
    ...job,
    spec: {
      ...job.spec!,
      template: {
        ...job.spec!.template,
        spec: {
          ...pod,
          initContainers: [init],
          containers: pod.containers.map((c) => (c.name === WORKER_CONTAINER ? staged : c)),
          volumes: [...(pod.volumes ?? []), { name: STAGING_VOLUME, secret: { secretName: stagingSecretName(jobId), defaultMode: 0o440 } }],
        },
      },
    },
  };
}
