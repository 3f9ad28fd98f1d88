// Intelligent and processing tasks on a real API server with the real Job controller, created as Atelier's
// ServiceAccount: the Job passes strict validation, its pod gets the staging steps and the isolation, a label selector
// finds the Job and its pod by the task's id, and the task's type tells the two families apart.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BatchV1Api, CoreV1Api, NetworkingV1Api, type V1Pod } from '@kubernetes/client-node';
import { resourceSelector } from '#src/runtime/kubernetes/labels.ts';
import { LABEL_TASK_TYPE, TASK_DIR, taskObjectName, taskObjects, type TaskType, type TaskWorkload } from '#src/runtime/kubernetes/task-manifest.ts';
import { kubeTestServerSkip, startKubeTestServer, until, type KubeTestServer } from '../../helpers/kube.ts';
import { executorIdentity, stagingSecretBody } from './executor-identity.ts';

const namespace = 'atelier-tasks';
const PROJECT = '0123456789abcdef0123456789abcdef';

const workload = (taskId: string, type: TaskType, over: Partial<TaskWorkload> = {}): TaskWorkload => ({
  taskId,
  projectId: PROJECT,
  namespace,
  type,
  image: 'registry.example/atelier-runtime:1',
  command: ['python3', '/opt/atelier/tasks/learner.py', TASK_DIR],
  stagingSecret: `${taskObjectName(taskId)}-staging`,
  env: { MA_TASK_ID: 'forged', LANG: 'C.UTF-8' },
  share: { cpu: 1, memoryMb: 2048 },
  deadlineSeconds: 3600,
  ...over,
});

describe('task manifests', { skip: kubeTestServerSkip() }, () => {
  let kube: KubeTestServer;
  let batch: BatchV1Api;
  let core: CoreV1Api;
  let net: NetworkingV1Api;

  before(async () => {
    kube = await startKubeTestServer({ controllers: true });
    const atelier = await executorIdentity(kube, namespace);
    batch = atelier.makeApiClient(BatchV1Api);
    core = atelier.makeApiClient(CoreV1Api);
    net = atelier.makeApiClient(NetworkingV1Api);
  });
  after(async () => {
    await kube?.stop();
  });

  async function launch(w: TaskWorkload): Promise<V1Pod> {
    const o = taskObjects(w);
    await core.createNamespacedServiceAccount({ namespace, body: o.serviceAccount, fieldValidation: 'Strict' });
    await net.createNamespacedNetworkPolicy({ namespace, body: o.networkPolicy, fieldValidation: 'Strict' });
    await core.createNamespacedSecret({ namespace, body: stagingSecretBody(w.stagingSecret, namespace, o.job.metadata!.labels!) });
    await batch.createNamespacedJob({ namespace, body: o.job, fieldValidation: 'Strict' });
    return until(
      `the pod of ${w.taskId}`,
      async () => (await core.listNamespacedPod({ namespace, labelSelector: resourceSelector('task', w.taskId) })).items[0],
    );
  }

  it('runs an intelligent task as a Job of one pod that stages in, runs through stage.py, and never restarts', async () => {
    const id = 'e1000000-0000-4000-8000-000000000001';
    const o = taskObjects(workload(id, 'intelligent'));
    await batch.createNamespacedJob({ namespace, body: o.job, fieldValidation: 'Strict', dryRun: 'All' });
    assert.equal((await batch.listNamespacedJob({ namespace })).items.length, 0, 'a dry run stores nothing');
    const pod = await launch(workload(id, 'intelligent'));
    const spec = pod.spec!;
    assert.equal(spec.restartPolicy, 'Never');
    assert.equal(spec.automountServiceAccountToken, false);
    assert.equal(spec.serviceAccountName, taskObjectName(id));
    assert.ok(!spec.volumes?.some((v) => v.projected), 'no API token volume');
    assert.deepEqual(spec.initContainers?.[0]?.command, ['python3', '/atelier/staging/stage.py', 'in', '/atelier/staging/plan.json']);
    const c = spec.containers[0]!;
    assert.deepEqual(c.command, [
      'python3',
      '/atelier/staging/stage.py',
      'run',
      '/atelier/staging/plan.json',
      '--',
      'python3',
      '/opt/atelier/tasks/learner.py',
      TASK_DIR,
    ]);
    assert.equal(c.securityContext?.readOnlyRootFilesystem, true);
    assert.deepEqual(c.resources?.limits, { cpu: '1', memory: '2Gi' });
    assert.equal(c.env?.find((e) => e.name === 'MA_TASK_ID')?.value, id);
    const job = await batch.readNamespacedJob({ namespace, name: taskObjectName(id) });
    assert.equal(job.spec?.backoffLimit, 0);
    assert.equal(job.spec?.activeDeadlineSeconds, 3600);
  });

  it('tells processing tasks from intelligent ones by label, and removes a task with its pod', async () => {
    const id = 'e1000000-0000-4000-8000-000000000002';
    await launch(workload(id, 'processing', { deadlineSeconds: undefined }));
    const processing = await batch.listNamespacedJob({ namespace, labelSelector: `${resourceSelector('task', id)},${LABEL_TASK_TYPE}=processing` });
    assert.equal(processing.items.length, 1);
    assert.equal(processing.items[0]?.spec?.activeDeadlineSeconds, undefined);
    const intelligent = await batch.listNamespacedJob({ namespace, labelSelector: `${LABEL_TASK_TYPE}=intelligent` });
    assert.equal(intelligent.items.length, 1);
    await batch.deleteNamespacedJob({ namespace, name: taskObjectName(id), propagationPolicy: 'Background' });
    await until('the processing task gone', async () =>
      (await batch.listNamespacedJob({ namespace, labelSelector: resourceSelector('task', id) })).items.length === 0 ? true : undefined,
    );
  });

  it('refuses a workload it cannot express', () => {
    assert.throws(() => taskObjects(workload('e1', 'processing', { command: [] })), /command is empty/);
    assert.throws(() => taskObjects(workload('e1', 'processing', { deadlineSeconds: 0 })), /deadline/);
    assert.throws(() => taskObjects(workload('x'.repeat(60), 'processing')), /longer than/);
  });
});
