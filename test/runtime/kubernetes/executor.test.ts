// The executor's pieces run as Atelier's own ServiceAccount, bound to the Role it ships: the Role is enough for
// everything they do and grants nothing else; status comes from watches; a second apply creates nothing; orphans go.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiException, AuthorizationV1Api, BatchV1Api, CoreV1Api, KubeConfig, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import type { MappedStatus } from '#src/runtime/kubernetes/job-status.ts';
import { EXECUTOR_RULES, executorRole, executorRoleBinding } from '#src/runtime/kubernetes/rbac-manifest.ts';
import { TrainingJobClient } from '#src/runtime/kubernetes/training-job-objects.ts';
import { COMPLETION_INDEX_ANNOTATION, trainingJobObjects, type TrainingJobWorkload } from '#src/runtime/kubernetes/training-job-manifest.ts';
import { TrainingJobWatch } from '#src/runtime/kubernetes/training-job-watch.ts';
import { resourceSelector } from '#src/runtime/kubernetes/labels.ts';
import { kubeTestServerSkip, startKubeTestServer, until, type KubeTestServer } from '../../helpers/kube.ts';
import { settlePod } from './test-kubelet.ts';

const WORK = 'atelier-work';
const SYSTEM = 'atelier-system';
const ATELIER_USER = `system:serviceaccount:${SYSTEM}:atelier`;

const workload = (jobId: string, nodeCount: number): TrainingJobWorkload => ({
  jobId,
  projectId: 'fedcba9876543210fedcba9876543210',
  namespace: WORK,
  nodeCount,
  image: 'registry.example/atelier-runtime:1',
  command: ['python3', 'train.py'],
  workingDir: '/job/code',
  jobDir: '/job',
  env: {},
  perNode: { cpu: 1, memoryMb: 1024 },
});

