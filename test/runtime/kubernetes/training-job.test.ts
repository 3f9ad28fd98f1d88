// A training job's Kubernetes objects on a real API server with the real Job controller: the manifests pass the server's
// validation, the pods get their rank and environment, and the status mapper reads what a kubelet reports.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ApiException, BatchV1Api, CoreV1Api, NetworkingV1Api, type V1Job, type V1NetworkPolicy, type V1Pod } from '@kubernetes/client-node';
import { mapTrainingJobStatus } from '#src/runtime/kubernetes/job-status.ts';
import { KubeConfigError, loadKubeTarget, SERVICE_ACCOUNT_DIR } from '#src/runtime/kubernetes/kube-config.ts';
import { resourceSelector } from '#src/runtime/kubernetes/labels.ts';
import { poolNodeSelector } from '#src/runtime/kubernetes/pool-placement.ts';
import { COMPLETION_INDEX_ANNOTATION, trainingJobObjects, type TrainingJobWorkload } from '#src/runtime/kubernetes/training-job-manifest.ts';
import { kubeTestServerSkip, startKubeTestServer, until, type KubeTestServer } from '../../helpers/kube.ts';
import { settlePod, type PodOutcome } from './test-kubelet.ts';

const namespace = 'atelier-jobs';
const PROJECT = '0123456789abcdef0123456789abcdef';

function workload(jobId: string, nodeCount: number): TrainingJobWorkload {
  return {
    jobId,
    projectId: PROJECT,
    namespace,
    nodeCount,
    image: 'registry.example/atelier-runtime:1',
    command: ['python3', '/job/code/train.py', '--epochs=2'],
    workingDir: '/job/code',
    jobDir: '/job',
    env: { data_url: '/job/inputs/data_url', MA_TASK_INDEX: 'forged', LR: '0.1' },
    perNode: { cpu: 1.5, memoryMb: 2048 },
    nodeSelector: poolNodeSelector('pool-a'),
    closedNetworks: ['10.244.0.0/16', '192.168.5.10/32'],
  };
}

