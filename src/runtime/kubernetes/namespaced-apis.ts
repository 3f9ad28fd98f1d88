// The API groups a client of Atelier's workload objects calls, all in the executor's namespace.
import { AppsV1Api, BatchV1Api, CoreV1Api, NetworkingV1Api, type KubeConfig } from '@kubernetes/client-node';

export class NamespacedApis {
  protected readonly core: CoreV1Api;
  protected readonly apps: AppsV1Api;
  protected readonly batch: BatchV1Api;
  protected readonly net: NetworkingV1Api;

  constructor(
    kc: KubeConfig,
    readonly namespace: string,
  ) {
    this.core = kc.makeApiClient(CoreV1Api);
    this.apps = kc.makeApiClient(AppsV1Api);
    this.batch = kc.makeApiClient(BatchV1Api);
    this.net = kc.makeApiClient(NetworkingV1Api);
  }
}
