// Real-time services on an Atelier started with --executor kubernetes: the deployment flavors follow the cluster's
// largest schedulable node, not this host (a 16-core node offers modelarts.vm.cpu.8u on a 2-core host), a service of
// no pool is admitted against the cluster's nodes and its Deployment asks for the flavor's share, and ListClusters
// describes the nodes. Without the ClusterRole (nodes list) after a restart, the flavors and the pool are this host's.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AppsV1Api, CoreV1Api, KubeConfig, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import type { AtelierApp } from '#src/app.ts';
import type { AtelierClient } from '#src/client/index.ts';
import { servableFlavors } from '#src/modules/services/flavors.ts';
import { MODEL_CONTAINER, serviceVersionName } from '#src/runtime/kubernetes/service-manifest.ts';
import { clusterRole, clusterRoleBinding, CLUSTER_ROLE } from '#src/runtime/kubernetes/rbac-manifest.ts';
import { apiFailure, restartedApp, type TestApp } from '../../helpers/app.ts';
import { kubeTestServerSkip, startKubeTestServer, until, type KubeTestServer } from '../../helpers/kube.ts';
import { importModel, onnxPackage, putPackage } from '../../models/fixtures.ts';
import { startAtelierOnCluster, type AtelierOnCluster } from './atelier-on-cluster.ts';
import { registerNode } from './test-kubelet.ts';

const NS = 'atelier-service-flavors';
const IMAGE = 'registry.example/atelier-runtime:1';
const CPU8 = 'modelarts.vm.cpu.8u';

describe('service flavors on the kubernetes executor', { skip: kubeTestServerSkip() }, () => {
  let kube: KubeTestServer;
  let onCluster: AtelierOnCluster;
  let t: TestApp;
  let app: AtelierApp;
  let client: AtelierClient;
  let model = '';

  before(async () => {
    kube = await startKubeTestServer();
    const core = kube.kc.makeApiClient(CoreV1Api);
    const rbac = kube.kc.makeApiClient(RbacAuthorizationV1Api);
    // Bound before Atelier's ServiceAccount exists: Atelier lists the nodes when it starts.
    await rbac.createClusterRole({ body: clusterRole(), fieldValidation: 'Strict' });
    await rbac.createClusterRoleBinding({ body: clusterRoleBinding({ namespace: 'atelier-system', serviceAccount: 'atelier' }) });
    await registerNode(core, 'big', {}, { cpu: '16', memory: '64Gi' });
    await registerNode(core, 'small', {}, { cpu: '2', memory: '8Gi' });
    onCluster = await startAtelierOnCluster(kube, NS, IMAGE);
    t = onCluster.t;
    app = t.atelier;
    client = t.client;
    model = await importModel(client, await putPackage(t, 'svc-flavor-models', 'm', onnxPackage()), 'flavor-linear', '1.0.0');
  });
  after(async () => {
    await app?.close();
    await onCluster?.close();
    await kube?.stop();
  });

  it("lists the flavors the cluster's largest node holds, and describes its nodes as the pool", async () => {
    const { specifications } = await client.services.specifications();
    assert.deepEqual(
      specifications.map((s) => s.specification),
      ['modelarts.vm.cpu.free', 'modelarts.vm.cpu.2u', 'modelarts.vm.cpu.4u', CPU8],
    );
    const { clusters } = await client.services.clusters();
    assert.equal(clusters.length, 1);
    assert.equal(clusters[0]?.description, "The cluster's schedulable nodes: 2, 18 cores, 73728 MB");
    assert.deepEqual(clusters[0]?.nodes, { specification: 'kubernetes', count: 2, available_count: 2 });
    assert.equal(clusters[0]?.allocatable_cpu_cores, 18);
  });

  it("deploys a flavor larger than this host on the cluster, and refuses more than the cluster's nodes hold", async () => {
    const { service_id: id } = await client.services.create({
      service_name: 'svc-8u',
      infer_type: 'real-time',
      config: [{ model_id: model, weight: 100, instance_count: 1, specification: CPU8 }],
    });
    const apps = kube.kc.makeApiClient(AppsV1Api);
    const deployment = await until('the Deployment of the 8-core service', () =>
      apps.readNamespacedDeployment({ name: serviceVersionName(id, model), namespace: NS }).catch(() => undefined),
    );
    const server = deployment.spec?.template.spec?.containers.find((c) => c.name === MODEL_CONTAINER);
    assert.deepEqual(server?.resources?.requests, { cpu: '8', memory: '32Gi' });
    // The 8-core instance holds half of the 16-core node: two more cannot be placed (an instance goes whole on one node).
    await assert.rejects(
      client.services.create({
        service_name: 'svc-8u-more',
        infer_type: 'real-time',
        config: [{ model_id: model, weight: 100, instance_count: 2, specification: CPU8 }],
      }),
      apiFailure(400, 'ModelArts.3952', "free in the cluster's nodes"),
    );
    assert.equal((await client.services.clusters()).clusters[0]?.allocatable_cpu_cores, 10);
  });

  it('follows this host again after a restart without the right to list nodes', async () => {
    const rbac = kube.kc.makeApiClient(RbacAuthorizationV1Api);
    await rbac.deleteClusterRoleBinding({ name: CLUSTER_ROLE });
    const own = new KubeConfig();
    own.loadFromFile(t.config.kube.configPath!);
    await until('nodes list to be refused', () =>
      own
        .makeApiClient(CoreV1Api)
        .listNode()
        .then(
          () => undefined,
          () => true,
        ),
    );
    await app.close();
    ({ atelier: app, client } = await restartedApp(t));
    const { specifications } = await client.services.specifications();
    assert.deepEqual(
      specifications.map((s) => s.specification),
      servableFlavors().map((f) => f.specification),
    );
    assert.match((await client.services.clusters()).clusters[0]?.description ?? '', /^This host: /);
    if (servableFlavors().some((f) => f.specification === CPU8)) return;
    await assert.rejects(
      client.services.create({
        service_name: 'svc-8u-host',
        infer_type: 'real-time',
        config: [{ model_id: model, weight: 100, instance_count: 1, specification: CPU8 }],
      }),
      apiFailure(400, 'ModelArts.0104', 'is not offered by this host'),
    );
  });
});
