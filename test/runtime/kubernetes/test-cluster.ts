// A cluster for a test file: the real API server with its controllers (test/helpers/kube.ts), one Ready node
// ("node-a", 4 cores, 16 GiB) whose container logs the stand-in kubelet serves, and the API clients a test reads with.
import { BatchV1Api, CoreV1Api, type V1Job, type V1Pod } from '@kubernetes/client-node';
import { resourceSelector, type ResourceKind } from '#src/runtime/kubernetes/labels.ts';
import { startKubeTestServer, type KubeTestServer } from '../../helpers/kube.ts';
import { registerNode, startLogKubelet, type LogKubelet } from './test-kubelet.ts';

export interface TestCluster {
  kube: KubeTestServer;
  kubelet: LogKubelet;
  core: CoreV1Api;
  batch: BatchV1Api;
  /** The Jobs of a resource (its kind label and id) in `namespace`. */
  jobsOf(namespace: string, kind: ResourceKind, id: string): Promise<V1Job[]>;
  /** The pods of a resource in `namespace`. */
  podsOf(namespace: string, kind: ResourceKind, id: string): Promise<V1Pod[]>;
  stop(): Promise<void>;
}

export async function startTestCluster(): Promise<TestCluster> {
  const kube = await startKubeTestServer({ controllers: true });
  let kubelet: LogKubelet | undefined;
  try {
    const core = kube.kc.makeApiClient(CoreV1Api);
    const batch = kube.kc.makeApiClient(BatchV1Api);
    kubelet = await startLogKubelet(kube.dir);
    await registerNode(core, 'node-a', {}, { cpu: '4', memory: '16Gi' }, kubelet.port);
    const logs = kubelet;
    return {
      kube,
      kubelet: logs,
      core,
      batch,
      jobsOf: async (namespace, kind, id) => (await batch.listNamespacedJob({ namespace, labelSelector: resourceSelector(kind, id) })).items,
      podsOf: async (namespace, kind, id) => (await core.listNamespacedPod({ namespace, labelSelector: resourceSelector(kind, id) })).items,
      async stop() {
        await logs.close();
        await kube.stop();
      },
    };
  } catch (e) {
    await kubelet?.close();
    await kube.stop();
    throw e;
  }
}
