// Pre-labeling through the unchanged API on an Atelier started with --executor kubernetes, against a real API server
// with the real Job controller (test-kubelet stands in for the kubelet). A pre-label run becomes a Job of one pod:
// Atelier's own image runs `atelier prelabel run`, the model server runs beside it as a native sidecar. No pod runs
// here, so the test does what its containers would do: stage.py downloads the job file, the sample files and the
// model, the real model server (images/runtime/serve.py) listens on a loopback port, the real command (bin/atelier.mjs)
// asks it about every sample, stage.py uploads the outcome. The task then leaves the labels a local-executor Atelier
// leaves for the same samples; a model that does not fit fails the task saying why; a stop deletes the Job; an orphan
// Job is deleted. While it runs, the run holds its share of the cluster's nodes (the pool of work that names none, which
// ListClusters shows): the model server's flavor and the command's share; a run they have no room for fails.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BatchV1Api, CoreV1Api, SchedulingV1Api, type V1Job, type V1Pod } from '@kubernetes/client-node';
import type { AtelierClient } from '#src/client/index.ts';
import { resourceSelector } from '#src/runtime/kubernetes/labels.ts';
import { POOL_LABEL, poolPriorityClass } from '#src/runtime/kubernetes/pool-placement.ts';
import { MODEL_CONTAINER, MODEL_DIR, MODEL_SERVER_PORT } from '#src/runtime/kubernetes/service-manifest.ts';
import { LABEL_TASK_TYPE, TASK_DIR, taskObjects } from '#src/runtime/kubernetes/task-manifest.ts';
import { TaskJobClient, taskStagingSecretName } from '#src/runtime/kubernetes/task-objects.ts';
import type { StagingPlan } from '#src/runtime/kubernetes/training-job-staging.ts';
import { restartedApp, startTestApp, type TestApp } from '../../helpers/app.ts';
import { kubeTestServerSkip, startKubeTestServer, until, type KubeTestServer } from '../../helpers/kube.ts';
import { createBody, datasetReady } from '../../datasets/fixtures.ts';
import { COLOURS, generator, taskDone } from '../../intelligent-tasks/fixtures.ts';
import { colourBmp, colourModel, zebraModel } from '../../intelligent-tasks/prelabel-fixtures.ts';
import { importModel, putPackage } from '../../models/fixtures.ts';
import { startAtelierOnCluster, type AtelierOnCluster } from './atelier-on-cluster.ts';
import { run, startModelServer } from './pod-commands.ts';
import { registerNode, settlePod, type PodOutcome } from './test-kubelet.ts';

const NS = 'atelier-prelabel-exec';
const IMAGE = 'registry.example/atelier-runtime:1';
const ROOT = join(import.meta.dirname, '../../..');
const BIN = join(ROOT, 'bin/atelier.mjs');
const BUCKET = 'kplab';
const CLASSIFIER = 'swr.example.com/team/classifier:1';
const classes = Object.keys(COLOURS);

