// What a training job becomes on Kubernetes: an indexed Job with one pod per node (the completion index is the rank),
// a headless Service that gives each pod a stable name for the others to reach (<job>-<rank>.<job>), a ServiceAccount
// of its own that mounts no API token, and a NetworkPolicy: only the job's own pods reach its pods, and its pods reach
// each other, DNS, and any address but the networks named closed (Atelier's database, the cluster's pods). Each pod gets the environment the local executor gives a node
// (MA_JOB_DIR, MA_JOB_ID, MA_VJ_NAME, MA_TASK_NAME, MA_TASK_INDEX / VC_TASK_INDEX, MA_NUM_HOSTS), the flavor's share of
// one node as requests and limits, and runs as a non-root user with no privilege escalation and a read-only root.
import type { V1EnvVar, V1Job, V1NetworkPolicy, V1Service, V1ServiceAccount } from '@kubernetes/client-node';
import { LABEL_ID, resourceLabels } from './labels.ts';
import {
  CONTAINER_SECURITY,
  flavorResources,
  imagePullSecretsOf,
  openEgress,
  podSecurity,
  workloadServiceAccount,
  type WorkloadBase,
} from './workload-isolation.ts';

/** The pod annotation the Job controller writes the completion index into. */
export const COMPLETION_INDEX_ANNOTATION = 'batch.kubernetes.io/job-completion-index';
export const WORKER_CONTAINER = 'worker';

export interface TrainingJobWorkload extends WorkloadBase {
  jobId: string;
  /** Pods, one per node (1 to 64). */
  nodeCount: number;
  /** Executable and arguments (the engine's runtime, the boot file, the --name=value parameters). */
  command: string[];
  /** Working folder of the command. */
  workingDir: string;
  /** MA_JOB_DIR: a writable folder in every pod (an emptyDir). */
  jobDir: string;
  /** Channel folders outside jobDir (a channel's own local_dir), each an emptyDir of its own. */
  channelVolumes?: string[];
  /** The channels' and the user's variables; MA_* and VC_* from here are overridden by the platform's. */
  env: Record<string, string>;
  /** The flavor's share of one node. */
  perNode: { cpu: number; memoryMb: number; gpu?: number };
  /** The pool's PriorityClass, which its ResourceQuota counts (pool-quota.ts). */
  priorityClassName?: string;
}

export interface TrainingJobObjects {
  serviceAccount: V1ServiceAccount;
  networkPolicy: V1NetworkPolicy;
  service: V1Service;
  job: V1Job;
}

/** Name of every object of a job (a DNS label: at most 63 characters). */
export const trainingJobObjectName = (jobId: string) => `ma-job-${jobId}`.toLowerCase();

export function trainingJobObjects(w: TrainingJobWorkload): TrainingJobObjects {
  if (!Number.isInteger(w.nodeCount) || w.nodeCount < 1 || w.nodeCount > 64) throw new Error(`node count ${w.nodeCount} is not 1 to 64`);
  if (w.command.length === 0) throw new Error('the command is empty');
  const name = trainingJobObjectName(w.jobId);
  if (name.length > 63) throw new Error(`${name} is longer than a Kubernetes name may be`);
  const labels = resourceLabels('training-job', w.jobId, w.projectId);
  const metadata = { name, namespace: w.namespace, labels };
  const uid = w.runAsUser ?? 1000;
  const platform: Record<string, string> = {
    HOME: `${w.jobDir}/.home`,
    MA_JOB_DIR: w.jobDir,
    MA_JOB_ID: w.jobId,
    MA_VJ_NAME: `modelarts-job-${w.jobId}`,
    MA_TASK_NAME: 'worker',
    MA_NUM_HOSTS: String(w.nodeCount),
    PYTHONUNBUFFERED: '1',
  };
  const env: V1EnvVar[] = [];
  for (const [k, v] of Object.entries(w.env)) {
    if (k in platform || k === 'MA_TASK_INDEX' || k === 'VC_TASK_INDEX') continue;
    env.push({ name: k, value: v });
  }
  for (const [k, v] of Object.entries(platform)) env.push({ name: k, value: v });
  // The rank is the pod's completion index, which only the Job controller knows: read from the pod's own annotation.
  const rank = { fieldRef: { fieldPath: `metadata.annotations['${COMPLETION_INDEX_ANNOTATION}']` } };
  env.push({ name: 'MA_TASK_INDEX', valueFrom: rank }, { name: 'VC_TASK_INDEX', valueFrom: rank });
  const resources = flavorResources(w.perNode);
  const channels = w.channelVolumes ?? [];
  const job: V1Job = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata,
    spec: {
      completionMode: 'Indexed',
      completions: w.nodeCount,
      parallelism: w.nodeCount,
      // A job runs whole or not at all: one failed pod fails it, as a failed node does on the local executor.
      backoffLimit: 0,
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: name,
          automountServiceAccountToken: false,
          ...imagePullSecretsOf(w),
          enableServiceLinks: false,
          restartPolicy: 'Never',
          subdomain: name,
          ...(w.nodeSelector ? { nodeSelector: w.nodeSelector } : {}),
          ...(w.priorityClassName ? { priorityClassName: w.priorityClassName } : {}),
          // One pod per node.
          affinity: {
            podAntiAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: [
                { labelSelector: { matchLabels: { [LABEL_ID]: w.jobId } }, topologyKey: 'kubernetes.io/hostname' },
              ],
            },
          },
          securityContext: podSecurity(uid),
          containers: [
            {
              name: WORKER_CONTAINER,
              image: w.image,
              imagePullPolicy: w.imagePullPolicy ?? 'IfNotPresent',
              command: w.command,
              workingDir: w.workingDir,
              env,
              resources: { requests: resources, limits: resources },
              securityContext: CONTAINER_SECURITY,
              volumeMounts: [
                { name: 'job-dir', mountPath: w.jobDir },
                { name: 'tmp', mountPath: '/tmp' },
                ...channels.map((mountPath, i) => ({ name: `channel-${i}`, mountPath })),
              ],
            },
          ],
          volumes: [{ name: 'job-dir', emptyDir: {} }, { name: 'tmp', emptyDir: {} }, ...channels.map((_, i) => ({ name: `channel-${i}`, emptyDir: {} }))],
        },
      },
    },
  };
  const service: V1Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata,
    spec: { clusterIP: 'None', selector: { [LABEL_ID]: w.jobId }, publishNotReadyAddresses: true },
  };
  const ownPods = { podSelector: { matchLabels: { [LABEL_ID]: w.jobId } } };
  const networkPolicy: V1NetworkPolicy = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata,
    spec: {
      podSelector: { matchLabels: { [LABEL_ID]: w.jobId } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ _from: [ownPods] }],
      egress: [{ to: [ownPods] }, ...openEgress(w.closedNetworks ?? [])],
    },
  };
  return { serviceAccount: workloadServiceAccount(metadata), networkPolicy, service, job };
}
