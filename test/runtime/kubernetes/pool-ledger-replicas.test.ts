// Two replicas on one database and one cluster of a single 4-core node: a notebook replica A admits holds the node for
// replica B too. B queues a training job with the notebook named in its reason, and refuses a service saying nothing
// is free; once A deletes the notebook, B's job leaves the queue within the refresh bound. B's running job in turn
// keeps a whole-node notebook out on A, while one that fits beside it is created.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api } from '@kubernetes/client-node';
import type { AtelierClient } from '#src/client/index.ts';
import { apiFailure, type TestApp } from '../../helpers/app.ts';
import { kubeTestServerSkip, startKubeTestServer, until, type KubeTestServer } from '../../helpers/kube.ts';
import { importModel, onnxPackage, putPackage } from '../../models/fixtures.ts';
import { builtInImage } from '../../notebooks/helpers.ts';
import { PY_ENGINE } from '../../training-jobs/helpers.ts';
import { startAtelierOnCluster, startSecondReplica, type AtelierOnCluster, type ReplicaOnCluster } from './atelier-on-cluster.ts';
import { registerNode } from './test-kubelet.ts';

const NS = 'atelier-ledger-replicas';
const BUCKET = 'ledger-replicas';
/** Other replicas' holdings are read every second; a release is written at once. */
const REFRESH_BOUND_MS = 3000;
const MASTER_KEY = Buffer.alloc(32, 9).toString('base64');

describe("replicas share their holdings of the cluster's nodes", { skip: kubeTestServerSkip() }, () => {
  let kube: KubeTestServer;
  let onCluster: AtelierOnCluster;
  let a: TestApp;
  let b: ReplicaOnCluster | undefined;
  let modelId = '';

  before(async () => {
    kube = await startKubeTestServer({ controllers: true });
    await registerNode(kube.kc.makeApiClient(CoreV1Api), 'node-a', {}, { cpu: '4', memory: '16Gi' });
    // The admin's kubeconfig: listing the nodes takes a ClusterRole the executor's own identity does not have.
    // Replicas share the master key (deploy/kubernetes passes it by Secret).
    onCluster = await startAtelierOnCluster(kube, NS, 'registry.example/atelier-runtime:1', {
      ATELIER_KUBE_CONFIG: kube.kubeconfigPath,
      ATELIER_MASTER_KEY: MASTER_KEY,
    });
    a = onCluster.t;
    b = await startSecondReplica(a, 'ledger-replica-b-');
    modelId = await importModel(a.client, await putPackage(a, 'ledger-replica-models', 'm', onnxPackage()), 'ledger-replica-linear', '1.0.0');
    await a.atelier.context.objectStore.ensureBucket(BUCKET);
    await a.atelier.context.objectStore.put(BUCKET, 'code/train.py', 'print("training")\n');
  });
  after(async () => {
    await b?.close();
    await onCluster?.close();
    await kube?.stop();
  });

  const notebook = (c: AtelierClient, name: string, cores: number) =>
    c.notebooks.create({
      name,
      flavor: `modelarts.vm.cpu.${cores}u`,
      image_id: builtInImage().id,
      volume: { category: 'EVS', ownership: 'MANAGED', capacity: 5 },
    });
  const service = (c: AtelierClient, name: string) =>
    c.services.create({
      service_name: name,
      infer_type: 'real-time',
      config: [{ model_id: modelId, weight: 100, instance_count: 1, specification: 'custom', custom_spec: { cpu: 1, memory: 128 } }],
    });
  const job = async (c: AtelierClient, name: string) =>
    (
      await c.training.createJob({
        kind: 'job',
        metadata: { name },
        algorithm: { code_dir: `/${BUCKET}/code/`, boot_file: `/${BUCKET}/code/train.py`, engine: { engine_id: PY_ENGINE } },
        spec: { resource: { flavor_id: 'modelarts.vm.cpu.1u', node_count: 1 } },
      })
    ).metadata.id;

  it('what A admits lowers what B admits, and what A gives back frees B within the bound', async () => {
    const viaB = b!.client;
    const whole = await notebook(a.client, 'whole-node', 4);

    const jobId = await job(viaB, 'waits-on-b');
    const queued = await until('the job queued on B', async () => {
      const j = await viaB.training.getJob(jobId);
      return j.status.secondary_phase === 'Queuing' && (j.status.task_statuses?.length ?? 0) > 0 ? j : undefined;
    });
    const reason = queued.status.task_statuses![0]!.message;
    assert.match(reason, /^Queuing for CPU and memory: it needs 1 CPU core, 0 of the pool's 4 are free; /);
    assert.ok(reason.includes(`notebook "whole-node" (${whole.id}): 4 CPU cores`), reason);
    await assert.rejects(service(viaB, 'no-room-on-b'), apiFailure(400, 'ModelArts.3952', "0 cores and 0 MB free in the cluster's nodes"));

    const released = Date.now();
    await a.client.notebooks.delete(whole.id);
    await until(
      'the job admitted on B',
      async () => ((await viaB.training.getJob(jobId)).status.phase !== 'Pending' ? true : undefined),
      REFRESH_BOUND_MS + 2000,
    );
    const tookMs = Date.now() - released;
    assert.ok(tookMs <= REFRESH_BOUND_MS, `B admitted the job ${tookMs} ms after A released the node`);
    console.log(`# B admitted its queued job ${tookMs} ms after A deleted the notebook`);

    // B's job holds a core: A keeps a whole-node notebook out, and places one beside it.
    await new Promise((resolve) => setTimeout(resolve, 1500)); // A reads B's holdings each second
    await assert.rejects(notebook(a.client, 'whole-again', 4), apiFailure(400, 'ModelArts.6329', 'modelarts.vm.cpu.4u'));
    const beside = await notebook(a.client, 'beside', 2);
    assert.equal(beside.status, 'CREATING');
    await a.client.notebooks.delete(beside.id);
    await viaB.training.deleteJob(jobId);
  });
});
