// On the kubernetes executor every family reserves against one ledger of the cluster's nodes: a notebook holding the
// whole node leaves a service nothing (and its 400 says so), and once the notebook is gone the service fits; a
// service's share in turn keeps a notebook of the whole node out, while one that fits beside it is created.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api } from '@kubernetes/client-node';
import { apiFailure, type TestApp } from '../../helpers/app.ts';
import { kubeTestServerSkip, startKubeTestServer, until, type KubeTestServer } from '../../helpers/kube.ts';
import { importModel, onnxPackage, putPackage } from '../../models/fixtures.ts';
import { builtInImage } from '../../notebooks/helpers.ts';
import { startAtelierOnCluster, type AtelierOnCluster } from './atelier-on-cluster.ts';
import { registerNode } from './test-kubelet.ts';

const NS = 'atelier-ledger';
const oneCore = { specification: 'custom', custom_spec: { cpu: 1, memory: 128 } };

describe("one ledger of the cluster's nodes for notebooks and services", { skip: kubeTestServerSkip() }, () => {
  let kube: KubeTestServer;
  let onCluster: AtelierOnCluster;
  let t: TestApp;
  let modelId = '';

  before(async () => {
    kube = await startKubeTestServer({ controllers: true });
    const core = kube.kc.makeApiClient(CoreV1Api);
    await registerNode(core, 'node-a', {}, { cpu: '4', memory: '16Gi' });
    // No Deployment controller: a service's share is held while it deploys, its pods never made.
    // The admin's kubeconfig: listing the nodes takes a ClusterRole the executor's own identity does not have.
    onCluster = await startAtelierOnCluster(kube, NS, 'registry.example/atelier-runtime:1', { ATELIER_KUBE_CONFIG: kube.kubeconfigPath });
    t = onCluster.t;
    modelId = await importModel(t.client, await putPackage(t, 'ledger-models', 'm', onnxPackage()), 'ledger-linear', '1.0.0');
  });
  after(async () => {
    await onCluster?.close();
    await kube?.stop();
  });

  const notebook = (name: string, cores: number) =>
    t.client.notebooks.create({
      name,
      flavor: `modelarts.vm.cpu.${cores}u`,
      image_id: builtInImage().id,
      volume: { category: 'EVS', ownership: 'MANAGED', capacity: 5 },
    });
  const service = (name: string) =>
    t.client.services.create({ service_name: name, infer_type: 'real-time', config: [{ model_id: modelId, weight: 100, instance_count: 1, ...oneCore }] });

  it("a notebook's reservation lowers what a service can take, and the other way round", async () => {
    const whole = await notebook('whole-node', 4);
    await assert.rejects(service('no-room'), apiFailure(400, 'ModelArts.3952', "0 cores and 0 MB free in the cluster's nodes"));

    await t.client.notebooks.delete(whole.id);
    const { service_id } = await until('the service placed once the notebook is gone', () => service('placed').catch(() => undefined));
    await assert.rejects(notebook('whole-again', 4), apiFailure(400, 'ModelArts.6329', 'modelarts.vm.cpu.4u'));
    const beside = await notebook('beside', 2);
    assert.equal(beside.status, 'CREATING');
    assert.equal((await t.client.services.show(service_id)).status, 'deploying', 'the service still holds its share');

    await t.client.services.delete(service_id);
    await t.client.notebooks.delete(beside.id);
  });
});
