// What the workloads and nodes of the cluster use now, read from the resource metrics API (metrics.k8s.io/v1beta1,
// served by metrics-server) through the client's Metrics helper. Callers match the pods to their resources by the
// labels that carry the resource id (they list the pods by selector, or follow them in a watch) and join by pod name.
// A cluster without the API (no metrics-server) or an identity without the right to read it is no error: the reads
// answer undefined, the callers answer as without a cluster, and the log says why once.
import { performance } from 'node:perf_hooks';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from '#src/runtime/logger.ts';
import { isApiException, k8s } from './k8s.ts';
import { cpuCoresOf, memoryBytesOf } from './quantity.ts';

export const METRICS_GROUP = 'metrics.k8s.io';

export interface Usage {
  cpuCores: number;
  memoryBytes: number;
}

type Resource = 'pods' | 'nodes';

interface Cached {
  at: number;
  value: Promise<Map<string, Usage> | undefined>;
}

/** A reading younger than this is shared (metrics-server itself refreshes every 15 s or so). */
const MAX_AGE_MS = 2000;

export class ClusterMetrics {
  private readonly cache = new Map<Resource, Cached>();
  /** The reasons already logged for each resource, so each is said once (until the API answers again). */
  private readonly said = new Map<Resource, Set<string>>([
    ['pods', new Set()],
    ['nodes', new Set()],
  ]);

  constructor(
    private readonly kc: KubeConfig,
    private readonly namespace: string,
    private readonly log: Logger,
    private readonly maxAgeMs = MAX_AGE_MS,
  ) {}

  /** The usage of each pod of the workloads' namespace, by pod name (its containers together). */
  podUsage(): Promise<Map<string, Usage> | undefined> {
    return this.cached('pods', async () => {
      const list = await new (k8s().Metrics)(this.kc).getPodMetrics(this.namespace);
      return new Map(
        list.items.map((p) => [
          p.metadata.name,
          {
            cpuCores: p.containers.reduce((n, c) => n + cpuCoresOf(c.usage.cpu), 0),
            memoryBytes: p.containers.reduce((n, c) => n + memoryBytesOf(c.usage.memory), 0),
          },
        ]),
      );
    });
  }

  /** The usage of each node of the cluster, by node name. */
  nodeUsage(): Promise<Map<string, Usage> | undefined> {
    return this.cached('nodes', async () => {
      const list = await new (k8s().Metrics)(this.kc).getNodeMetrics();
      return new Map(list.items.map((n) => [n.metadata.name, { cpuCores: cpuCoresOf(n.usage.cpu), memoryBytes: memoryBytesOf(n.usage.memory) }]));
    });
  }

  private cached(resource: Resource, read: () => Promise<Map<string, Usage>>): Promise<Map<string, Usage> | undefined> {
    const now = performance.now();
    const hit = this.cache.get(resource);
    const said = this.said.get(resource)!;
    if (hit && now - hit.at < this.maxAgeMs) return hit.value;
    const value = read().then(
      (v) => {
        if (said.size > 0) {
          said.clear();
          this.log.info({ group: METRICS_GROUP, resource }, `the metrics API answers again: the CPU and memory use of the cluster's ${resource} come from it`);
        }
        return v;
      },
      async (err: unknown) => {
        const reason = await this.why(resource, err);
        if (!said.has(reason)) {
          said.add(reason);
          this.log.warn(
            { group: METRICS_GROUP, resource },
            `CPU and memory use of the cluster's ${resource} cannot be read, so they are reported as without a cluster: ${reason}`,
          );
        }
        return undefined;
      },
    );
    this.cache.set(resource, { at: now, value });
    return value;
  }

  /** Why a read failed: the API is forbidden, absent, or failed otherwise. */
  private async why(resource: Resource, err: unknown): Promise<string> {
    // The helper turns a plain-text answer (the 404 page of a group the server lacks) into a 500, so absence is
    // decided by the server's list of groups, not by the status code.
    if (isApiException(err) && err.code === 403)
      return `this identity may not list ${resource}.${METRICS_GROUP} (a Role${resource === 'nodes' ? ' or ClusterRole' : ''} granting get and list on it is needed)`;
    try {
      const groups = await this.kc.makeApiClient(k8s().ApisApi).getAPIVersions();
      if (!groups.groups.some((g) => g.name === METRICS_GROUP)) return `the cluster serves no ${METRICS_GROUP} API (metrics-server is not installed)`;
    } catch {
      // the list of groups cannot be read either: say what the metrics read said
    }
    return `the ${METRICS_GROUP} API failed: ${err instanceof Error ? err.message.split('\n').slice(0, 2).join(' ') : String(err)}`;
  }
}
