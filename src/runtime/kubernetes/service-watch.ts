// Where each real-time service's pods stand, from watches: informers on the managed service Deployments and their pods
// keep a cache, and every change to a service's objects calls `onChange` with its id. A watch that breaks is started
// again (the informer lists afresh). The gateway reads the ready pods' addresses of each version from the same cache.
import { AppsV1Api, CoreV1Api, makeInformer, type Informer, type KubeConfig, type ObjectCache, type V1Deployment, type V1Pod } from '@kubernetes/client-node';
import { LABEL_ID } from './labels.ts';
import { SERVICE_SELECTOR } from './service-objects.ts';
import { LABEL_MODEL } from './service-manifest.ts';

/** One pod's standing: answering at an address, on its way (with the kubelet's or scheduler's reason), or failed. */
export type ServicePodState = { kind: 'ready'; podIp: string } | { kind: 'waiting'; reason: string } | { kind: 'failed'; reason: string };

/** Waiting reasons a pod does not get over without a change (its spec, its image pushed, more memory). */
const FATAL_WAITING = new Set([
  'ImagePullBackOff',
  'ErrImagePull',
  'InvalidImageName',
  'CrashLoopBackOff',
  'CreateContainerConfigError',
  'CreateContainerError',
]);

export function servicePodState(pod: V1Pod): ServicePodState {
  const status = pod.status ?? {};
  const containers = [...(status.initContainerStatuses ?? []), ...(status.containerStatuses ?? [])];
  for (const c of containers) {
    const waiting = c.state?.waiting;
    if (waiting?.reason && FATAL_WAITING.has(waiting.reason)) {
      const last = c.lastState?.terminated?.reason;
      return { kind: 'failed', reason: `${c.name}: ${waiting.reason}${last ? ` (last exit: ${last})` : ''}${waiting.message ? `: ${waiting.message}` : ''}` };
    }
    const terminated = c.state?.terminated;
    if (terminated && (terminated.exitCode !== 0 || status.phase === 'Failed')) {
      return { kind: 'failed', reason: `${c.name}: ${terminated.reason ?? 'Error'} (exit ${terminated.exitCode})` };
    }
  }
  if (status.phase === 'Failed' || status.phase === 'Succeeded') {
    return { kind: 'failed', reason: `${status.reason ?? status.phase}${status.message ? `: ${status.message}` : ''}` };
  }
  const ready = status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
  if (status.phase === 'Running' && ready && status.podIP) return { kind: 'ready', podIp: status.podIP };
  const unscheduled = status.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
  if (unscheduled) return { kind: 'waiting', reason: `${unscheduled.reason ?? 'Unschedulable'}${unscheduled.message ? `: ${unscheduled.message}` : ''}` };
  const waiting = containers.find((c) => c.state?.waiting?.reason)?.state?.waiting;
  if (waiting?.reason) return { kind: 'waiting', reason: `${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}` };
  return { kind: 'waiting', reason: status.phase === 'Running' ? 'the model server is not ready yet' : `the pod is ${status.phase ?? 'being made'}` };
}

export class ServiceWatch {
  private readonly deployments: Informer<V1Deployment> & ObjectCache<V1Deployment>;
  private readonly pods: Informer<V1Pod> & ObjectCache<V1Pod>;
  private stopped = false;

  constructor(
    kc: KubeConfig,
    readonly namespace: string,
    private readonly onChange: (serviceId: string) => void,
  ) {
    const apps = kc.makeApiClient(AppsV1Api);
    const core = kc.makeApiClient(CoreV1Api);
    this.deployments = makeInformer(
      kc,
      `/apis/apps/v1/namespaces/${namespace}/deployments`,
      () => apps.listNamespacedDeployment({ namespace, labelSelector: SERVICE_SELECTOR }),
      SERVICE_SELECTOR,
    );
    this.pods = makeInformer(
      kc,
      `/api/v1/namespaces/${namespace}/pods`,
      () => core.listNamespacedPod({ namespace, labelSelector: SERVICE_SELECTOR }),
      SERVICE_SELECTOR,
    );
    for (const informer of [this.deployments, this.pods] as const) {
      const changed = (obj: V1Deployment | V1Pod) => {
        const id = obj.metadata?.labels?.[LABEL_ID];
        if (id) this.onChange(id);
      };
      const i = informer as Informer<V1Deployment | V1Pod>;
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
    await Promise.all([this.deployments.start(), this.pods.start()]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([this.deployments.stop(), this.pods.stop()]);
  }

  /** The service's Deployments in the cache (one per version). */
  deploymentsOf(serviceId: string): V1Deployment[] {
    return this.deployments.list(this.namespace).filter((d) => d.metadata?.labels?.[LABEL_ID] === serviceId);
  }

  /** The pods of the service (of one version when `modelId` is given) that are not on their way out. */
  podsOf(serviceId: string, modelId?: string): V1Pod[] {
    return this.pods
      .list(this.namespace)
      .filter(
        (p) =>
          p.metadata?.labels?.[LABEL_ID] === serviceId &&
          (modelId === undefined || p.metadata?.labels?.[LABEL_MODEL] === modelId) &&
          !p.metadata?.deletionTimestamp,
      );
  }

  /** The addresses of the version's pods that answer now. */
  readyAddresses(serviceId: string, modelId: string): string[] {
    return this.podsOf(serviceId, modelId).flatMap((p) => {
      const s = servicePodState(p);
      return s.kind === 'ready' ? [s.podIp] : [];
    });
  }
}
