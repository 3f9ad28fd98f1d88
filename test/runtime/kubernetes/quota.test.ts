// A ResourceQuota on the workloads' namespace, enforced by the real API server's quota admission: the Job controller
// cannot create a training job's pod beyond it, and the status watch says so (Pending/Queuing naming the quota, from
// the controller's FailedCreate event), not a silent wait; once the quota has room the pod is made and the message goes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api } from '@kubernetes/client-node';
import type { MappedStatus } from '#src/runtime/kubernetes/job-status.ts';
import { TrainingJobClient } from '#src/runtime/kubernetes/training-job-objects.ts';
import { trainingJobObjects, type TrainingJobWorkload } from '#src/runtime/kubernetes/training-job-manifest.ts';
import { TrainingJobWatch } from '#src/runtime/kubernetes/training-job-watch.ts';
import { kubeTestServerSkip, startKubeTestServer, until, type KubeTestServer } from '../../helpers/kube.ts';

const namespace = 'atelier-quota';
const QUOTA = 'atelier-pool-quota';

const workload = (jobId: string): TrainingJobWorkload => ({
  jobId,
  projectId: '00112233445566778899aabbccddeeff',
  namespace,
  nodeCount: 1,
  image: 'registry.example/atelier-runtime:1',
  command: ['python3', 'train.py'],
  workingDir: '/job/code',
  jobDir: '/job',
  env: {},
  perNode: { cpu: 2, memoryMb: 1024 },
});

describe('a ResourceQuota refusing a training job’s pods', { skip: kubeTestServerSkip() }, () => {
  let kube: KubeTestServer;
  let core: CoreV1Api;
  let client: TrainingJobClient;
  let watch: TrainingJobWatch;
  const seen = new Map<string, MappedStatus>();

  /**
   * Sets the quota's hard CPU, and its status as the resourcequota controller (not run here) would compute it with no
   * pod: admission checks a request against the status, and lets everything through while it is empty.
   */
  const setQuota = async (cpu: string) => {
    const quota = await core.readNamespacedResourceQuota({ name: QUOTA, namespace });
    quota.spec = { hard: { 'requests.cpu': cpu, 'limits.cpu': cpu } };
    const updated = await core.replaceNamespacedResourceQuota({ name: QUOTA, namespace, body: quota });
    updated.status = { hard: { 'requests.cpu': cpu, 'limits.cpu': cpu }, used: { 'requests.cpu': '0', 'limits.cpu': '0' } };
    await core.replaceNamespacedResourceQuotaStatus({ name: QUOTA, namespace, body: updated });
  };

  before(async () => {
    kube = await startKubeTestServer({ controllers: true });
    core = kube.kc.makeApiClient(CoreV1Api);
    client = new TrainingJobClient(kube.kc, namespace);
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    await core.createNamespacedResourceQuota({
      namespace,
      body: { metadata: { name: QUOTA }, spec: { hard: { 'requests.cpu': '1', 'limits.cpu': '1' } } },
    });
    await setQuota('1');
    watch = new TrainingJobWatch(kube.kc, namespace, (e) => seen.set(e.jobId, e.status));
    await watch.start();
  });
  after(async () => {
    await watch?.stop();
    await kube?.stop();
  });

  it('shows Pending/Queuing naming the quota while no pod can be made, then the pod once the quota has room', async () => {
    const jobId = 'd0000000-0000-4000-8000-000000000001';
    await client.apply(trainingJobObjects(workload(jobId)));
    watch.follow(jobId, 1);
    const refused = await until('the quota refusal in the status', () => {
      const s = seen.get(jobId);
      return s?.tasks[0]?.message.includes(QUOTA) ? s : undefined;
    });
    assert.equal(refused.phase, 'Pending');
    assert.equal(refused.secondary_phase, 'Queuing');
    assert.match(refused.tasks[0]!.message, new RegExp(`refused by the ResourceQuota ${QUOTA} \\(exceeded quota.*limited: .*cpu=1`));
    assert.equal((await core.listNamespacedPod({ namespace })).items.length, 0, 'the API server made no pod');

    await setQuota('4');
    // The Job controller tries again (with its back-off): the pod is made and waits for a node, the quota's message gone.
    const made = await until('the pod to be made', () => (watch.podsOf(jobId).length > 0 ? seen.get(jobId) : undefined), 60_000);
    assert.ok(!made?.tasks[0]?.message.includes(QUOTA), JSON.stringify(made));
  });
});
