// What an intelligent task (auto-labeling, feature analysis) or a processing task becomes on Kubernetes: a Job of one
// pod. Staging works as for training jobs, from the task's staging Secret (plan.json: its program folder as the code,
// its inputs and outputs; store.json; stage.py): an init container downloads into the task's folder, and the main
// container runs the program through stage.py, which uploads the outputs once it has succeeded. The pod never
// restarts: a failed task is failed, as on the local executor.
import type { V1Job, V1NetworkPolicy, V1ServiceAccount } from '@kubernetes/client-node';
import { resourceLabels } from './labels.ts';
import { stagingParts, workloadEnv } from './staging-parts.ts';
import {
  CONTAINER_SECURITY,
  flavorResources,
  imagePullSecretsOf,
  podSecurity,
  workloadNetworkPolicy,
  workloadServiceAccount,
  type WorkloadBase,
} from './workload-isolation.ts';

/** Which of the two task families a Job runs. */
export const LABEL_TASK_TYPE = 'atelier.io/task-type';
export type TaskType = 'intelligent' | 'processing' | 'batch' | 'prelabel';
export const TASK_CONTAINER = 'task';
export const TASK_DIR = '/task';

export interface TaskWorkload extends WorkloadBase {
  taskId: string;
  type: TaskType;
  /** The program and its arguments, run in TASK_DIR. */
  command: string[];
  /** The Secret with the staging plan (folders below TASK_DIR), the store's key and stage.py. */
  stagingSecret: string;
  env: Record<string, string>;
  share: { cpu: number; memoryMb: number; gpu?: number };
  /** The task's time limit. */
  deadlineSeconds?: number;
  /** The PriorityClass of the pool the task runs in, which the pool's ResourceQuota counts. */
  priorityClassName?: string;
}

export interface TaskObjects {
  serviceAccount: V1ServiceAccount;
  networkPolicy: V1NetworkPolicy;
  job: V1Job;
}

export function taskObjectName(taskId: string): string {
  const name = `ma-task-${taskId}`.toLowerCase();
  if (name.length > 63) throw new Error(`${name} is longer than a Kubernetes name may be`);
  return name;
}

export function taskObjects(w: TaskWorkload): TaskObjects {
  if (w.command.length === 0) throw new Error('the command is empty');
  if (w.deadlineSeconds !== undefined && (!Number.isInteger(w.deadlineSeconds) || w.deadlineSeconds < 1))
    throw new Error(`deadline ${w.deadlineSeconds} is not a positive number of seconds`);
  const name = taskObjectName(w.taskId);
  const labels = { ...resourceLabels('task', w.taskId, w.projectId), [LABEL_TASK_TYPE]: w.type };
  const metadata = { name, namespace: w.namespace, labels };
  const uid = w.runAsUser ?? 1000;
  const resources = flavorResources(w.share);
  const platform: Record<string, string> = { HOME: `${TASK_DIR}/.home`, PYTHONUNBUFFERED: '1', MA_TASK_ID: w.taskId };
  const env = workloadEnv(w.env, platform);
  const staging = stagingParts(w.stagingSecret);
  const mounts = [{ name: 'task', mountPath: TASK_DIR }, { name: 'tmp', mountPath: '/tmp' }, staging.mount];
  const job: V1Job = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata,
    spec: {
      backoffLimit: 0,
      ...(w.deadlineSeconds ? { activeDeadlineSeconds: w.deadlineSeconds } : {}),
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: name,
          automountServiceAccountToken: false,
          ...imagePullSecretsOf(w),
          enableServiceLinks: false,
          restartPolicy: 'Never',
          ...(w.nodeSelector ? { nodeSelector: w.nodeSelector } : {}),
          ...(w.priorityClassName ? { priorityClassName: w.priorityClassName } : {}),
          securityContext: podSecurity(uid),
          initContainers: [staging.stageInContainer('stage-in', w, '/tmp', { requests: resources, limits: resources }, mounts)],
          containers: [
            {
              name: TASK_CONTAINER,
              image: w.image,
              imagePullPolicy: w.imagePullPolicy ?? 'IfNotPresent',
              command: staging.runThenUpload(w.command),
              workingDir: TASK_DIR,
              env,
              resources: { requests: resources, limits: resources },
              securityContext: CONTAINER_SECURITY,
              volumeMounts: mounts,
            },
          ],
          volumes: [{ name: 'task', emptyDir: {} }, { name: 'tmp', emptyDir: {} }, staging.volume],
        },
      },
    },
  };
  return {
    serviceAccount: workloadServiceAccount(metadata),
    networkPolicy: workloadNetworkPolicy(metadata, w.taskId, [], w.closedNetworks ?? []),
    job,
  };
}
