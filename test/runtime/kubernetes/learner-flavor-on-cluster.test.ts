// Auto labeling on an Atelier started with --executor kubernetes: the learner's flavor.code may name any flavor the
// cluster's largest schedulable node holds (modelarts.vm.cpu.4u on a 4-core node, though this host has 2 cores), and
// its Job asks for that flavor's cores and memory; a flavor no node holds is refused.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BatchV1Api, CoreV1Api, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import type { AtelierClient } from '#src/client/index.ts';
import { resourceSelector } from '#src/runtime/kubernetes/labels.ts';
import { clusterRole, clusterRoleBinding } from '#src/runtime/kubernetes/rbac-manifest.ts';
import { apiFailure } from '../../helpers/app.ts';
import { kubeTestServerSkip, startKubeTestServer, until, type KubeTestServer } from '../../helpers/kube.ts';
import { createBody, datasetReady } from '../../datasets/fixtures.ts';
import { generator, sentence, TOPIC_NAMES } from '../../intelligent-tasks/fixtures.ts';
import { startAtelierOnCluster, type AtelierOnCluster } from './atelier-on-cluster.ts';
import { registerNode } from './test-kubelet.ts';

const NS = 'atelier-learner-flavor';
const BUCKET = 'kube-learner-flavor';

describe("auto labeling's learner flavor on the kubernetes executor", { skip: kubeTestServerSkip() }, () => {
  let kube: KubeTestServer;
  let onCluster: AtelierOnCluster;
  let client: AtelierClient;
  let dataset: string;

  before(async () => {
    kube = await startKubeTestServer();
    const core = kube.kc.makeApiClient(CoreV1Api);
    const rbac = kube.kc.makeApiClient(RbacAuthorizationV1Api);
    // Bound before Atelier's ServiceAccount exists: Atelier lists the nodes when it starts.
    await rbac.createClusterRole({ body: clusterRole(), fieldValidation: 'Strict' });
    await rbac.createClusterRoleBinding({ body: clusterRoleBinding({ namespace: 'atelier-system', serviceAccount: 'atelier' }) });
    await registerNode(core, 'mid', {}, { cpu: '4', memory: '16Gi' });
    onCluster = await startAtelierOnCluster(kube, NS, 'registry.example/atelier-runtime:1');
    client = onCluster.t.client;
    const objects = onCluster.t.atelier.context.objectStore;
    await objects.ensureBucket(BUCKET);
    const rand = generator(5);
    const lines: string[] = [];
    for (const topic of TOPIC_NAMES) for (let i = 0; i < 6; i++) lines.push(`${sentence(topic, rand, i)}\t${topic}`);
    for (let i = 0; i < 9; i++) lines.push(sentence(TOPIC_NAMES[i % 3]!, rand, 500 + i));
    await objects.put(BUCKET, 'txt/set.txt', `${lines.join('\n')}\n`);
    dataset = (await client.datasets.create(createBody('flavor-texts', `/${BUCKET}/txt/`, `/${BUCKET}/work/`, { dataset_type: 100 }))).dataset_id;
    await datasetReady(client, dataset);
  });
  after(async () => {
    await onCluster?.close();
    await kube?.stop();
  });

  it("runs the learner's Job with a flavor larger than this host that the cluster's node holds", async () => {
    const { task_id: id } = await client.intelligentTasks.create(dataset, {
      task_type: 'auto-label',
      config: { name: 'learner-4u', flavor: { code: 'modelarts.vm.cpu.4u' } },
    });
    const batch = kube.kc.makeApiClient(BatchV1Api);
    const job = await until(
      `the Job of task ${id}`,
      async () => (await batch.listNamespacedJob({ namespace: NS, labelSelector: resourceSelector('task', id) })).items[0],
      60_000,
    );
    assert.deepEqual(job.spec!.template.spec!.containers[0]!.resources?.limits, { cpu: '4', memory: '16Gi' });
    await client.intelligentTasks.stop(dataset, id);
  });

  it('refuses a flavor no node of the cluster holds', async () => {
    await assert.rejects(
      client.intelligentTasks.create(dataset, { task_type: 'auto-label', config: { name: 'learner-8u', flavor: { code: 'modelarts.vm.cpu.8u' } } }),
      apiFailure(400, 'ModelArts.4396', "is not offered by the cluster's nodes"),
    );
  });
});
