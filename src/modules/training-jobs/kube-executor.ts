// The Kubernetes executor of training jobs, put together from the settings: the cluster (kubeconfig, else the pod's
// service account, else $KUBECONFIG), its namespace, the default image, the object store credential its pods stage with,
// and the flavors the cluster's nodes can hold.
import type { Config } from '#src/config.ts';
import { findKubeTarget, type KubeTarget } from '#src/runtime/kubernetes/kube-config.ts';
import { largestNode, listNodeCapacity } from '#src/runtime/kubernetes/node-capacity.ts';
import { TrainingJobClient } from '#src/runtime/kubernetes/training-job-objects.ts';
import type { StoreCredential } from '#src/runtime/kubernetes/training-job-staging.ts';
import { TrainingJobWatch } from '#src/runtime/kubernetes/training-job-watch.ts';
import type { WorkloadDefaults } from '#src/runtime/kubernetes/workload-isolation.ts';
import type { LocalPool } from '#src/runtime/local/local-pool.ts';
import type { Logger } from '#src/runtime/logger.ts';
import { hostFlavors } from './flavors.ts';
import type { KubeExecutorParts } from './kube-job-runner.ts';
import type { TrainingRuntime } from './training-runtime.ts';

export function kubeTarget(config: Config): KubeTarget {
  return findKubeTarget(config.kube.configPath, config.kube.namespace);
}

/** What every workload's pods get from the settings: the closed networks and the image pull secrets. */
export function workloadDefaults(config: Config): WorkloadDefaults {
  return { closedNetworks: config.kube.closedNetworks, imagePullSecrets: config.kube.imagePullSecrets };
}

/** The S3 endpoint and key the pods use; undefined for a local fs store, which no pod can reach. */
export function storeCredential(config: Config): StoreCredential | undefined {
  const s = config.objectStore;
  if (s.kind !== 's3' || !s.accessKeyId || !s.secretAccessKey) return undefined;
  return {
    endpoint: s.endpoint ?? `https://s3.${s.region}.amazonaws.com`,
    region: s.region,
    accessKeyId: s.accessKeyId,
    secretAccessKey: s.secretAccessKey,
    pathStyle: s.forcePathStyle,
  };
}

/** The object store's bucket behind an API bucket name, as the pods address it (the store's bucket map). */
export function realBucketOf(config: Config): (bucket: string) => string {
  const map = config.objectStore.kind === 's3' ? config.objectStore.bucketMap : {};
  return (bucket) => map[bucket] ?? bucket;
}

export function kubeExecutorParts(config: Config, target: KubeTarget): KubeExecutorParts {
  return {
    namespace: target.namespace,
    image: config.kube.image,
    stagingImage: config.kube.image || config.kube.atelierImage,
    defaults: workloadDefaults(config),
    realBucket: realBucketOf(config),
    client: new TrainingJobClient(target.kc, target.namespace),
    watch: (onStatus) => new TrainingJobWatch(target.kc, target.namespace, (e) => onStatus(e.jobId, e.status)),
    credential: storeCredential(config),
  };
}

/**
 * Replaces the host's flavors with what the cluster's nodes hold: slices up to the largest node, each as many times as
 * the nodes fit it; the pool's capacity is all the nodes together, and jobs that name no pool are admitted against
 * `clusterPool`, made of the same nodes. Without the right to list nodes the host's flavors and pool stay, and the log
 * says so.
 */
export async function useClusterFlavors(runtime: TrainingRuntime, target: KubeTarget, clusterPool: LocalPool, log: Logger): Promise<void> {
  let nodes;
  try {
    nodes = await listNodeCapacity(target.kc);
  } catch (err) {
    log.warn({ err }, "the cluster's nodes cannot be listed (a ClusterRole with nodes list is needed): training flavors follow this host");
    return;
  }
  if (nodes.length === 0) return;
  const largest = largestNode(nodes);
  const flavors = hostFlavors({ cpuCores: Math.floor(largest.cpu), memoryMb: largest.memoryMb, arch: largest.arch, gpus: 0 }, runtime.dataDir);
  for (const f of flavors) {
    const fits = nodes.reduce((n, node) => n + Math.min(Math.floor(node.cpu / f.amount.cpu), Math.floor(node.memoryMb / f.amount.memoryMb)), 0);
    f.response.max_num = Math.max(1, fits);
    if (f.response.flavor_info) f.response.flavor_info.max_num = f.response.max_num;
  }
  runtime.flavors.splice(0, runtime.flavors.length, ...flavors);
  runtime.capacity.cpu = nodes.reduce((n, node) => n + node.cpu, 0);
  runtime.capacity.memoryMb = nodes.reduce((n, node) => n + node.memoryMb, 0);
  clusterPool.setNodes(nodes.map((n) => ({ name: n.name, capacity: { cpu: n.cpu, memoryMb: n.memoryMb } })));
}
