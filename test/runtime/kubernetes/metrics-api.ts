// The test API server has no metrics-server: the resource metrics API (metrics.k8s.io/v1beta1) is made real the way an
// aggregated API would serve it, by CustomResourceDefinitions pods.metrics.k8s.io and nodes.metrics.k8s.io, with
// PodMetrics objects written for the workloads' pods as metrics-server would write them.
import { ApiextensionsV1Api, CustomObjectsApi, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { until } from '../../helpers/kube.ts';

export const METRICS_GROUP = 'metrics.k8s.io';

/** Registers the group and waits until it is served in `namespace`. */
export async function registerMetricsApi(kc: KubeConfig, namespace: string): Promise<void> {
  const ext = kc.makeApiClient(ApiextensionsV1Api);
  for (const [plural, kind, scope] of [
    ['pods', 'PodMetrics', 'Namespaced'],
    ['nodes', 'NodeMetrics', 'Cluster'],
  ] as const) {
    await ext.createCustomResourceDefinition({
      body: {
        metadata: { name: `${plural}.${METRICS_GROUP}`, annotations: { 'api-approved.kubernetes.io': 'unapproved, test stand-in for metrics-server' } },
        spec: {
          group: METRICS_GROUP,
          scope,
          names: { plural, kind, listKind: `${kind}List`, singular: kind.toLowerCase() },
          versions: [
            // timestamp, window and containers (or usage) sit at the top level of these objects, as in metrics-server's.
            { name: 'v1beta1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', x_kubernetes_preserve_unknown_fields: true } } },
          ],
        },
      },
    });
  }
  const custom = kc.makeApiClient(CustomObjectsApi);
  await until('the metrics API served', () =>
    custom.listNamespacedCustomObject({ group: METRICS_GROUP, version: 'v1beta1', namespace, plural: 'pods' }).catch(() => undefined),
  );
}

/** Writes the pod's PodMetrics as metrics-server does: the pod's name, namespace and labels, one entry per container. */
export function writePodMetrics(custom: CustomObjectsApi, pod: V1Pod, usage: { cpu: string; memory: string }[]): Promise<object> {
  const namespace = pod.metadata!.namespace!;
  return custom.createNamespacedCustomObject({
    group: METRICS_GROUP,
    version: 'v1beta1',
    namespace,
    plural: 'pods',
    body: {
      apiVersion: `${METRICS_GROUP}/v1beta1`,
      kind: 'PodMetrics',
      metadata: { name: pod.metadata!.name!, namespace, labels: pod.metadata!.labels ?? {} },
      timestamp: new Date().toISOString(),
      window: '15s',
      containers: usage.map((u, i) => ({ name: pod.spec!.containers[i]?.name ?? `c${i}`, usage: u })),
    },
  });
}