describe('training jobs on Kubernetes', { skip: kubeTestServerSkip() }, () => {
  let kube: KubeTestServer;
  let core: CoreV1Api;
  let batch: BatchV1Api;
  let net: NetworkingV1Api;

  before(async () => {
    kube = await startKubeTestServer({ controllers: true });
    core = kube.kc.makeApiClient(CoreV1Api);
    batch = kube.kc.makeApiClient(BatchV1Api);
    net = kube.kc.makeApiClient(NetworkingV1Api);
    await core.createNamespace({ body: { metadata: { name: namespace } } });
  });
  after(async () => {
    await kube?.stop();
  });

  /** Creates the job's objects (strict field validation: an unknown field is an error) and waits for its pods. */
  async function launch(jobId: string, nodeCount: number): Promise<{ job: V1Job; pods: V1Pod[] }> {
    const o = trainingJobObjects(workload(jobId, nodeCount));
    await core.createNamespacedServiceAccount({ namespace, body: o.serviceAccount, fieldValidation: 'Strict' });
    await net.createNamespacedNetworkPolicy({ namespace, body: o.networkPolicy, fieldValidation: 'Strict' });
    await core.createNamespacedService({ namespace, body: o.service, fieldValidation: 'Strict' });
    const job = await batch.createNamespacedJob({ namespace, body: o.job, fieldValidation: 'Strict' });
    const pods = await until(`${nodeCount} pods of ${jobId}`, async () => {
      const list = await core.listNamespacedPod({ namespace, labelSelector: resourceSelector('training-job', jobId) });
      return list.items.length === nodeCount ? list.items : undefined;
    });
    return { job, pods };
  }

  async function observe(jobId: string, nodeCount: number) {
    const name = `ma-job-${jobId}`;
    const job = await batch.readNamespacedJob({ name, namespace });
    const pods = await core.listNamespacedPod({ namespace, labelSelector: resourceSelector('training-job', jobId) });
    return mapTrainingJobStatus(job, pods.items, nodeCount);
  }

  const podOf = (pods: V1Pod[], index: number) => pods.find((p) => p.metadata?.annotations?.[COMPLETION_INDEX_ANNOTATION] === String(index))!.metadata!.name!;

  it('loads a kubeconfig file, or the service-account files of a pod, and says why when it has neither', async () => {
    const fromFile = loadKubeTarget({ kubeconfigPath: kube.kubeconfigPath, namespace });
    assert.equal(fromFile.source, 'kubeconfig');
    assert.equal(fromFile.server, kube.server);
    assert.equal(fromFile.namespace, namespace);
    await fromFile.kc.makeApiClient(CoreV1Api).readNamespace({ name: namespace });

    const prefix = join(kube.dir, 'pod-root');
    const sa = join(prefix, SERVICE_ACCOUNT_DIR);
    mkdirSync(sa, { recursive: true });
    writeFileSync(join(sa, 'token'), kube.token);
    writeFileSync(join(sa, 'ca.crt'), kube.caPem);
    writeFileSync(join(sa, 'namespace'), namespace);
    const port = new URL(kube.server).port;
    const inCluster = loadKubeTarget({ env: { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: port }, pathPrefix: prefix });
    assert.equal(inCluster.source, 'in-cluster');
    assert.equal(inCluster.namespace, namespace);
    const pods = await inCluster.kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: inCluster.namespace });
    assert.ok(Array.isArray(pods.items));

    assert.throws(() => loadKubeTarget({ env: {}, pathPrefix: join(kube.dir, 'nowhere') }), KubeConfigError);
    assert.throws(() => loadKubeTarget({ kubeconfigPath: join(kube.dir, 'missing') }), /does not exist/);
  });

  it('runs an indexed Job with one pod per node, its rank from the completion index, and maps it to Running then Completed', async () => {
    const jobId = 'a1b2c3d4-0000-4000-8000-000000000001';
    assert.equal(mapTrainingJobStatus(undefined, [], 2).phase, 'Creating');
    const { pods } = await launch(jobId, 2);
    const indexes = pods.map((p) => p.metadata?.annotations?.[COMPLETION_INDEX_ANNOTATION]).sort();
    assert.deepEqual(indexes, ['0', '1']);
    for (const pod of pods) {
      const spec = pod.spec!;
      assert.equal(spec.serviceAccountName, `ma-job-${jobId}`);
      assert.equal(spec.automountServiceAccountToken, false);
      assert.ok(!spec.volumes?.some((v) => v.projected), 'no API token volume');
      assert.equal(spec.securityContext?.runAsNonRoot, true);
      assert.deepEqual(spec.nodeSelector, { 'atelier.io/pool': 'pool-a' });
      const c = spec.containers[0]!;
      assert.deepEqual(c.resources?.limits, { cpu: '1500m', memory: '2Gi' });
      assert.equal(c.securityContext?.readOnlyRootFilesystem, true);
      const env = new Map((c.env ?? []).map((e) => [e.name, e]));
      assert.equal(env.get('MA_NUM_HOSTS')?.value, '2');
      assert.equal(env.get('MA_JOB_ID')?.value, jobId);
      assert.equal(env.get('MA_VJ_NAME')?.value, `modelarts-job-${jobId}`);
      assert.equal(env.get('data_url')?.value, '/job/inputs/data_url');
      assert.equal(env.get('MA_TASK_INDEX')?.valueFrom?.fieldRef?.fieldPath, `metadata.annotations['${COMPLETION_INDEX_ANNOTATION}']`);
      // The Job controller's own variable (from the pod's index label on 1.28 and later): the same rank.
      assert.match(env.get('JOB_COMPLETION_INDEX')?.valueFrom?.fieldRef?.fieldPath ?? '', /job-completion-index/);
      assert.equal(pod.metadata?.labels?.[COMPLETION_INDEX_ANNOTATION], pod.metadata?.annotations?.[COMPLETION_INDEX_ANNOTATION]);
      assert.equal(spec.hostname, pod.metadata?.name?.replace(/-[a-z0-9]{5}$/, ''));
    }
    // Pods no scheduler has placed yet: the job waits for room.
    const waiting = await observe(jobId, 2);
    assert.deepEqual([waiting.phase, waiting.secondary_phase, waiting.tasks[0]?.message], ['Pending', 'Queuing', 'waiting for the scheduler']);

    await settlePod(core, namespace, podOf(pods, 0), { kind: 'running' });
    await settlePod(core, namespace, podOf(pods, 1), { kind: 'running' });
    const running = await observe(jobId, 2);
    assert.equal(running.phase, 'Running');
    assert.ok(running.startedAt && running.startedAt > 0);
    await settlePod(core, namespace, podOf(pods, 0), { kind: 'exited', code: 0 });
    await settlePod(core, namespace, podOf(pods, 1), { kind: 'exited', code: 0 });
    const done = await until('the Job controller to complete the job', async () => {
      const s = await observe(jobId, 2);
      return s.phase === 'Completed' ? s : undefined;
    });
    assert.deepEqual(done.tasks, [
      { task: 'worker-0', exit_code: 0, message: '' },
      { task: 'worker-1', exit_code: 0, message: '' },
    ]);
  });

  const failures: { name: string; outcome: PodOutcome; phase: string; secondary: string; exit: number; message: RegExp; controllerFails: boolean }[] = [
    {
      name: 'OOMKilled',
      outcome: { kind: 'oom-killed' },
      phase: 'Failed',
      secondary: 'Failed',
      exit: 137,
      message: /memory limit \(2Gi\) \(OOMKilled\)/,
      controllerFails: true,
    },
    {
      name: 'Evicted',
      outcome: { kind: 'evicted' },
      phase: 'Failed',
      secondary: 'Failed',
      exit: 137,
      message: /evicted from its node: The node was low on resource: memory/,
      controllerFails: true,
    },
    {
      name: 'a non-zero exit',
      outcome: { kind: 'exited', code: 3 },
      phase: 'Failed',
      secondary: 'Failed',
      exit: 3,
      message: /exited with code 3/,
      controllerFails: true,
    },
    {
      name: 'ImagePullBackOff',
      outcome: { kind: 'image-pull-backoff' },
      phase: 'Failed',
      secondary: 'Failed',
      exit: -1,
      message: /cannot be pulled \(ImagePullBackOff\)/,
      controllerFails: false,
    },
    {
      name: 'an unschedulable pod',
      outcome: { kind: 'unschedulable' },
      phase: 'Pending',
      secondary: 'Queuing',
      exit: -1,
      message: /waiting for a node \(Unschedulable\): 0\/3 nodes/,
      controllerFails: false,
    },
  ];
  for (const [i, f] of failures.entries()) {
    it(`maps ${f.name} to ${f.phase}/${f.secondary}`, async () => {
      const jobId = `a1b2c3d4-0000-4000-8000-00000000010${i}`;
      const { pods } = await launch(jobId, 2);
      await settlePod(core, namespace, podOf(pods, 0), { kind: 'running' });
      await settlePod(core, namespace, podOf(pods, 1), f.outcome);
      const s = await observe(jobId, 2);
      assert.equal(s.phase, f.phase);
      assert.equal(s.secondary_phase, f.secondary);
      const t = s.tasks[1]!;
      assert.equal(t.exit_code, f.exit);
      assert.match(t.message, f.message);
      if (f.phase === 'Failed') assert.match(s.reason ?? '', f.message);
      if (f.controllerFails) {
        // The Job controller agrees: backoffLimit 0 fails the whole job.
        const job = await until('the Job controller to fail the job', async () => {
          const j = await batch.readNamespacedJob({ name: `ma-job-${jobId}`, namespace });
          // FailureTarget first; Failed only once every pod has ended, and pod 0, bound to a node with no kubelet, never does.
          return j.status?.conditions?.some((c) => (c.type === 'Failed' || c.type === 'FailureTarget') && c.status === 'True') ? j : undefined;
        });
        assert.equal(
          mapTrainingJobStatus(job, (await core.listNamespacedPod({ namespace, labelSelector: resourceSelector('training-job', jobId) })).items, 2).phase,
          'Failed',
        );
      }
    });
  }

  it("closes the job's pods to everything but its own pods, and its traffic to the closed networks", async () => {
    const jobId = 'a1b2c3d4-0000-4000-8000-000000000020';
    await launch(jobId, 1);
    // Plain data: the client gives model class instances.
    const policy = JSON.parse(JSON.stringify(await net.readNamespacedNetworkPolicy({ name: `ma-job-${jobId}`, namespace }))) as V1NetworkPolicy;
    const own = { podSelector: { matchLabels: { 'atelier.io/resource-id': jobId } } };
    assert.deepEqual(policy.spec?.podSelector, own.podSelector);
    assert.deepEqual(policy.spec?.policyTypes, ['Ingress', 'Egress']);
    assert.deepEqual(policy.spec?.ingress, [{ _from: [own] }]);
    const v4 = policy.spec?.egress?.find((r) => r.to?.[0]?.ipBlock?.cidr === '0.0.0.0/0');
    assert.deepEqual(policy.spec?.egress?.[0], { to: [own] });
    assert.deepEqual(v4?.to?.[0]?.ipBlock?.except, ['10.244.0.0/16', '192.168.5.10/32']);
    // The server checks the networks: one that is not a CIDR is refused, nothing is stored.
    const bad = trainingJobObjects({ ...workload('a1b2c3d4-0000-4000-8000-000000000021', 1), closedNetworks: ['not-a-network'] });
    await assert.rejects(
      net.createNamespacedNetworkPolicy({ namespace, body: bad.networkPolicy }),
      (e) => e instanceof ApiException && e.code === 422 && /except/.test(String(e.body)),
    );
  });

  it('refuses a node count out of range and a resource id that cannot be a label', () => {
    assert.throws(() => trainingJobObjects(workload('a1b2c3d4-0000-4000-8000-000000000009', 0)), /node count 0/);
    assert.throws(() => trainingJobObjects({ ...workload('x', 1), jobId: 'Bad Id' }), /cannot be a Kubernetes label value/);
  });
});
