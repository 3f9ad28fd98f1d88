// What one run of a batch service (or of pre-labeling) becomes on Kubernetes: a task Job (task-manifest.ts) of one pod,
// or for a batch service an indexed Job of one pod per instance (each its shard of the files, by completion index),
// whose command is Atelier's own (`atelier batch run`, `atelier prelabel run`), with the model server beside it as a native sidecar (an init container that
// keeps running, Kubernetes 1.29+): the server container exactly as a real-time version's pod runs it (Atelier's model
// server on the model's staged files, or an Image model's own image), given a startup probe so the command starts only
// once the server answers. The stage-in container also downloads the model's files for the server; the server mounts
// them read-only and never the staging Secret (it runs the user's code), and has a /tmp of its own.
import type { V1Container, V1Probe } from '@kubernetes/client-node';
import { MODEL_CONTAINER, MODEL_DIR } from './service-manifest.ts';
import { taskObjects, type TaskObjects, type TaskWorkload } from './task-manifest.ts';

export interface BatchWorkload extends Omit<TaskWorkload, 'type'> {
  type: 'batch' | 'prelabel';
  /** The model server container of a real-time version's pod (service-manifest.ts or image-service-manifest.ts). */
  server: V1Container;
  /** An indexed Job of this many pods, all at once; a plain Job of one pod when absent. */
  shards?: number;
}

/** How long a model server may take to answer its first probe: a model may load for minutes. */
const STARTUP_PERIOD_SECONDS = 2;
const STARTUP_FAILURES = 450;

function startupProbe(readiness: V1Probe | undefined): V1Probe | undefined {
  if (!readiness) return undefined;
  const { httpGet, tcpSocket, initialDelaySeconds, timeoutSeconds } = readiness;
  return {
    ...(httpGet ? { httpGet } : {}),
    ...(tcpSocket ? { tcpSocket } : {}),
    ...(initialDelaySeconds ? { initialDelaySeconds } : {}),
    ...(timeoutSeconds ? { timeoutSeconds } : {}),
    periodSeconds: STARTUP_PERIOD_SECONDS,
    failureThreshold: STARTUP_FAILURES,
  };
}

export function batchObjects(w: BatchWorkload): TaskObjects {
  const { server, shards, ...task } = w;
  if (server.name !== MODEL_CONTAINER) throw new Error(`the model server container is named ${server.name ?? ''}, not ${MODEL_CONTAINER}`);
  if (shards !== undefined && (!Number.isInteger(shards) || shards < 1)) throw new Error(`${shards} is not a number of pods`);
  const objects = taskObjects(task);
  // backoffLimit 0 stays: one pod that fails fails the run, as the one pod of a run does
  if (shards !== undefined) Object.assign(objects.job.spec!, { completionMode: 'Indexed', completions: shards, parallelism: shards });
  const pod = objects.job.spec!.template.spec!;
  const stagesModel = server.volumeMounts?.some((m) => m.name === 'model') ?? false;
  const stageIn = pod.initContainers![0]!;
  if (stagesModel) stageIn.volumeMounts = [...(stageIn.volumeMounts ?? []), { name: 'model', mountPath: MODEL_DIR }];
  const probe = startupProbe(server.readinessProbe);
  const sidecar: V1Container = {
    ...server,
    restartPolicy: 'Always',
    ...(probe ? { startupProbe: probe } : {}),
    volumeMounts: (server.volumeMounts ?? []).map((m) => (m.name === 'tmp' ? { ...m, name: 'server-tmp' } : m)),
  };
  pod.initContainers = [stageIn, sidecar];
  pod.volumes = [...(pod.volumes ?? []), ...(stagesModel ? [{ name: 'model', emptyDir: {} }] : []), { name: 'server-tmp', emptyDir: {} }];
  return objects;
}
