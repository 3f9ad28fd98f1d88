// Intelligent tasks through the unchanged API on an Atelier started with --executor kubernetes, against a real API
// server with the real Job controller (test-kubelet stands in for the kubelet). An auto-labeling task's learner becomes
// a Job of one pod with its staging Secret; no pod runs here, so the test does what the pod's containers would do, with
// the plan the Secret holds and against the same object store: stage.py downloads the learner's input, the real
// learner.py learns, stage.py uploads its output. The task then finishes from what Atelier reads back. A failed pod
// fails the task with its reason, a stop deletes the Job, a restart adopts the Job, and an orphan Job is deleted.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BatchV1Api, CoreV1Api, SchedulingV1Api, type V1Job, type V1Pod } from '@kubernetes/client-node';
import type { AtelierApp } from '#src/app.ts';
import type { AtelierClient } from '#src/client/index.ts';
import { LEARNER_IN, LEARNER_OUT } from '#src/modules/intelligent-tasks/kube-learner.ts';
import { resourceSelector } from '#src/runtime/kubernetes/labels.ts';
import { POOL_LABEL, poolPriorityClass } from '#src/runtime/kubernetes/pool-placement.ts';
import { LABEL_TASK_TYPE, TASK_CONTAINER, TASK_DIR, taskObjects } from '#src/runtime/kubernetes/task-manifest.ts';
import { TaskJobClient, taskStagingSecretName } from '#src/runtime/kubernetes/task-objects.ts';
import { restartedApp, startTestApp, type TestApp } from '../../helpers/app.ts';
import { kubeTestServerSkip, startKubeTestServer, until, type KubeTestServer } from '../../helpers/kube.ts';
import { createBody, datasetReady } from '../../datasets/fixtures.ts';
import { generator, sentence, TOPIC_NAMES } from '../../intelligent-tasks/fixtures.ts';
import { startAtelierOnCluster, type AtelierOnCluster } from './atelier-on-cluster.ts';
import { registerNode, settlePod, startLogKubelet, type LogKubelet, type PodOutcome } from './test-kubelet.ts';

const NS = 'atelier-tasks-exec';
const BUCKET = 'kube-tasks';
const IMAGE = 'registry.example/atelier-runtime:1';
/** The learner's Python (numpy, scikit-learn), as the runtime image has it. */
const LEARNER_PYTHON = join(import.meta.dirname, '../../../.cache/python-tools/ml-frameworks/bin/python');
const LEARNER = join(import.meta.dirname, '../../../src/modules/intelligent-tasks/learner.py');

type Task = Awaited<ReturnType<AtelierClient['intelligentTasks']['describe']>>;

