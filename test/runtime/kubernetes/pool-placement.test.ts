// With the real kube-scheduler: a training job's pods land on its pool's nodes, one per node, and a job larger than its
// pool waits (Pending/Queuing) with the scheduler's own reason.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BatchV1Api, CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import { mapTrainingJobStatus } from '#src/runtime/kubernetes/job-status.ts';
import { resourceSelector } from '#src/runtime/kubernetes/labels.ts';
import { POOL_LABEL, poolNodeSelector } from '#src/runtime/kubernetes/pool-placement.ts';
import { TrainingJobClient } from '#src/runtime/kubernetes/training-job-objects.ts';
import { trainingJobObjects, type TrainingJobWorkload } from '#src/runtime/kubernetes/training-job-manifest.ts';
import { kubeTestServerSkip, startKubeTestServer, until, type KubeTestServer } from '../../helpers/kube.ts';
import { registerNode } from './test-kubelet.ts';

const namespace = 'atelier-pools';

const workload = (jobId: string, nodeCount: number, pool: string): TrainingJobWorkload => ({
  jobId,
  projectId: '00112233445566778899aabbccddeeff',
  namespace,
  nodeCount,
  image: 'registry.example/atelier-runtime:1',
  command: ['python3', 'train.py'],
  workingDir: '/job/code',
  jobDir: '/job',
  env: {},
  perNode: { cpu: 1, memoryMb: 1024 },
  nodeSelector: poolNodeSelector(pool),
});

describe('pools on Kubernetes, placed by the real scheduler', { skip: kubeTestServerSkip() }, () => {
  let kube: KubeTestServer;
  let core: CoreV1Api;
  let client: TrainingJobClient;

  before(async () => {
    kube = await startKubeTestServer({ controllers: true, scheduler: true });
    core = kube.kc.makeApiClient(CoreV1Api);
    client = new TrainingJobClient(kube.kc, namespace);
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    for (const [name, pool] of [
      ['pool-a-1', 'pool-a'],
      ['pool-a-2', 'pool-a'],
      ['pool-b-1', 'pool-b'],
      ['pool-b-2', 'pool-b'],
    ]) {
      await registerNode(core, name!, { [POOL_LABEL]: pool! }, { cpu: '4', memory: '8Gi' });
    }
  });
  after(async () => {
    await kube?.stop();
  });

  const podsOf = async (jobId: string): Promise<V1Pod[]> =>
    (await core.listNamespacedPod({ namespace, labelSelector: resourceSelector('training-job', jobId) })).items;

  it("places a 2-node job on two distinct nodes of its pool and none of another pool's", async () => {
    const jobId = 'c0000000-0000-4000-8000-000000000001';
    await client.apply(trainingJobObjects(workload(jobId, 2, 'pool-b')));
    const pods = await until('both pods to be scheduled', async () => {
      const pods = await podsOf(jobId);
      return pods.length === 2 && pods.every((p) => p.spec?.nodeName) ? pods : undefined;
    });
    const nodes = pods.map((p) => p.spec!.nodeName!).sort();
    assert.deepEqual(nodes, ['pool-b-1', 'pool-b-2']);
    // Placed, not started yet (no kubelet runs them): the job is past the queue.
    const job = await kube.kc.makeApiClient(BatchV1Api).readNamespacedJob({ name: `ma-job-${jobId}`, namespace });
    assert.deepEqual([mapTrainingJobStatus(job, pods, 2).phase, mapTrainingJobStatus(job, pods, 2).secondary_phase], ['Running', 'Running']);
  });

  it("keeps a job larger than its pool waiting, with the scheduler's reason", async () => {
    const jobId = 'c0000000-0000-4000-8000-000000000002';
    await client.apply(trainingJobObjects(workload(jobId, 3, 'pool-a')));
    const pods = await until('the scheduler to place two pods and refuse the third', async () => {
      const pods = await podsOf(jobId);
      const refused = pods.filter((p) => p.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable'));
      return pods.length === 3 && refused.length === 1 && pods.filter((p) => p.spec?.nodeName).length === 2 ? pods : undefined;
    });
    assert.ok(pods.every((p) => !p.spec?.nodeName || p.spec.nodeName.startsWith('pool-a-')));
    const job = await kube.kc.makeApiClient(BatchV1Api).readNamespacedJob({ name: `ma-job-${jobId}`, namespace });
    const status = mapTrainingJobStatus(job, pods, 3);
    assert.equal(status.phase, 'Pending');
    assert.equal(status.secondary_phase, 'Queuing');
    const waiting = status.tasks.find((t) => t.message.startsWith('waiting for a node'));
    assert.match(waiting?.message ?? '', /waiting for a node \(Unschedulable\): 0\/4 nodes are available/);
    assert.match(waiting?.message ?? '', /node\(s\) didn't match Pod's node affinity\/selector/);
    assert.match(waiting?.message ?? '', /node\(s\) didn't match pod anti-affinity rules/);
  });
});
