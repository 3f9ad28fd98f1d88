// Processing tasks through the unchanged API on an Atelier started with --executor kubernetes, against a real API server
// with the real Job controller (test-kubelet stands in for the kubelet). A version becomes a Job of one pod of Atelier's
// own image with its staging Secret; no pod runs here, so the test does what the pod's containers would do, with the
// plan the Secret holds and against the same object store: stage.py downloads the job file and the input folders,
// `atelier process run` (this repository's bin/atelier.mjs, as the image has it) runs the operators, stage.py uploads.
// The version then finishes with what Atelier reads back, and its results are those a local-executor Atelier gives
// for the same files. A failed pod fails the version with its reason, a stop deletes the Job, a restart adopts the
// Job, and an orphan Job is deleted. While its pod runs, a version holds its share of the cluster's nodes (the pool of
// work that names none, which ListClusters shows); a version they have no room for fails saying so.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BatchV1Api, CoreV1Api, type V1Job, type V1Pod } from '@kubernetes/client-node';
import sharp from 'sharp';
import type { AtelierApp } from '#src/app.ts';
import type { AtelierClient } from '#src/client/index.ts';
import { IMAGE_ATELIER_BIN } from '#src/modules/processor-tasks/kube-processing.ts';
import { resourceSelector } from '#src/runtime/kubernetes/labels.ts';
import { LABEL_TASK_TYPE, TASK_CONTAINER, TASK_DIR, taskObjects } from '#src/runtime/kubernetes/task-manifest.ts';
import { TaskJobClient, taskStagingSecretName } from '#src/runtime/kubernetes/task-objects.ts';
import type { StagingPlan } from '#src/runtime/kubernetes/training-job-staging.ts';
import { restartedApp, startTestApp, type TestApp } from '../../helpers/app.ts';
import { kubeTestServerSkip, startKubeTestServer, until, type KubeTestServer } from '../../helpers/kube.ts';
import { createBody, datasetReady, versionDone } from '../../datasets/fixtures.ts';
import { examplePackage, importModel, putPackage } from '../../models/fixtures.ts';
import { allResults, latestVersion, patternImage, versionFinished } from '../../processor-tasks/fixtures.ts';
import { startAtelierOnCluster, type AtelierOnCluster } from './atelier-on-cluster.ts';
import { run } from './pod-commands.ts';
import { registerNode, settlePod, startLogKubelet, type LogKubelet, type PodOutcome } from './test-kubelet.ts';

const NS = 'atelier-processing-exec';
const IMAGE = 'registry.example/atelier-runtime:1';
const BIN = join(import.meta.dirname, '../../../bin/atelier.mjs');

type CreateBody = Parameters<AtelierClient['processorTasks']['create']>[0];
type Result = Awaited<ReturnType<typeof allResults>>[number];

function voc(file: string, w: number, h: number, boxes: number[][]): string {
  const objects = boxes
    .map(([x1, y1, x2, y2]) => `<object><name>car</name><bndbox><xmin>${x1}</xmin><ymin>${y1}</ymin><xmax>${x2}</xmax><ymax>${y2}</ymax></bndbox></object>`)
    .join('');
  return `<annotation><filename>${file}</filename><size><width>${w}</width><height>${h}</height><depth>3</depth></size>${objects}</annotation>`;
}

/** The same files in both Ateliers' stores. */
async function putBoth(apps: AtelierApp[], bucket: string, key: string, body: string | Buffer): Promise<void> {
  for (const a of apps) {
    await a.context.objectStore.ensureBucket(bucket);
    await a.context.objectStore.put(bucket, key, body);
  }
}

/** Results as both executors must give them: without the version's own id, in a fixed order (files finish in any order). */
const comparable = (versionId: string, results: Result[]) =>
  results
    .map((r) => ({
      sample_id: r.sample_id,
      origin_source: r.origin_source,
      new_source: r.new_source?.replace(versionId, '<version>'),
      result_property: r.result_property,
      result_description: r.result_description,
    }))
    .sort((a, b) => `${a.origin_source} ${a.new_source}`.localeCompare(`${b.origin_source} ${b.new_source}`));

