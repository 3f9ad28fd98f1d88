// Where each notebook instance's pod stands, from the watches on its StatefulSet and pods (workload-watch.ts).
// `podState` reads the instance's pod from the cache.
import type { KubeConfig, V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import { k8s } from './k8s.ts';
import { PRE_START_CONTAINER } from './notebook-manifest.ts';
import { NOTEBOOK_SELECTOR } from './notebook-objects.ts';
import { FATAL_WAITING, WorkloadWatch } from './workload-watch.ts';

/** A pod's standing: none yet (or gone), on its way, Ready at an address, or failed with the kubelet's reason. */
export type NotebookPodState = { kind: 'absent' } | { kind: 'pending'; reason: string } | { kind: 'ready'; podIp: string } | { kind: 'failed'; reason: string };

export function notebookPodState(pod: V1Pod | undefined): NotebookPodState {
  if (!pod || pod.metadata?.deletionTimestamp) return { kind: 'absent' };
  const status = pod.status ?? {};
  const hook = status.initContainerStatuses?.find((c) => c.name === PRE_START_CONTAINER);
  const hookWaiting = hook?.state?.waiting;
  if (hookWaiting?.reason && FATAL_WAITING.has(hookWaiting.reason) && hookWaiting.reason !== 'CrashLoopBackOff')
    return { kind: 'failed', reason: `${hookWaiting.reason}: ${hookWaiting.message ?? ''}`.trim() };
  // Under the StatefulSet's restart policy a failed hook is run again: its first failure ends the start.
  const hookEnded = hook?.state?.terminated ?? hook?.lastState?.terminated;
  if (hookEnded && hookEnded.exitCode !== 0)
    return { kind: 'failed', reason: `the pre_start hook failed (exit ${hookEnded.exitCode}); its output is the log of container ${PRE_START_CONTAINER}` };
  const container = status.containerStatuses?.[0];
  const waiting = container?.state?.waiting;
  if (waiting?.reason && FATAL_WAITING.has(waiting.reason)) return { kind: 'failed', reason: `${waiting.reason}: ${waiting.message ?? ''}`.trim() };
  const terminated = container?.state?.terminated;
  if (status.phase === 'Failed' || status.phase === 'Succeeded' || terminated) {
    const why = status.reason ?? terminated?.reason ?? status.phase ?? 'Terminated';
    const code = terminated?.exitCode !== undefined ? ` (exit ${terminated.exitCode})` : '';
    return { kind: 'failed', reason: `${why}${code}${status.message ? `: ${status.message}` : ''}` };
  }
  const ready = status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
  if (status.phase === 'Running' && ready && status.podIP) return { kind: 'ready', podIp: status.podIP };
  const unschedulable = status.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
  if (unschedulable) return { kind: 'pending', reason: `${unschedulable.reason ?? 'Unschedulable'}: ${unschedulable.message ?? ''}`.trim() };
  if (waiting?.reason) return { kind: 'pending', reason: `${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}` };
  return { kind: 'pending', reason: status.phase === 'Running' ? 'Jupyter is not ready yet' : `the pod is ${status.phase ?? 'being made'}` };
}

export class NotebookWatch extends WorkloadWatch<V1StatefulSet> {
  constructor(kc: KubeConfig, namespace: string, onChange: (notebookId: string, pod?: V1Pod) => void) {
    const apps = kc.makeApiClient(k8s().AppsV1Api);
    const path = `/apis/apps/v1/namespaces/${namespace}/statefulsets`;
    super(kc, namespace, NOTEBOOK_SELECTOR, { path, list: () => apps.listNamespacedStatefulSet({ namespace, labelSelector: NOTEBOOK_SELECTOR }) }, onChange);
  }

  /** The instance's StatefulSet in the cache, if any. */
  statefulSet(notebookId: string): V1StatefulSet | undefined {
    return this.ownersOf(notebookId)[0];
  }

  /** The instance's pods in the cache (one, or none while stopped). */
  podsOf(notebookId: string): V1Pod[] {
    return this.allPodsOf(notebookId);
  }

  podState(notebookId: string): NotebookPodState {
    return notebookPodState(this.podsOf(notebookId).find((p) => !p.metadata?.deletionTimestamp));
  }
}
