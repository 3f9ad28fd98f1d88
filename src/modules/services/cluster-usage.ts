// The CPU and memory a real-time service's pods use on the kubernetes executor, per model version: its pods are found
// by the labels that carry the service id (and the model id), their use is read from the metrics API. Undefined when
// the API cannot be read; the monitor then answers as it does without a cluster.
import type { KubeConfig, V1Pod } from '@kubernetes/client-node';
import type { ClusterMetrics } from '#src/runtime/kubernetes/cluster-metrics.ts';
import { k8s } from '#src/runtime/kubernetes/k8s.ts';
import { resourceSelector } from '#src/runtime/kubernetes/labels.ts';
import { LABEL_MODEL } from '#src/runtime/kubernetes/service-manifest.ts';
import type { InstanceUsage } from '#src/runtime/serving/instance.ts';

export type ModelUsage = Map<string, InstanceUsage & { instances: number }>;

const MB = 1024 * 1024;

/** A pod counts as an instance while it runs and is not on its way out. */
const running = (p: V1Pod) => p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp;

export class ClusterServiceUsage {
  constructor(
    private readonly kc: KubeConfig,
    private readonly namespace: string,
    private readonly metrics: ClusterMetrics,
  ) {}

  /** Each model's running pods of the service and what they use together. */
  async usage(serviceId: string): Promise<ModelUsage | undefined> {
    const core = this.kc.makeApiClient(k8s().CoreV1Api);
    const [measured, pods] = await Promise.all([
      this.metrics.podUsage(),
      // A cluster that cannot be reached leaves the monitor as it is without one (the metrics read logs why).
      core.listNamespacedPod({ namespace: this.namespace, labelSelector: resourceSelector('service', serviceId) }).catch(() => undefined),
    ]);
    if (!measured || !pods) return undefined;
    const out: ModelUsage = new Map();
    for (const pod of pods.items.filter(running)) {
      const model = pod.metadata?.labels?.[LABEL_MODEL];
      if (!model) continue;
      const u = measured.get(pod.metadata?.name ?? '');
      const sum = out.get(model) ?? { cpuCores: 0, memoryMb: 0, instances: 0 };
      out.set(model, {
        cpuCores: sum.cpuCores + (u?.cpuCores ?? 0),
        memoryMb: sum.memoryMb + (u?.memoryBytes ?? 0) / MB,
        instances: sum.instances + 1,
      });
    }
    for (const u of out.values()) u.memoryMb = Math.round(u.memoryMb);
    return out;
  }
}