/** Numbers to 12 significant digits: a mean summed in another order differs in its last bits. */
const rounded = (value: unknown): unknown => JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' ? Number(v.toPrecision(12)) : v)));

describe('processing tasks on the kubernetes executor', { skip: kubeTestServerSkip() }, () => {
  let kube: KubeTestServer;
  let kubelet: LogKubelet;
  let core: CoreV1Api;
  let batch: BatchV1Api;
  let onCluster: AtelierOnCluster;
  let t: TestApp;
  let app: AtelierApp;
  let client: AtelierClient;
  /** The same Atelier on the local executor, for the results to compare with. */
  let local: TestApp;

  before(async () => {
    kube = await startKubeTestServer({ controllers: true });
    core = kube.kc.makeApiClient(CoreV1Api);
    batch = kube.kc.makeApiClient(BatchV1Api);
    kubelet = await startLogKubelet(kube.dir);
    await registerNode(core, 'node-a', {}, { cpu: '4', memory: '16Gi' }, kubelet.port);
    onCluster = await startAtelierOnCluster(kube, NS, IMAGE);
    t = onCluster.t;
    app = t.atelier;
    client = t.client;
    local = await startTestApp();
    local.atelier.startBackground();
    const both = [app, local.atelier];
    await putBoth(both, 'kproc', 'aug/in/car.png', await patternImage(5, 100, 50));
    await putBoth(both, 'kproc', 'aug/in/car.xml', voc('car.png', 100, 50, [[10, 5, 30, 25]]));
    await putBoth(both, 'kproc', 'aug/in/van.jpg', await patternImage(7, 60, 40, 'jpeg'));
    await putBoth(both, 'kproc', 'aug/in/broken.png', 'not an image');
    for (let i = 0; i < 4; i++) await putBoth(both, 'kproc', `an/in/img${i}.png`, await patternImage(i + 20, 40 + i * 10, 40));
    await putBoth(both, 'kproc', 'one/only.png', await patternImage(3, 30, 30));
  });
  after(async () => {
    await local?.close();
    await app?.close();
    await onCluster?.close();
    await kubelet?.close();
    await kube?.stop();
  });

  const jobsOf = async (id: string): Promise<V1Job[]> => (await batch.listNamespacedJob({ namespace: NS, labelSelector: resourceSelector('task', id) })).items;
  const theJob = (id: string) => until(`the Job of version ${id}`, async () => (await jobsOf(id))[0]);
  const gone = (id: string) => until(`the Job of version ${id} to go`, async () => ((await jobsOf(id)).length === 0 ? true : undefined));
  const podsOf = async (id: string): Promise<V1Pod[]> => (await core.listNamespacedPod({ namespace: NS, labelSelector: resourceSelector('task', id) })).items;
  const settle = async (id: string, outcome: PodOutcome) =>
    settlePod(core, NS, (await until(`a pod of version ${id}`, async () => (await podsOf(id))[0])).metadata!.name!, outcome);
  /** The cores and MB the cluster's nodes have left for work that names no pool (ListClusters). */
  const allocatable = async (): Promise<[number, number]> => {
    const cluster = (await client.services.clusters()).clusters[0]!;
    return [cluster.allocatable_cpu_cores, cluster.allocatable_memory];
  };
  const allocatableIs = (want: [number, number], what: string) =>
    until(what, async () => (JSON.stringify(await allocatable()) === JSON.stringify(want) ? true : undefined));
  /** A processing pod's share: one core and 2 GiB. */
  const held = (free: [number, number]): [number, number] => [free[0] - 1, free[1] - 2048];
  const keysUnder = async (bucket: string, prefix: string) => (await app.context.objectStore.list(bucket, { prefix })).objects.map((o) => o.key);

  async function planOf(id: string): Promise<StagingPlan> {
    const secret = await core.readNamespacedSecret({ name: taskStagingSecretName(id), namespace: NS });
    return JSON.parse(Buffer.from(secret.data!['plan.json']!, 'base64').toString('utf8')) as StagingPlan;
  }

  /** What the pod's init container and task container do, here against the same object store. */
  async function playPod(id: string, command?: string[]): Promise<void> {
    const secret = await core.readNamespacedSecret({ name: taskStagingSecretName(id), namespace: NS });
    const data = (k: string) => Buffer.from(secret.data![k]!, 'base64').toString('utf8');
    const dir = mkdtempSync(join(tmpdir(), 'kproc-pod-'));
    try {
      const task = join(dir, 'task');
      writeFileSync(join(dir, 'plan.json'), data('plan.json').replaceAll(`"${TASK_DIR}`, `"${task}`));
      writeFileSync(join(dir, 'store.json'), data('store.json'));
      writeFileSync(join(dir, 'stage.py'), data('stage.py'));
      const staged = await run('python3', [join(dir, 'stage.py'), 'in', join(dir, 'plan.json')]);
      assert.equal(staged.status, 0, staged.stderr);
      const program = command ?? ['node', BIN, 'process', 'run', task];
      const ran = await run('python3', [join(dir, 'stage.py'), 'run', join(dir, 'plan.json'), '--', ...program]);
      assert.equal(ran.status, command ? ran.status : 0, ran.stderr);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** A task validating the four images of an/in/, with its output below kproc/`out`/. */
  const validation = (name: string, out: string): CreateBody => ({
    name,
    inputs: [{ type: 'OBS', source: '/kproc/an/in/' }],
    work_path: { type: 'OBS', path: `/kproc/${out}/` },
    create_version: true,
    template: { id: 'sys_data_validation', operator_params: [{ name: 'MetaValidation', params: {} }] },
  });

  /** Creates the same task on both Ateliers and waits for the local one's version; the kube version's ids. */
  async function createBoth(body: CreateBody): Promise<{ taskId: string; versionId: string; local: Result[]; localVersion: string }> {
    const l = await local.client.processorTasks.create(body);
    const localVersion = await latestVersion(local.client, l.task_id);
    assert.equal((await versionFinished(local.client, l.task_id, localVersion)).status, 2);
    const { task_id } = await client.processorTasks.create(body);
    return { taskId: task_id, versionId: await latestVersion(client, task_id), local: await allResults(local.client, l.task_id, localVersion), localVersion };
  }

  it("runs an augmentation version as a Job of Atelier's image, with the results and output files the local executor gives", async () => {
    const body: CreateBody = {
      name: 'kube-aug',
      inputs: [{ type: 'OBS', source: '/kproc/aug/in/' }],
      work_path: { type: 'OBS', path: '/kproc/aug/out/' },
      create_version: true,
      template: {
        id: 'sys_data_augmentation',
        operator_params: [
          { name: 'Flip', params: { Flip: '1', flip_type: 'horizontal', task_type: 'object_detection' } },
          { name: 'Scale', params: { Scale: '1', scale_ratio: '0.5' } },
        ],
      },
    };
    const free = await allocatable();
    const both = await createBoth(body);
    const id = both.versionId;
    const job = await theJob(id);
    assert.deepEqual(await allocatable(), held(free), 'the version holds its share of the nodes while its Job runs');
    assert.equal(job.metadata?.labels?.[LABEL_TASK_TYPE], 'processing');
    const spec = job.spec!.template.spec!;
    assert.equal(spec.containers[0]!.image, app.context.config.kube.atelierImage, "Atelier's own image, not the runtime image");
    assert.notEqual(spec.containers[0]!.image, IMAGE);
    assert.deepEqual(spec.containers[0]!.command?.slice(-5), ['node', IMAGE_ATELIER_BIN, 'process', 'run', TASK_DIR]);
    assert.deepEqual(spec.containers[0]!.resources?.limits, { cpu: '1', memory: '2Gi' });
    assert.equal(spec.automountServiceAccountToken, false);
    const plan = await planOf(id);
    // the job file, the one input folder (its images and their VOC files), the output path itself and the results
    assert.deepEqual(
      plan.inputs.map((i) => [i.name, i.key]),
      [
        ['job', `aug/out/${id}/.staging/job/job.json`],
        ['files-0', 'aug/in/'],
      ],
    );
    assert.deepEqual(
      plan.outputs.map((o) => [o.name, o.key]),
      [
        ['output', `aug/out/${id}/`],
        ['results', `aug/out/${id}/.staging/results/`],
      ],
    );
    assert.equal((await client.processorTasks.describeVersion(both.taskId, id)).status, 1, 'running while its Job runs');
    await settle(id, { kind: 'running' });
    await playPod(id);
    await settle(id, { kind: 'exited', code: 0 });
    const v = await versionFinished(client, both.taskId, id);
    assert.equal(v.status, 2, v.error_msg);
    assert.deepEqual([v.origin_sample_count, v.add_sample_count, v.deleted_sample_count, v.unmodified_sample_count], [3, 4, 1, 2]);
    const results = await allResults(client, both.taskId, id);
    assert.deepEqual(comparable(id, results), comparable(both.localVersion, both.local));
    // the pod's output went straight to the version's output path
    const out = await keysUnder('kproc', `aug/out/${id}/`);
    assert.deepEqual(
      out.sort(),
      [
        ...['car.png', 'car.xml', 'car_Flip.png', 'car_Flip.xml', 'car_Scale.png', 'car_Scale.xml', 'van.jpg', 'van_Flip.jpg', 'van_Scale.jpg'].map(
          (f) => `aug/out/${id}/Data/${f}`,
        ),
      ].sort(),
    );
    const flipped = await app.context.objectStore.readText('kproc', `aug/out/${id}/Data/car_Flip.xml`, 1 << 20);
    assert.match(flipped, /<xmin>70<\/xmin>[\s\S]*<xmax>90<\/xmax>/);
    const scaled = await app.context.objectStore.readBuffer('kproc', `aug/out/${id}/Data/car_Scale.png`, 1 << 20);
    assert.equal((await sharp(scaled).metadata()).width, 50);
    await gone(id);
    await allocatableIs(free, 'the share given back once the version ended');
  });

  it("fails a version the cluster's nodes have no room for, saying so, and makes no Job", async () => {
    const free = await allocatable();
    const model = await importModel(client, await putPackage(t, 'kproc', 'models/py', examplePackage('py-threshold')), 'iris', '1.0.0', 'Scikit_Learn');
    // a real-time service holds all but half a core of the nodes
    const { service_id: hog } = await client.services.create({
      service_name: 'kproc-hog',
      infer_type: 'real-time',
      config: [{ model_id: model, weight: 100, instance_count: 1, specification: 'custom', custom_spec: { cpu: free[0] - 0.5, memory: 1024 } }],
    });
    await allocatableIs([0.5, free[1] - 1024], 'the service holding its share');
    const { task_id } = await client.processorTasks.create(validation('kube-full', 'full-out'));
    const id = await latestVersion(client, task_id);
    const v = await versionFinished(client, task_id, id);
    assert.equal(v.status, 3);
    assert.match(v.error_msg ?? '', /the cluster has no room for the processing pod \(1 core, 2048 MB\) now: 0\.5 cores and \d+ MB free/);
    assert.deepEqual(await jobsOf(id), []);
    await client.services.delete(hog);
    await allocatableIs(free, 'the service gone, the nodes free again');
  });

  it('an analyse version without an output folder stages in its input bucket and reads the histograms back', async () => {
    const body: CreateBody = {
      name: 'kube-an',
      data_source: { type: 'OBS', source: '/kproc/an/in/' },
      template: { id: 'sys_data_analyse', operator_params: [{ id: 'sys_data_analyse', params: { op_list: [] } }] },
    };
    const both = await createBoth(body);
    const id = both.versionId;
    await theJob(id);
    const plan = await planOf(id);
    assert.equal(plan.inputs[0]?.key, `.atelier-staging/processing/${id}/job/job.json`);
    assert.deepEqual(
      plan.outputs.map((o) => o.name),
      ['results'],
    );
    await playPod(id);
    await settle(id, { kind: 'exited', code: 0 });
    const v = await versionFinished(client, both.taskId, id);
    assert.equal(v.status, 2, v.error_msg);
    const localTask = (await local.client.processorTasks.list({})).tasks.find((x) => x.name === 'kube-an');
    const task = await client.processorTasks.describe(both.taskId);
    assert.ok(localTask?.result);
    assert.deepEqual(rounded(task.result), rounded(localTask.result));
    assert.deepEqual(comparable(id, await allResults(client, both.taskId, id)), comparable(both.localVersion, both.local));
    await gone(id);
    await until('the staging folder to be removed', async () => ((await keysUnder('kproc', '.atelier-staging/')).length === 0 ? true : undefined));
  });

  it("a version whose work path is a dataset publishes the pod's files, with their moved boxes, as a dataset version", async () => {
    await putBoth([app], 'kproc', 'ds/in/car0.png', await patternImage(30, 100, 50));
    await putBoth([app], 'kproc', 'ds/in/car0.xml', voc('car0.png', 100, 50, [[10, 5, 30, 25]]));
    await putBoth([app], 'kproc', 'ds/in/car1.png', await patternImage(31, 100, 50));
    const dataset = (await client.datasets.create(createBody('kproc-ds', '/kproc/ds/in/', '/kproc/ds/work/', { dataset_type: 1 }))).dataset_id;
    await datasetReady(client, dataset);
    const { task_id } = await client.processorTasks.create({
      name: 'kube-ds',
      inputs: [{ type: 'DATASET', source: dataset }],
      work_path: { type: 'DATASET', path: dataset, version_name: 'V002' },
      create_version: true,
      template: { id: 'sys_data_augmentation', operator_params: [{ name: 'Flip', params: { Flip: '1', flip_type: 'horizontal' } }] },
    });
    const id = await latestVersion(client, task_id);
    await theJob(id);
    await playPod(id);
    await settle(id, { kind: 'exited', code: 0 });
    const v = await versionFinished(client, task_id, id);
    assert.equal(v.status, 2, v.error_msg);
    assert.equal(v.add_sample_count, 2);
    const published = v.work_path?.version_id;
    assert.ok(published, 'the published dataset version is named in the work path');
    assert.equal((await versionDone(client, dataset, published)).total_sample_count, 4);
    const copy = (await client.samples.list(dataset, { limit: 50 })).samples.find((s) => s.sample_name === 'car0_Flip.png');
    assert.deepEqual(copy?.labels?.[0]?.property?.['@modelarts:feature'], [
      [70, 5],
      [90, 25],
    ]);
    await gone(id);
  });

  it('fails the version with the reason the pod gives (OOMKilled, a failed command) and removes the Job', async () => {
    const body = (name: string): CreateBody => ({
      name,
      inputs: [{ type: 'OBS', source: '/kproc/one/only.png' }],
      work_path: { type: 'OBS', path: '/kproc/one-out/' },
      create_version: true,
      template: { id: 'sys_data_validation', operator_params: [{ name: 'MetaValidation', params: {} }] },
    });
    const oom = await client.processorTasks.create(body('kube-oom'));
    const oomVersion = await latestVersion(client, oom.task_id);
    await theJob(oomVersion);
    const plan = await planOf(oomVersion);
    assert.deepEqual(
      plan.inputs.map((i) => i.key),
      [`one-out/${oomVersion}/.staging/job/job.json`, 'one/only.png'],
      'a folder with one input file stages that file alone',
    );
    await settle(oomVersion, { kind: 'running' });
    await settle(oomVersion, { kind: 'oom-killed' });
    const failed = await versionFinished(client, oom.task_id, oomVersion);
    assert.equal(failed.status, 3);
    assert.match(failed.error_msg ?? '', /OOMKilled/);
    await gone(oomVersion);

    const broken = await client.processorTasks.create(body('kube-broken'));
    const brokenVersion = await latestVersion(client, broken.task_id);
    await theJob(brokenVersion);
    await playPod(brokenVersion, ['sh', '-c', 'exit 3']);
    const pod = (await until('its pod', async () => (await podsOf(brokenVersion))[0]))!.metadata!.name!;
    kubelet.logs.set(`${NS}/${pod}/${TASK_CONTAINER}`, 'staged 1 file(s)\natelier: the job file is not JSON\n');
    await settle(brokenVersion, { kind: 'exited', code: 3 });
    const exited = await versionFinished(client, broken.task_id, brokenVersion);
    assert.equal(exited.status, 3);
    assert.match(exited.error_msg ?? '', /exited with code 3.*atelier: the job file is not JSON/, 'the reason, then the last lines of its log');
    await gone(brokenVersion);
    assert.deepEqual(await keysUnder('kproc', `one-out/${brokenVersion}/`), [], 'nothing uploaded, staging removed');
  });

  it('a stop deletes the Job, the version ends stopped and its share is given back', async () => {
    const free = await allocatable();
    const { task_id } = await client.processorTasks.create(validation('kube-stop', 'stop-out'));
    const id = await latestVersion(client, task_id);
    await theJob(id);
    await settle(id, { kind: 'running' });
    await client.processorTasks.stopVersion(task_id, id);
    await gone(id);
    const stopped = await versionFinished(client, task_id, id);
    assert.equal(stopped.status, 4);
    await allocatableIs(free, 'the share given back at the stop');
    await until('the staging folder to be removed', async () => ((await keysUnder('kproc', `stop-out/${id}/`)).length === 0 ? true : undefined));
  });

  it('fails a version, saying why, when the object store is a local folder no pod can reach', async () => {
    const ns = 'atelier-processing-fs';
    await core.createNamespace({ body: { metadata: { name: ns } } });
    const fs = await startTestApp({ ATELIER_EXECUTOR: 'kubernetes', ATELIER_KUBE_CONFIG: kube.kubeconfigPath, ATELIER_KUBE_NAMESPACE: ns });
    try {
      await fs.atelier.recover();
      fs.atelier.startBackground();
      await putBoth([fs.atelier], 'kproc', 'fs/in/a.png', await patternImage(1));
      const { task_id } = await fs.client.processorTasks.create({
        name: 'fs-val',
        inputs: [{ type: 'OBS', source: '/kproc/fs/in/' }],
        work_path: { type: 'OBS', path: '/kproc/fs/out/' },
        create_version: true,
        template: { id: 'sys_data_validation', operator_params: [{ name: 'MetaValidation', params: {} }] },
      });
      const v = await versionFinished(fs.client, task_id, await latestVersion(fs.client, task_id));
      assert.equal(v.status, 3);
      assert.match(v.error_msg ?? '', /needs an S3-compatible object store/);
      assert.equal((await batch.listNamespacedJob({ namespace: ns })).items.length, 0, 'nothing was made');
    } finally {
      await fs.close();
    }
  });

  it('after a restart mid-version adopts the Job without making a second one, holding its share again, and deletes an orphan', async () => {
    const free = await allocatable();
    const { task_id } = await client.processorTasks.create(validation('kube-restart', 'restart-out'));
    const id = await latestVersion(client, task_id);
    const first = await theJob(id);
    await settle(id, { kind: 'running' });
    const orphanId = 'orphanxversion000001';
    const orphan = taskObjects({
      taskId: orphanId,
      projectId: t.creds.project_id,
      namespace: NS,
      type: 'processing',
      image: IMAGE,
      command: ['node', 'x.mjs'],
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
    assert.equal(jobs[0]!.metadata!.uid, first.metadata!.uid, 'the same Job, not made again');
    await allocatableIs(held(free), 'the adopted version holding its share on the restarted server');
    await playPod(id);
    await settle(id, { kind: 'exited', code: 0 });
    const done = await versionFinished(client, task_id, id);
    assert.equal(done.status, 2, done.error_msg);
    assert.equal(done.origin_sample_count, 4);
    assert.equal((await allResults(client, task_id, id)).filter((r) => r.result_property === 0).length, 4);
    await gone(id);
    await allocatableIs(free, 'the share given back once the adopted version ended');
  });
});
