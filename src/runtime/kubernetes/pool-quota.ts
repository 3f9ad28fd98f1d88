// A pool's share of the workloads' namespace. Every pool's workloads live in the one namespace, so a plain
// ResourceQuota would cap all pools together; instead each pool has a PriorityClass of its own, its workloads' pods name
// it (priorityClassName), and a ResourceQuota scoped to that PriorityClass caps the CPU and memory those pods may
// request at what the pool's nodes hold. The API server's quota admission then refuses a pod beyond the pool's size at
// creation (the Job controller's FailedCreate event, which the job status shows) instead of leaving it Pending on no
// node. The PriorityClass has the default value 0 and never preempts, so it changes no scheduling order.
import type { CoreV1Api, KubeConfig, SchedulingV1Api, V1PriorityClass, V1ResourceQuota } from '@kubernetes/client-node';
import { k8s } from './k8s.ts';
import { createOrKeep, deleteIfThere, isCode } from './api-calls.ts';
import { LABEL_MANAGED, MANAGER } from './labels.ts';
import { POOL_LABEL, poolPriorityClass } from './pool-placement.ts';
import { cpuQuantity } from './workload-isolation.ts';

export interface PoolAmountQuantity {
  cpu: number;
  memoryMb: number;
}

export function poolPriorityClassObject(pool: string): V1PriorityClass {
  return {
    apiVersion: 'scheduling.k8s.io/v1',
    kind: 'PriorityClass',
    metadata: { name: poolPriorityClass(pool), labels: { [LABEL_MANAGED]: MANAGER, [POOL_LABEL]: pool } },
    value: 0,
    globalDefault: false,
    preemptionPolicy: 'Never',
    description: `The pods of Atelier resource pool ${pool}; its ResourceQuota counts them.`,
  };
}

export function poolQuotaObject(pool: string, namespace: string, total: PoolAmountQuantity): V1ResourceQuota {
  const cpu = cpuQuantity(total.cpu);
  const memory = `${Math.max(0, Math.floor(total.memoryMb))}Mi`;
  return {
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: { name: poolPriorityClass(pool), namespace, labels: { [LABEL_MANAGED]: MANAGER, [POOL_LABEL]: pool } },
    spec: {
      hard: { 'requests.cpu': cpu, 'limits.cpu': cpu, 'requests.memory': memory, 'limits.memory': memory },
      scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: [poolPriorityClass(pool)] }] },
    },
  };
}

export class PoolQuota {
  private readonly core: CoreV1Api;
  private readonly scheduling: SchedulingV1Api;

  constructor(
    kc: KubeConfig,
    private readonly namespace: string,
  ) {
    this.core = kc.makeApiClient(k8s().CoreV1Api);
    this.scheduling = kc.makeApiClient(k8s().SchedulingV1Api);
  }

  /** Makes the pool's PriorityClass and sets its quota to `total` (what its nodes hold). */
  async apply(pool: string, total: PoolAmountQuantity): Promise<void> {
    await createOrKeep(() => this.scheduling.createPriorityClass({ body: poolPriorityClassObject(pool) }));
    const body = poolQuotaObject(pool, this.namespace, total);
    const name = body.metadata!.name!;
    try {
      const now = await this.core.readNamespacedResourceQuota({ name, namespace: this.namespace });
      await this.core.replaceNamespacedResourceQuota({
        name,
        namespace: this.namespace,
        body: { ...body, metadata: { ...body.metadata, resourceVersion: now.metadata?.resourceVersion } },
      });
    } catch (e) {
      if (!isCode(e, 404)) throw e;
      await createOrKeep(() => this.core.createNamespacedResourceQuota({ namespace: this.namespace, body }));
    }
  }

  async remove(pool: string): Promise<void> {
    const name = poolPriorityClass(pool);
    await deleteIfThere(() => this.core.deleteNamespacedResourceQuota({ name, namespace: this.namespace }));
    await deleteIfThere(() => this.scheduling.deletePriorityClass({ name }));
  }
}
