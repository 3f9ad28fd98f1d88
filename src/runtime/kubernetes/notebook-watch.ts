// Where each notebook instance's pod stands, from watches: informers on the managed notebook StatefulSets and their
// pods keep a cache, and every change to an instance's objects calls `onChange` with its id. A watch that breaks is
// started again (the informer lists afresh). `podState` reads the instance's pod from the cache.
import { AppsV1Api, CoreV1Api, makeInformer, type Informer, type KubeConfig, type ObjectCache, type V1Pod, type V1StatefulSet } from '@kubernetes/client-node';
import { LABEL_ID } from './labels.ts';
import { NOTEBOOK_SELECTOR } from './notebook-objects.ts';

/** A pod's standing: none yet (or gone), on its way, Ready at an address, or failed with the kubelet's reason. */
export type NotebookPodState = { kind: 'absent' } | { kind: 'pending'; reason: string } | { kind: 'ready'; podIp: string } | { kind: 'failed'; reason: string };

/** Waiting reasons a pod does not recover from without a change to its spec (or its image being pushed). */
const FATAL_WAITING = new Set([
  'ImagePullBackOff',
  'ErrImagePull',
  'InvalidImageName',
  'CrashLoopBackOff',
  'CreateContainerConfigError',
  'CreateContainerError',
]);

export function notebookPodState(pod: V1Pod | undefined): NotebookPodState {
  if (!pod || pod.metadata?.deletionTimestamp) return { kind: 'absent' };
  const status = pod.status ?? {};
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

export class NotebookWatch {
  private readonly sets: Informer<V1StatefulSet> & ObjectCache<V1StatefulSet>;
  private readonly pods: Informer<V1Pod> & ObjectCache<V1Pod>;
  private stopped = false;

  constructor(
    kc: KubeConfig,
    readonly namespace: string,
    private readonly onChange: (notebookId: string) => void,
  ) {
    const apps = kc.makeApiClient(AppsV1Api);
    const core = kc.makeApiClient(CoreV1Api);
    this.sets = makeInformer(
      kc,
      `/apis/apps/v1/namespaces/${namespace}/statefulsets`,
      () => apps.listNamespacedStatefulSet({ namespace, labelSelector: NOTEBOOK_SELECTOR }),
      NOTEBOOK_SELECTOR,
    );
    this.pods = makeInformer(
      kc,
      `/api/v1/namespaces/${namespace}/pods`,
      () => core.listNamespacedPod({ namespace, labelSelector: NOTEBOOK_SELECTOR }),
      NOTEBOOK_SELECTOR,
    );
    for (const informer of [this.sets, this.pods] as const) {
      const changed = (obj: V1StatefulSet | V1Pod) => {
        const id = obj.metadata?.labels?.[LABEL_ID];
        if (id) this.onChange(id);
      };
      const i = informer as Informer<V1StatefulSet | V1Pod>;
      i.on('add', changed);
      i.on('update', changed);
      i.on('delete', changed);
      informer.on('error', () => {
        if (this.stopped) return;
        setTimeout(() => void (this.stopped ? undefined : informer.start().catch(() => undefined)), 1000);
      });
    }
  }

  async start(): Promise<void> {
    await Promise.all([this.sets.start(), this.pods.start()]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([this.sets.stop(), this.pods.stop()]);
  }

  /** The instance's StatefulSet in the cache, if any. */
  statefulSet(notebookId: string): V1StatefulSet | undefined {
    return this.sets.list(this.namespace).find((s) => s.metadata?.labels?.[LABEL_ID] === notebookId);
  }

  /** The instance's pods in the cache (one, or none while stopped). */
  podsOf(notebookId: string): V1Pod[] {
    return this.pods.list(this.namespace).filter((p) => p.metadata?.labels?.[LABEL_ID] === notebookId);
  }

  podState(notebookId: string): NotebookPodState {
    return notebookPodState(this.podsOf(notebookId).find((p) => !p.metadata?.deletionTimestamp));
  }
}
