// Watches on one kind of workload object (Deployments of services, StatefulSets of notebooks) and their pods, both
// selected by Atelier's labels: informers keep a cache, and every change to a resource's objects calls `onChange` with
// the resource id its labels carry (and the pod, for a pod's change). A watch that breaks is started again (the informer lists afresh).
import type { Informer, KubeConfig, KubernetesListObject, KubernetesObject, ObjectCache, V1Pod } from '@kubernetes/client-node';
import { k8s } from './k8s.ts';
import { LABEL_ID } from './labels.ts';

/** Waiting reasons a pod does not get over without a change (its spec, its image pushed, more memory). */
export const FATAL_WAITING = new Set([
  'ImagePullBackOff',
  'ErrImagePull',
  'InvalidImageName',
  'CrashLoopBackOff',
  'CreateContainerConfigError',
  'CreateContainerError',
]);

/** The collection the owning objects are watched on: its API path and the list call an informer starts from. */
export interface WatchedKind<T extends KubernetesObject> {
  path: string;
  list: () => Promise<KubernetesListObject<T>>;
}

export class WorkloadWatch<T extends KubernetesObject> {
  private readonly owners: Informer<T> & ObjectCache<T>;
  private readonly pods: Informer<V1Pod> & ObjectCache<V1Pod>;
  private stopped = false;

  constructor(
    kc: KubeConfig,
    readonly namespace: string,
    selector: string,
    kind: WatchedKind<T>,
    onChange: (id: string, pod?: V1Pod) => void,
  ) {
    const core = kc.makeApiClient(k8s().CoreV1Api);
    this.owners = k8s().makeInformer(kc, kind.path, kind.list, selector);
    this.pods = k8s().makeInformer(kc, `/api/v1/namespaces/${namespace}/pods`, () => core.listNamespacedPod({ namespace, labelSelector: selector }), selector);
    for (const informer of [this.owners, this.pods] as const) {
      const changed = (obj: KubernetesObject) => {
        const id = obj.metadata?.labels?.[LABEL_ID];
        if (id) onChange(id, informer === this.pods ? (obj as V1Pod) : undefined);
      };
      const i = informer as Informer<KubernetesObject>;
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
    await Promise.all([this.owners.start(), this.pods.start()]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([this.owners.stop(), this.pods.stop()]);
  }

  /** The resource's owning objects in the cache. */
  ownersOf(id: string): T[] {
    return this.owners.list(this.namespace).filter((o) => o.metadata?.labels?.[LABEL_ID] === id);
  }

  /** The resource's pods in the cache, those on their way out included. */
  allPodsOf(id: string): V1Pod[] {
    return this.pods.list(this.namespace).filter((p) => p.metadata?.labels?.[LABEL_ID] === id);
  }
}
