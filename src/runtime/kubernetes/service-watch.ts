// Where each real-time service's pods stand, from the watches on its Deployments and their pods (workload-watch.ts).
// The gateway reads the ready pods' addresses of each version from the same cache.
import type { KubeConfig, V1Deployment, V1Pod } from '@kubernetes/client-node';
import { k8s } from './k8s.ts';
import { SERVICE_SELECTOR } from './service-objects.ts';
import { LABEL_MODEL } from './service-manifest.ts';
import { FATAL_WAITING, WorkloadWatch } from './workload-watch.ts';

/** One pod's standing: answering at an address, on its way (with the kubelet's or scheduler's reason), or failed. */
export type ServicePodState = { kind: 'ready'; podIp: string } | { kind: 'waiting'; reason: string } | { kind: 'failed'; reason: string };

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

export class ServiceWatch extends WorkloadWatch<V1Deployment> {
  constructor(kc: KubeConfig, namespace: string, onChange: (serviceId: string) => void) {
    const apps = kc.makeApiClient(k8s().AppsV1Api);
    const path = `/apis/apps/v1/namespaces/${namespace}/deployments`;
    super(kc, namespace, SERVICE_SELECTOR, { path, list: () => apps.listNamespacedDeployment({ namespace, labelSelector: SERVICE_SELECTOR }) }, onChange);
  }

  /** The service's Deployments in the cache (one per version). */
  deploymentsOf(serviceId: string): V1Deployment[] {
    return this.ownersOf(serviceId);
  }

  /** The pods of the service (of one version when `modelId` is given) that are not on their way out. */
  podsOf(serviceId: string, modelId?: string): V1Pod[] {
    return this.allPodsOf(serviceId).filter((p) => (modelId === undefined || p.metadata?.labels?.[LABEL_MODEL] === modelId) && !p.metadata?.deletionTimestamp);
  }

  /** The addresses of the version's pods that answer now. */
  readyAddresses(serviceId: string, modelId: string): string[] {
    return this.podsOf(serviceId, modelId).flatMap((p) => {
      const s = servicePodState(p);
      return s.kind === 'ready' ? [s.podIp] : [];
    });
  }
}