describe('the Kubernetes executor as its own ServiceAccount', { skip: kubeTestServerSkip() }, () => {
  let kube: KubeTestServer;
  let core: CoreV1Api;
  let batch: BatchV1Api;
  /** Atelier's view: a token of its ServiceAccount, nothing of the admin's. */
  let atelier: KubeConfig;

  before(async () => {
    kube = await startKubeTestServer({ controllers: true });
    core = kube.kc.makeApiClient(CoreV1Api);
    batch = kube.kc.makeApiClient(BatchV1Api);
    const rbac = kube.kc.makeApiClient(RbacAuthorizationV1Api);
    for (const name of [WORK, SYSTEM]) await core.createNamespace({ body: { metadata: { name } } });
    await core.createNamespacedServiceAccount({ namespace: SYSTEM, body: { metadata: { name: 'atelier' } } });
    await rbac.createNamespacedRole({ namespace: WORK, body: executorRole(WORK), fieldValidation: 'Strict' });
    await rbac.createNamespacedRoleBinding({ namespace: WORK, body: executorRoleBinding(WORK, { namespace: SYSTEM, serviceAccount: 'atelier' }) });
    const tr = await core.createNamespacedServiceAccountToken({
      name: 'atelier',
      namespace: SYSTEM,
      body: { spec: { audiences: [], expirationSeconds: 3600 } },
    });
    atelier = new KubeConfig();
    atelier.loadFromOptions({
      clusters: [{ name: 'c', server: kube.server, caData: Buffer.from(kube.caPem).toString('base64') }],
      users: [{ name: 'atelier', token: tr.status!.token }],
      contexts: [{ name: 'c', cluster: 'c', user: 'atelier', namespace: WORK }],
      currentContext: 'c',
    });
  });
  after(async () => {
    await kube?.stop();
  });

  it("grants exactly the Role's rules: each of its verbs is allowed, anything beside them is refused", async () => {
    const authz = kube.kc.makeApiClient(AuthorizationV1Api);
    const can = async (group: string, resource: string, verb: string, namespace: string | undefined = WORK, subresource?: string) => {
      const review = await authz.createSubjectAccessReview({
        body: {
          spec: {
            user: ATELIER_USER,
            groups: ['system:serviceaccounts', `system:serviceaccounts:${SYSTEM}`, 'system:authenticated'],
            resourceAttributes: { group, resource, verb, namespace, subresource },
          },
        },
      });
      return review.status?.allowed === true;
    };
    for (const rule of EXECUTOR_RULES) for (const verb of rule.verbs) assert.ok(await can(rule.apiGroup, rule.resource, verb), `${rule.resource} ${verb}`);
    const refused: [string, string, string, string | undefined][] = [
      ['', 'secrets', 'get', WORK],
      ['', 'secrets', 'list', WORK],
      ['', 'configmaps', 'get', WORK],
      ['', 'pods', 'create', WORK],
      ['', 'pods', 'delete', WORK],
      ['batch', 'jobs', 'update', WORK],
      ['batch', 'jobs', 'patch', WORK],
      ['apps', 'deployments', 'update', WORK],
      ['apps', 'daemonsets', 'create', WORK],
      ['', 'persistentvolumeclaims', 'delete', WORK],
      ['rbac.authorization.k8s.io', 'roles', 'create', WORK],
      ['batch', 'jobs', 'list', SYSTEM],
      ['batch', 'jobs', 'create', 'default'],
      ['', 'namespaces', 'list', undefined],
      ['', 'nodes', 'list', undefined],
    ];
    for (const [group, resource, verb, namespace] of refused)
      assert.equal(await can(group, resource, verb, namespace), false, `${resource} ${verb} in ${namespace}`);
    // And for real, through the API: another namespace's jobs are forbidden to it.
    await assert.rejects(atelier.makeApiClient(BatchV1Api).listNamespacedJob({ namespace: SYSTEM }), (e) => e instanceof ApiException && e.code === 403);
  });

  it('follows a job through watches: Creating, Pending (no node yet), Running, Completed; a watch started afterwards reads Completed', async () => {
    const jobId = 'b0000000-0000-4000-8000-000000000001';
    const seen: MappedStatus[] = [];
    const watch = new TrainingJobWatch(atelier, WORK, (e) => {
      if (e.jobId === jobId) seen.push(e.status);
    });
    await watch.start();
    try {
      watch.follow(jobId, 2);
      const client = new TrainingJobClient(atelier, WORK);
      assert.equal(await client.apply(trainingJobObjects(workload(jobId, 2))), 'created');
      const pods = await until('two pods', async () => {
        const list = await core.listNamespacedPod({ namespace: WORK, labelSelector: resourceSelector('training-job', jobId) });
        return list.items.length === 2 ? list.items : undefined;
      });
      await until('Pending', () => seen.find((s) => s.phase === 'Pending'));
      for (const pod of pods) await settlePod(core, WORK, pod.metadata!.name!, { kind: 'running' });
      await until('Running', () => seen.find((s) => s.phase === 'Running'));
      for (const pod of pods) await settlePod(core, WORK, pod.metadata!.name!, { kind: 'exited', code: 0 });
      await until('Completed', () => seen.find((s) => s.phase === 'Completed'));
      const phases = seen.map((s) => s.phase).filter((p, i, all) => i === 0 || all[i - 1] !== p);
      assert.deepEqual(phases, ['Creating', 'Pending', 'Running', 'Completed']);
      assert.deepEqual(
        seen.at(-1)!.tasks.map((t) => t.exit_code),
        [0, 0],
      );
      assert.ok(pods.every((p) => p.metadata?.annotations?.[COMPLETION_INDEX_ANNOTATION] !== undefined));
    } finally {
      await watch.stop();
    }
    // After a restart: a new watch's first list gives the job's state at once.
    const again: MappedStatus[] = [];
    const restarted = new TrainingJobWatch(atelier, WORK, (e) => again.push(e.status));
    await restarted.start();
    try {
      restarted.follow(jobId, 2);
      assert.equal(again.at(-1)?.phase, 'Completed');
    } finally {
      await restarted.stop();
    }
  });

  it('creates nothing twice and deletes the objects of jobs it does not know', async () => {
    const client = new TrainingJobClient(atelier, WORK);
    const kept = 'b0000000-0000-4000-8000-0000000000a1';
    const orphan = 'b0000000-0000-4000-8000-0000000000a2';
    assert.equal(await client.apply(trainingJobObjects(workload(kept, 1))), 'created');
    assert.equal(await client.apply(trainingJobObjects(workload(kept, 1))), 'existed');
    assert.equal(await client.apply(trainingJobObjects(workload(orphan, 1))), 'created');
    const before = (await client.listJobs()).map((j) => j.metadata?.name);
    assert.ok(before.includes(`ma-job-${kept}`) && before.includes(`ma-job-${orphan}`));
    const removed = await client.removeOrphans((id) => id !== orphan);
    assert.deepEqual(removed, [orphan]);
    const name = `ma-job-${orphan}`;
    await until('the orphan Job to be gone', async () => {
      try {
        await batch.readNamespacedJob({ name, namespace: WORK });
        return undefined;
      } catch (e) {
        return e instanceof ApiException && e.code === 404 ? true : undefined;
      }
    });
    await assert.rejects(core.readNamespacedService({ name, namespace: WORK }), (e) => e instanceof ApiException && e.code === 404);
    await assert.rejects(core.readNamespacedServiceAccount({ name, namespace: WORK }), (e) => e instanceof ApiException && e.code === 404);
    // Its pods follow (the garbage collector, through their owner reference).
    await until('the orphan pods to be gone', async () => {
      const list = await core.listNamespacedPod({ namespace: WORK, labelSelector: resourceSelector('training-job', orphan) });
      return list.items.length === 0 ? true : undefined;
    });
    await batch.readNamespacedJob({ name: `ma-job-${kept}`, namespace: WORK });
    assert.equal(await client.remove(orphan), false);
  });
});