function run(command: string, args: string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

describe('intelligent tasks on the kubernetes executor', { skip: kubeTestServerSkip() || (!existsSync(LEARNER_PYTHON) && 'no ml-frameworks venv') }, () => {
  let kube: KubeTestServer;
  let kubelet: LogKubelet;
  let core: CoreV1Api;
  let batch: BatchV1Api;
  let onCluster: AtelierOnCluster;
  let t: TestApp;
  let app: AtelierApp;
  let client: AtelierClient;
  let dataset: string;
  const truth = new Map<string, string>();
  let setText = '';

  before(async () => {
    kube = await startKubeTestServer({ controllers: true });
    core = kube.kc.makeApiClient(CoreV1Api);
    batch = kube.kc.makeApiClient(BatchV1Api);
    kubelet = await startLogKubelet(kube.dir);
    await registerNode(core, 'node-a', {}, { cpu: '4', memory: '16Gi' }, kubelet.port);
    // Atelier runs as its own ServiceAccount with the executor's Role: the Role is shown to be enough for tasks.
    onCluster = await startAtelierOnCluster(kube, NS, IMAGE);
    t = onCluster.t;
    app = t.atelier;
    client = t.client;
    const objects = app.context.objectStore;
    await objects.ensureBucket(BUCKET);
    const rand = generator(11);
    const lines: string[] = [];
    for (const topic of TOPIC_NAMES) for (let i = 0; i < 8; i++) lines.push(`${sentence(topic, rand, i)}\t${topic}`);
    for (let i = 0; i < 30; i++) {
      const topic = TOPIC_NAMES[i % 3]!;
      const s = sentence(topic, rand, 1000 + i);
      truth.set(s, topic);
      lines.push(s);
    }
    setText = `${lines.join('\n')}\n`;
    await objects.put(BUCKET, 'txt/set.txt', setText);
    dataset = (await client.datasets.create(createBody('kube-texts', `/${BUCKET}/txt/`, `/${BUCKET}/work/`, { dataset_type: 100 }))).dataset_id;
    await datasetReady(client, dataset);
  });
  after(async () => {
    await app?.close();
    await onCluster?.close();
    await kubelet?.close();
    await kube?.stop();
  });

  const jobsOf = async (id: string): Promise<V1Job[]> => (await batch.listNamespacedJob({ namespace: NS, labelSelector: resourceSelector('task', id) })).items;
  const theJob = (id: string) => until(`the Job of task ${id}`, async () => (await jobsOf(id))[0]);
  const gone = (id: string) => until(`the Job of task ${id} to go`, async () => ((await jobsOf(id)).length === 0 ? true : undefined));
  const podsOf = async (id: string): Promise<V1Pod[]> => (await core.listNamespacedPod({ namespace: NS, labelSelector: resourceSelector('task', id) })).items;
  const settle = async (id: string, outcome: PodOutcome) =>
    settlePod(core, NS, (await until(`a pod of task ${id}`, async () => (await podsOf(id))[0])).metadata!.name!, outcome);
  const waitTask = async (id: string, done: (task: Task) => boolean): Promise<Task> => {
    let last: Task | undefined;
    return until(
      () => `task ${id} (last status ${last?.status}, ${last?.message} ${last?.error_msg ?? ''})`,
      async () => {
        last = await client.intelligentTasks.describe(dataset, id);
        return done(last) ? last : undefined;
      },
      60_000,
    );
  };
  const create = async (name: string, extra: Record<string, string> = {}) =>
    (await client.intelligentTasks.create(dataset, { task_type: 'auto-label', config: { name, ...extra } })).task_id;

  /** What the pod's init container and task container do, here against the same object store; the learner's exit code. */
  async function playPod(id: string, learnerExit?: number, mode = 'classify'): Promise<void> {
    const secret = await core.readNamespacedSecret({ name: taskStagingSecretName(id), namespace: NS });
    const data = (k: string) => Buffer.from(secret.data![k]!, 'base64').toString('utf8');
    const dir = mkdtempSync(join(tmpdir(), 'ktask-pod-'));
    try {
      writeFileSync(join(dir, 'plan.json'), data('plan.json').replaceAll(TASK_DIR, join(dir, 'task')));
      writeFileSync(join(dir, 'store.json'), data('store.json'));
      writeFileSync(join(dir, 'stage.py'), data('stage.py'));
      const staged = await run('python3', [join(dir, 'stage.py'), 'in', join(dir, 'plan.json')]);
      assert.equal(staged.status, 0, staged.stderr);
      const input = JSON.parse(readFileSync(join(dir, 'task/in/input.json'), 'utf8')) as { mode: string; unlabeled: unknown[] };
      assert.equal(input.mode, mode);
      assert.equal(input.unlabeled.length, truth.size);
      const at = (p: string) => p.replace(TASK_DIR, join(dir, 'task'));
      const learner =
        learnerExit === undefined
          ? [LEARNER_PYTHON, LEARNER, at(LEARNER_IN), at(LEARNER_OUT)]
          : ['sh', '-c', `echo '{}' > ${at(LEARNER_OUT)}/output.json; exit ${learnerExit}`];
      const ran = await run('python3', [join(dir, 'stage.py'), 'run', join(dir, 'plan.json'), '--', ...learner]);
      assert.equal(ran.status, learnerExit ?? 0, ran.stderr);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it("runs auto labeling's learner as a Job: staged in, learned, uploaded, and read back into the samples", async () => {
    const pool = `pool-${'0'.repeat(31)}9`;
    assert.ok(
      app.context.pools.add({ name: pool, projectId: t.creds.project_id, displayName: 'kube-task-pool', scope: ['Train'] }, [
        { name: 'node-a', capacity: { cpu: 2, memoryMb: 4096 } },
      ]),
    );
    // The pool's PriorityClass, which Atelier makes when a pool is created through the API (pool-quota.ts).
    await kube.kc.makeApiClient(SchedulingV1Api).createPriorityClass({ body: { metadata: { name: poolPriorityClass(pool) }, value: 1000 } });
    const id = await create('kube-auto-label', { pool_id: pool });
    const job = await theJob(id);
    assert.equal(job.metadata?.labels?.[LABEL_TASK_TYPE], 'intelligent');
    const spec = job.spec!.template.spec!;
    assert.deepEqual(spec.nodeSelector, { [POOL_LABEL]: pool });
    assert.equal(spec.priorityClassName, poolPriorityClass(pool), "counted by the pool's ResourceQuota");
    assert.equal(spec.containers[0]!.image, IMAGE);
    assert.deepEqual(spec.containers[0]!.resources?.limits, { cpu: '1', memory: '1Gi' });
    assert.deepEqual(spec.containers[0]!.command?.slice(-4), ['python3', '/opt/atelier/tasks/learner.py', LEARNER_IN, LEARNER_OUT]);
    assert.equal(spec.volumes?.find((v) => v.secret)?.secret?.secretName, taskStagingSecretName(id));
    const dedicated = app.context.pools.get(pool)!.pool;
    assert.deepEqual(dedicated.used(), { cpu: 1, memoryMb: 1024 }, 'the learner holds its share of the pool, as the local learner does');
    // The pod's state shows in the task's message: made, then waiting for a node, then learning.
    assert.equal((await waitTask(id, (x) => x.message.startsWith('learner'))).status, 1);
    await settle(id, { kind: 'unschedulable' });
    await waitTask(id, (x) => /^learner waiting: waiting for a node \(Unschedulable\)/.test(x.message));
    const stagedKeys = async () =>
      (await app.context.objectStore.list(BUCKET, { prefix: 'work/' })).objects.filter((o) => o.key.includes(`/intelligent-tasks/${id}/`)).map((o) => o.key);
    assert.match((await stagedKeys()).join(), /\/intelligent-tasks\/[^/]+\/in\/input\.json/, "the learner's input waits in the dataset's work folder");

    await settle(id, { kind: 'running' });
    await waitTask(id, (x) => x.message === 'learning');
    // The learner's progress lines, read from its pod's log through the API: 70% of learning is 46 + 35.
    const pod = (await podsOf(id))[0]!.metadata!.name!;
    kubelet.logs.set(`${NS}/${pod}/${TASK_CONTAINER}`, 'staged input.json\nprogress 20\nprogress 70\n');
    assert.equal((await waitTask(id, (x) => x.progress > 46)).progress, 81);
    await playPod(id);
    await settle(id, { kind: 'exited', code: 0 });
    const done = await waitTask(id, (x) => x.status !== 1);
    assert.equal(done.status, 3, JSON.stringify(done));
    assert.deepEqual([done.result.annotated_sample_count, done.result.total_sample_count, done.result.unconfirmed_sample_count], [24, 54, 30]);
    let right = 0;
    const { samples } = await client.intelligentTasks.samples(dataset, { limit: 100 });
    assert.equal(samples.length, truth.size);
    for (const s of samples) if (s.labels?.[0]?.name === truth.get(s.source!.replace(/^content:\/\//, ''))) right++;
    assert.ok(right / truth.size >= 0.7, `the learner's answers, read back: ${right}/${truth.size} right`);
    await gone(id);
    assert.deepEqual(dedicated.used(), { cpu: 0, memoryMb: 0 }, 'its share given back');
    await until("the learner's staged files to be removed", async () => ((await stagedKeys()).length === 0 ? true : undefined));
  });

  it('fails the task with the reason the pod gives (OOMKilled, ImagePullBackOff, a failed learner) and removes the Job', async () => {
    const oom = await create('kube-oom');
    await theJob(oom);
    await settle(oom, { kind: 'running' });
    await settle(oom, { kind: 'oom-killed' });
    const failed = await waitTask(oom, (x) => x.status !== 1);
    assert.equal(failed.status, 2);
    assert.match(failed.error_msg ?? '', /OOMKilled/);
    await gone(oom);

    const unpulled = await create('kube-pull');
    await theJob(unpulled);
    await settle(unpulled, { kind: 'image-pull-backoff' });
    const pull = await waitTask(unpulled, (x) => x.status !== 1);
    assert.equal(pull.status, 2);
    assert.match(pull.error_msg ?? '', /cannot be pulled \(ImagePullBackOff\)/);
    await gone(unpulled);

    const broken = await create('kube-broken');
    await theJob(broken);
    await playPod(broken, 3);
    await settle(broken, { kind: 'exited', code: 3 });
    const exited = await waitTask(broken, (x) => x.status !== 1);
    assert.equal(exited.status, 2);
    assert.match(exited.error_msg ?? '', /exited with code 3/);
    await gone(broken);
  });

  it('a stop deletes the Job and the task ends stopped', async () => {
    const id = await create('kube-stop');
    await theJob(id);
    await settle(id, { kind: 'running' });
    await client.intelligentTasks.stop(dataset, id);
    await gone(id);
    // The garbage collector deletes the pod with its Job; a bound pod then waits for its kubelet, which is not here.
    await until('its pod to be deleted with it', async () => ((await podsOf(id)).every((p) => p.metadata?.deletionTimestamp) ? true : undefined));
    const stopped = await waitTask(id, (x) => x.status === 5);
    assert.equal(stopped.message, 'stopped');
  });

  it("auto grouping's learner runs on the cluster the same way, and the groups are read back onto the samples", async () => {
    const id = (await client.intelligentTasks.create(dataset, { task_type: 'auto-grouping', config: { n_clusters: 3, property: 'cluster' } })).task_id;
    await theJob(id);
    await playPod(id, undefined, 'group');
    await settle(id, { kind: 'exited', code: 0 });
    const done = await waitTask(id, (x) => x.status !== 1);
    assert.equal(done.status, 3, JSON.stringify(done));
    const { samples } = await client.samples.list(dataset, { limit: 100 });
    const groups = samples.filter((x) => truth.has(x.source!.replace(/^content:\/\//, ''))).map((x) => x.metadata?.cluster);
    assert.equal(groups.length, truth.size);
    assert.ok(
      groups.every((g) => typeof g === 'string'),
      'every unlabeled sample has its group',
    );
    assert.equal(new Set(groups).size, 3);
    await gone(id);
  });

  it('fails a task, saying why, when the object store is a local folder no pod can reach', async () => {
    const ns = 'atelier-tasks-fs';
    await core.createNamespace({ body: { metadata: { name: ns } } });
    const fs = await startTestApp({ ATELIER_EXECUTOR: 'kubernetes', ATELIER_KUBE_CONFIG: kube.kubeconfigPath, ATELIER_KUBE_NAMESPACE: ns });
    try {
      await fs.atelier.recover();
      fs.atelier.startBackground();
      await fs.atelier.context.objectStore.ensureBucket(BUCKET);
      await fs.atelier.context.objectStore.put(BUCKET, 'txt/set.txt', setText);
      const id = (await fs.client.datasets.create(createBody('fs-texts', `/${BUCKET}/txt/`, `/${BUCKET}/work/`, { dataset_type: 100 }))).dataset_id;
      await datasetReady(fs.client, id);
      const task = (await fs.client.intelligentTasks.create(id, { task_type: 'auto-label' })).task_id;
      const failed = await until('the task to fail', async () => {
        const x = await fs.client.intelligentTasks.describe(id, task);
        return x.status === 2 ? x : undefined;
      });
      assert.match(failed.error_msg ?? '', /needs an S3-compatible object store/);
      assert.equal((await batch.listNamespacedJob({ namespace: ns })).items.length, 0, 'nothing was made');
    } finally {
      await fs.close();
    }
  });

  it('after a restart mid-task adopts the Job without making a second one, and deletes an orphan', async () => {
    const id = await create('kube-restart');
    const before = await theJob(id);
    await waitTask(id, (x) => x.message.startsWith('learner'));
    await settle(id, { kind: 'running' });
    await waitTask(id, (x) => x.message === 'learning');
    const orphanId = 'orphanxtask000000001';
    const orphan = taskObjects({
      taskId: orphanId,
      projectId: t.creds.project_id,
      namespace: NS,
      type: 'intelligent',
      image: IMAGE,
      command: ['python3', 'x.py'],
      stagingSecret: taskStagingSecretName(orphanId),
      env: {},
      share: { cpu: 1, memoryMb: 512 },
    });
    const secret = { metadata: { name: taskStagingSecretName(orphanId), namespace: NS, labels: orphan.job.metadata!.labels! } };
    await new TaskJobClient(kube.kc, NS).apply({ ...orphan, secret });
    await app.close();
    const restarted = await restartedApp(t);
    app = restarted.atelier;
    client = restarted.client;
    await gone(orphanId);
    const jobs = await jobsOf(id);
    assert.equal(jobs.length, 1);
    assert.equal(jobs[0]!.metadata!.uid, before.metadata!.uid, 'the same Job, not made again');
    await playPod(id);
    await settle(id, { kind: 'exited', code: 0 });
    const done = await waitTask(id, (x) => x.status !== 1 && x.status !== -1);
    assert.equal(done.status, 3, JSON.stringify(done));
    assert.equal(done.result.unconfirmed_sample_count, 30);
    await gone(id);
  });
});
