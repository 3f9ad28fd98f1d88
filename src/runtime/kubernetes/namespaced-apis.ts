// The API groups a client of Atelier's workload objects calls, all in the executor's namespace.
import type { AppsV1Api, BatchV1Api, CoreV1Api, KubeConfig, NetworkingV1Api } from '@kubernetes/client-node';
import { k8s } from './k8s.ts';

export class NamespacedApis {
  protected readonly core: CoreV1Api;
  protected readonly apps: AppsV1Api;
  protected readonly batch: BatchV1Api;
  protected readonly net: NetworkingV1Api;

  constructor(
    kc: KubeConfig,
    readonly namespace: string,
  ) {
    this.core = kc.makeApiClient(k8s().CoreV1Api);
    this.apps = kc.makeApiClient(k8s().AppsV1Api);
    this.batch = kc.makeApiClient(k8s().BatchV1Api);
    this.net = kc.makeApiClient(k8s().NetworkingV1Api);
  }
}