describe('pre-labeling on the kubernetes executor', { skip: kubeTestServerSkip() }, () => {
  let kube: KubeTestServer;
  let core: CoreV1Api;
  let batch: BatchV1Api;
  let onCluster: AtelierOnCluster;
  let t: TestApp;
  let client: AtelierClient;
  /** The same Atelier on the local executor, for the labels to compare with. */
  let local: TestApp;
  const datasets = new Map<TestApp, string>();
  const colour = new Map<TestApp, string>();
  let zebra: string;

  before(async () => {
    kube = await startKubeTestServer({ controllers: true });
    core = kube.kc.makeApiClient(CoreV1Api);
    batch = kube.kc.makeApiClient(BatchV1Api);
    await registerNode(core, 'node-a', {}, { cpu: '4', memory: '16Gi' });
    onCluster = await startAtelierOnCluster(kube, NS, IMAGE);
    t = onCluster.t;
    client = t.client;
    local = await startTestApp();
    local.atelier.startBackground();
    for (const a of [t, local]) {
      const rand = generator(7);
      await a.atelier.context.objectStore.ensureBucket(BUCKET);
      for (let i = 0; i < 6; i++) await a.atelier.context.objectStore.put(BUCKET, `img/u-${i}.bmp`, colourBmp(classes[i % 3]!, rand));
      const id = (await a.client.datasets.create(createBody('kplab', `/${BUCKET}/img/`, `/${BUCKET}/work/`, { labels: classes.map((name) => ({ name })) })))
        .dataset_id;
      await datasetReady(a.client, id);
      datasets.set(a, id);
      colour.set(a, await importModel(a.client, await putPackage(a, BUCKET, 'models/colour', colourModel()), 'colour', '1.0.0', 'Scikit_Learn'));
    }
    zebra = await importModel(client, await putPackage(t, BUCKET, 'models/zebra', zebraModel()), 'zebra', '1.0.0', 'Scikit_Learn');
  });
  after(async () => {
    await local?.close();
    await onCluster?.close();
    await kube?.stop();
  });

  const jobsOf = async (id: string): Promise<V1Job[]> => (await batch.listNamespacedJob({ namespace: NS, labelSelector: resourceSelector('task', id) })).items;
  const theJob = (id: string) => until(`the Job of task ${id}`, async () => (await jobsOf(id))[0]);
  const gone = (id: string) => until(`the Job of task ${id} to go`, async () => ((await jobsOf(id)).length === 0 ? true : undefined));
  const podsOf = async (id: string): Promise<V1Pod[]> => (await core.listNamespacedPod({ namespace: NS, labelSelector: resourceSelector('task', id) })).items;
  const settle = async (id: string, outcome: PodOutcome) =>
    settlePod(core, NS, (await until(`a pod of task ${id}`, async () => (await podsOf(id))[0])).metadata!.name!, outcome);

  /** The cores and MB the cluster's nodes have left for work that names no pool (ListClusters). */
  const allocatable = async (c: AtelierClient = client): Promise<[number, number]> => {
    const cluster = (await c.services.clusters()).clusters[0]!;
    return [cluster.allocatable_cpu_cores, cluster.allocatable_memory];
  };
  const allocatableIs = (want: [number, number], what: string, c?: AtelierClient) =>
    until(what, async () => (JSON.stringify(await allocatable(c)) === JSON.stringify(want) ? true : undefined));
  /** The default instance (1 core, 1024 MB) and the command beside it (0.5 core, 512 MB). */
  const held = (free: [number, number]): [number, number] => [free[0] - 1.5, free[1] - 1536];

  /** The samples' labels as a task left them: name and score by sample name. */
  async function labelsOf(a: TestApp): Promise<Record<string, [string, number] | undefined>> {
    const r = await a.client.intelligentTasks.samples(datasets.get(a)!, { limit: 100, offset: 0 });
    return Object.fromEntries(r.samples.map((s) => [s.sample_name!, s.labels?.[0] ? [s.labels[0].name!, Number(s.labels[0].score?.toFixed(6))] : undefined]));
  }

  async function planOf(id: string): Promise<StagingPlan> {
    const secret = await core.readNamespacedSecret({ name: taskStagingSecretName(id), namespace: NS });
    return JSON.parse(Buffer.from(secret.data!['plan.json']!, 'base64').toString('utf8')) as StagingPlan;
  }

  /** What the pod's containers do: stage-in, the model server, the command (stage.py run). */
  async function playPod(id: string, imageServer?: number): Promise<void> {
    const pod = (await theJob(id)).spec!.template.spec!;
    const sidecar = pod.initContainers!.find((c) => c.name === MODEL_CONTAINER)!;
    const secret = await core.readNamespacedSecret({ name: taskStagingSecretName(id), namespace: NS });
    const data = (k: string) => Buffer.from(secret.data![k]!, 'base64').toString('utf8');
    const dir = mkdtempSync(join(tmpdir(), 'kplab-pod-'));
    let server: ChildProcess | undefined;
    try {
      const task = join(dir, 'task');
      const model = join(dir, 'model');
      mkdirSync(model);
      writeFileSync(join(dir, 'plan.json'), data('plan.json').replaceAll(`"${TASK_DIR}`, `"${task}`).replaceAll(`"${MODEL_DIR}`, `"${model}`));
      writeFileSync(join(dir, 'store.json'), data('store.json'));
      writeFileSync(join(dir, 'stage.py'), data('stage.py'));
      const staged = await run('python3', [join(dir, 'stage.py'), 'in', join(dir, 'plan.json')]);
      assert.equal(staged.status, 0, staged.stderr);
      const started = imageServer === undefined ? await startModelServer(sidecar, model) : { port: imageServer, child: undefined };
      server = started.child;
      const command = pod.containers[0]!.command!;
      const program = command.slice(command.indexOf('--') + 1).map((a) => (a === TASK_DIR ? task : a === String(MODEL_SERVER_PORT) ? String(started.port) : a));
      const ran = await run('python3', [join(dir, 'stage.py'), 'run', join(dir, 'plan.json'), '--', 'node', BIN, ...program.slice(2)]);
      assert.equal(ran.status, 0, ran.stderr);
    } finally {
      server?.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it("runs as a Job of Atelier's image beside the model server, and leaves the labels the local executor leaves", async () => {
    const l = await local.client.intelligentTasks.create(datasets.get(local)!, { task_type: 'pre-label', model_id: colour.get(local)! });
    assert.equal((await taskDone(local.client, datasets.get(local)!, l.task_id)).status, 3);
    const dataset = datasets.get(t)!;
    const free = await allocatable();
    const { task_id: id } = await client.intelligentTasks.create(dataset, { task_type: 'pre-label', model_id: colour.get(t)! });
    const job = await theJob(id);
    assert.deepEqual(await allocatable(), held(free), "the run holds the model server's flavor and the command's share before its Job is made");
    assert.equal(job.metadata?.labels?.[LABEL_TASK_TYPE], 'prelabel');
    const spec = job.spec!.template.spec!;
    assert.equal(spec.containers[0]!.image, t.atelier.context.config.kube.atelierImage);
    assert.deepEqual(spec.containers[0]!.command?.slice(-6), ['node', '/app/bin/atelier.mjs', 'prelabel', 'run', TASK_DIR, String(MODEL_SERVER_PORT)]);
    const sidecar = spec.initContainers!.find((c) => c.name === MODEL_CONTAINER)!;
    assert.equal(sidecar.restartPolicy, 'Always');
    assert.equal(sidecar.image, IMAGE);
    const plan = await planOf(id);
    assert.deepEqual(plan.code, { bucket: BUCKET, key: 'models/colour/model/', dir: MODEL_DIR });
    assert.deepEqual(
      plan.inputs.map((i) => [i.name, i.key]),
      [
        ['job', `.atelier-staging/prelabel/${id}/job/job.json`],
        ['files-0', 'img/'],
      ],
    );
    assert.deepEqual(
      plan.outputs.map((o) => o.name),
      ['results'],
    );
    await settle(id, { kind: 'running' });
    await playPod(id);
    await settle(id, { kind: 'exited', code: 0 });
    const done = await taskDone(client, dataset, id);
    assert.equal(done.status, 3, JSON.stringify(done));
    assert.deepEqual([done.result.total_sample_count, done.result.unconfirmed_sample_count], [6, 6]);
    const labels = await labelsOf(t);
    assert.equal(Object.keys(labels).length, 6);
    assert.deepEqual(labels, await labelsOf(local));
    await gone(id);
    await allocatableIs(free, 'the share given back once the run ended');
  });

  it("a run the cluster's nodes have no room for fails saying so, as on the local executor, and makes no Job", async () => {
    const dataset = datasets.get(t)!;
    const free = await allocatable();
    // a real-time service holds all but one core of the nodes
    const { service_id: hog } = await client.services.create({
      service_name: 'kplab-hog',
      infer_type: 'real-time',
      config: [{ model_id: colour.get(t)!, weight: 100, instance_count: 1, specification: 'custom', custom_spec: { cpu: free[0] - 1, memory: 1024 } }],
    });
    await allocatableIs([1, free[1] - 1024], 'the service holding its share');
    const { task_id: id } = await client.intelligentTasks.create(dataset, { task_type: 'pre-label', model_id: colour.get(t)! });
    const done = await taskDone(client, dataset, id);
    assert.equal(done.status, 2, JSON.stringify(done));
    assert.match(done.error_msg ?? '', /the pool has no room for the model's instance \(1\.5 cores, 1536 MB\) now/);
    assert.deepEqual(await jobsOf(id), []);
    await client.services.delete(hog);
    await allocatableIs(free, 'the service gone, the nodes free again');
  });

  it('a model whose answers are not labels of the dataset fails the task with the reason, as on the local executor', async () => {
    const dataset = datasets.get(t)!;
    const { task_id: id } = await client.intelligentTasks.create(dataset, { task_type: 'pre-label', model_id: zebra });
    await theJob(id);
    await settle(id, { kind: 'running' });
    await playPod(id);
    await settle(id, { kind: 'exited', code: 0 });
    const done = await taskDone(client, dataset, id);
    assert.equal(done.status, 2, JSON.stringify(done));
    assert.match(done.error_msg ?? '', /zebra/);
    await gone(id);
  });

  const imageConfig = {
    model_type: 'Image',
    model_algorithm: 'image_classification',
    swr_location: CLASSIFIER,
    apis: [
      {
        protocol: 'http',
        url: '/v1/classify',
        method: 'post',
        request: { 'Content-type': 'multipart/form-data', data: { type: 'object', properties: { images: { type: 'file' } } } },
        response: { 'Content-type': 'application/json', data: { type: 'object' } },
      },
    ],
  };
  /** An Image model imported from a package folder (its config.json) or from its image reference (initial_config). */
  const imageModels: [string, () => Promise<{ source_location: string; initial_config?: string }>][] = [
    [
      'a package folder',
      async () => ({ source_location: await putPackage(t, BUCKET, 'models/classifier', { 'model/config.json': JSON.stringify(imageConfig) }) }),
    ],
    ['its image reference, staging in the dataset work folder', async () => ({ source_location: CLASSIFIER, initial_config: JSON.stringify(imageConfig) })],
  ];
  for (const [from, source] of imageModels)
    it(`an Image model (imported from ${from}): its own image is the sidecar, called at its api path with each sample's file`, async () => {
      const version = from.startsWith('its image') ? '2.0.0' : '1.0.0';
      const model = (await client.models.create({ model_name: 'classifier', model_version: version, model_type: 'Image', ...(await source()) })).model_id;
      await until('the Image model published', async () => ((await client.models.show(model)).model_status === 'published' ? true : undefined));
      const dataset = datasets.get(t)!;
      const { task_id: id } = await client.intelligentTasks.create(dataset, { task_type: 'pre-label', model_id: model });
      const sidecar = (await theJob(id)).spec!.template.spec!.initContainers!.find((c) => c.name === MODEL_CONTAINER)!;
      assert.equal(sidecar.image, CLASSIFIER, "the model's own image");
      const plan = await planOf(id);
      assert.equal(plan.code, undefined, 'nothing staged for the image');
      if (version === '2.0.0')
        assert.ok(
          plan.inputs.some((i) => i.bucket === BUCKET && i.key.startsWith('work/') && i.key.includes(`/intelligent-tasks/${id}/prelabel/`)),
          JSON.stringify(plan.inputs),
        );
      // the image: every file is "green", and it says which paths and files it was sent
      const calls: string[] = [];
      const server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          calls.push(`${req.method} ${req.url} ${/filename="([^"]+)"/.exec(Buffer.concat(chunks).toString('latin1'))?.[1] ?? ''}`);
          res.writeHead(200, { 'content-type': 'application/json' }).end(
            JSON.stringify({
              predicted_label: 'green',
              scores: [
                ['green', 0.75],
                ['red', 0.25],
              ],
            }),
          );
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        await settle(id, { kind: 'running' });
        await playPod(id, (server.address() as AddressInfo).port);
      } finally {
        server.close();
      }
      assert.deepEqual(
        calls.sort(),
        [0, 1, 2, 3, 4, 5].map((i) => `POST /v1/classify u-${i}.bmp`),
      );
      await settle(id, { kind: 'exited', code: 0 });
      const done = await taskDone(client, dataset, id);
      assert.equal(done.status, 3, JSON.stringify(done));
      assert.equal(done.result.unconfirmed_sample_count, 6);
      assert.ok(Object.values(await labelsOf(t)).every((l) => l?.[0] === 'green' && l[1] === 0.75));
      await gone(id);
    });

  it("a run naming a pool holds that pool's share, not the nodes at large, and its pod goes on the pool's nodes", async () => {
    const dataset = datasets.get(t)!;
    const pool = `pool-${'0'.repeat(31)}8`;
    assert.ok(
      t.atelier.context.pools.add({ name: pool, projectId: t.creds.project_id, displayName: 'kplab-pool', scope: ['Infer'] }, [
        { name: 'node-a', capacity: { cpu: 2, memoryMb: 4096 } },
      ]),
    );
    // The pool's PriorityClass, which Atelier makes when a pool is created through the API (pool-quota.ts).
    await kube.kc.makeApiClient(SchedulingV1Api).createPriorityClass({ body: { metadata: { name: poolPriorityClass(pool) }, value: 1000 } });
    const dedicated = t.atelier.context.pools.get(pool)!.pool;
    const free = await allocatable();
    const { task_id: id } = await client.intelligentTasks.create(dataset, { task_type: 'pre-label', model_id: colour.get(t)!, config: { pool_id: pool } });
    const spec = (await theJob(id)).spec!.template.spec!;
    assert.deepEqual(spec.nodeSelector, { [POOL_LABEL]: pool });
    assert.equal(spec.priorityClassName, poolPriorityClass(pool), "counted by the pool's ResourceQuota");
    assert.deepEqual(dedicated.used(), { cpu: 1.5, memoryMb: 1536 });
    assert.deepEqual(await allocatable(), free, 'nothing of the nodes at large');
    await settle(id, { kind: 'running' });
    await client.intelligentTasks.stop(dataset, id);
    await gone(id);
    await until('the pool given back its share', async () => (dedicated.used().cpu === 0 ? true : undefined));
  });

  it('a stop deletes the Job and gives the share back; an orphan Job is deleted', async () => {
    const dataset = datasets.get(t)!;
    const free = await allocatable();
    const { task_id: id } = await client.intelligentTasks.create(dataset, { task_type: 'pre-label', model_id: colour.get(t)! });
    await theJob(id);
    await settle(id, { kind: 'running' });
    await client.intelligentTasks.stop(dataset, id);
    await gone(id);
    assert.equal((await taskDone(client, dataset, id)).status, 5);
    await allocatableIs(free, 'the share given back at the stop');
    const orphanId = 'orphanxprelabel00001';
    const orphan = taskObjects({
      taskId: orphanId,
      projectId: t.creds.project_id,
      namespace: NS,
      type: 'prelabel',
      image: IMAGE,
      command: ['node', 'x.mjs'],
      stagingSecret: taskStagingSecretName(orphanId),
      env: {},
      share: { cpu: 1, memoryMb: 512 },
    });
    const secret = { metadata: { name: taskStagingSecretName(orphanId), namespace: NS, labels: orphan.job.metadata!.labels! } };
    await new TaskJobClient(kube.kc, NS).apply({ ...orphan, secret });
    await gone(orphanId);
  });

  it('after a restart mid-run follows the same Job, and the task ends with its labels', async () => {
    const dataset = datasets.get(t)!;
    const { task_id: id } = await client.intelligentTasks.create(dataset, { task_type: 'pre-label', model_id: colour.get(t)! });
    const free = await allocatable();
    const first = await theJob(id);
    await settle(id, { kind: 'running' });
    await t.atelier.close();
    const restarted = await restartedApp(t);
    client = restarted.client;
    try {
      await allocatableIs(held(free), 'the adopted run holding its share on the restarted server');
      await playPod(id);
      const jobs = await jobsOf(id);
      assert.equal(jobs.length, 1);
      assert.equal(jobs[0]!.metadata!.uid, first.metadata!.uid, 'the same Job, not made again');
      await settle(id, { kind: 'exited', code: 0 });
      const done = await taskDone(client, dataset, id);
      assert.equal(done.status, 3, JSON.stringify(done));
      assert.equal(done.result.unconfirmed_sample_count, 6);
      await gone(id);
      await allocatableIs(free, 'the share given back once the adopted run ended');
    } finally {
      await restarted.atelier.close();
    }
  });
});
