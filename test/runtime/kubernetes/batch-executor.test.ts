// Batch services through the unchanged API on an Atelier started with --executor kubernetes, against a real API server
// with the real Job controller (test-kubelet stands in for the kubelet). A run becomes an indexed Job of one pod per
// instance: in each, Atelier's own image runs `atelier batch run` over the pod's shard of the files, and a model server
// of its own runs beside it as a native sidecar. No pod runs here, so the test does what each pod's containers would do, with the plan its Secret holds and against the same object store: stage.py
// downloads the job file, the inputs and the model's files, the real model server (images/runtime/serve.py) or a
// stand-in for an Image model's image listens on a loopback port, the real command (bin/atelier.mjs) runs, stage.py
// uploads. The run then finishes with the counts Atelier reads back and the result files a local-executor Atelier
// writes for the same inputs. A failed pod fails the run with its reason, a stop deletes the Job, a restart follows
// the Job, and an orphan Job is deleted.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BatchV1Api, CoreV1Api, NetworkingV1Api, type V1Job, type V1Pod } from '@kubernetes/client-node';
import type { AtelierApp } from '#src/app.ts';
import type { AtelierClient } from '#src/client/index.ts';
import { workloadDefaults } from '#src/modules/training-jobs/index.ts';
import { resourceSelector } from '#src/runtime/kubernetes/labels.ts';
import { MODEL_CONTAINER, MODEL_DIR, MODEL_SERVER_PORT } from '#src/runtime/kubernetes/service-manifest.ts';
import { LABEL_TASK_TYPE, TASK_CONTAINER, TASK_DIR, taskObjects } from '#src/runtime/kubernetes/task-manifest.ts';
import { COMPLETION_INDEX_ANNOTATION } from '#src/runtime/kubernetes/training-job-manifest.ts';
import { TaskJobClient, taskStagingSecretName } from '#src/runtime/kubernetes/task-objects.ts';
import type { StagingPlan } from '#src/runtime/kubernetes/training-job-staging.ts';
import { restartedApp, startTestApp, type TestApp } from '../../helpers/app.ts';
import { kubeTestServerSkip, startKubeTestServer, until, type KubeTestServer } from '../../helpers/kube.ts';
import { eventually, examplePackage, importModel, putPackage } from '../../models/fixtures.ts';
import { startAtelierOnCluster, type AtelierOnCluster } from './atelier-on-cluster.ts';
import { run, startModelServer } from './pod-commands.ts';
import { registerNode, settlePod, startLogKubelet, type LogKubelet, type PodOutcome } from './test-kubelet.ts';

const NS = 'atelier-batch-exec';
const IMAGE = 'registry.example/atelier-runtime:1';
const GREETER = 'swr.example.com/team/greeter:1';
const ROOT = join(import.meta.dirname, '../../..');
const BIN = join(ROOT, 'bin/atelier.mjs');
const BUCKET = 'kbatch';
/** An object as JSON has it (the client's classes compare unequal to plain objects). */
const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v ?? null));
const small = { specification: 'custom', custom_spec: { cpu: 0.1, memory: 128 } };

/** An Image model's image as the pod would run it: it answers its api at /v1/greet and says which paths it was called at. */
async function startGreeter(): Promise<{ port: number; paths: string[]; server: Server }> {
  const paths: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      paths.push(`${req.method} ${req.url}`);
      if (req.url !== '/v1/greet') return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"error_msg":"no such path"}');
      const { name } = JSON.parse(Buffer.concat(chunks).toString() || '{}') as { name?: string };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ greeting: `hello ${name ?? 'nobody'}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, paths, server };
}

describe('batch services on the kubernetes executor', { skip: kubeTestServerSkip() }, () => {
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
  let pyModel: string;
  let localPyModel: string;
  let imageModel: string;

  const inputs: Record<string, string> = {
    'py/in/short.json': JSON.stringify({ data: { req_data: [{ petal_length: 1.2 }] } }),
    'py/in/long.json': JSON.stringify({ data: { req_data: [{ petal_length: 5.1 }] } }),
    'py/in/sub/notes.txt': 'not json',
  };

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
    pyModel = await importModel(client, await putPackage(t, BUCKET, 'models/py', examplePackage('py-threshold')), 'iris', '1.0.0', 'Scikit_Learn');
    localPyModel = await importModel(
      local.client,
      await putPackage(local, BUCKET, 'models/py', examplePackage('py-threshold')),
      'iris',
      '1.0.0',
      'Scikit_Learn',
    );
    const greeterConfig = {
      model_type: 'Image',
      model_algorithm: 'greeting',
      swr_location: GREETER,
      apis: [
        {
          protocol: 'http',
          url: '/v1/greet',
          method: 'post',
          request: { 'Content-type': 'application/json', data: { type: 'object', properties: { name: { type: 'string' } } } },
          response: { 'Content-type': 'application/json', data: { type: 'object' } },
        },
      ],
    };
    const source = await putPackage(t, BUCKET, 'models/greeter', { 'model/config.json': JSON.stringify(greeterConfig) });
    imageModel = (await client.models.create({ model_name: 'greeter', model_version: '1.0.0', source_location: source, model_type: 'Image' })).model_id;
    await eventually('the Image model published', async () => ((await client.models.show(imageModel)).model_status === 'published' ? true : undefined));
    for (const a of [app, local.atelier]) {
      await a.context.objectStore.ensureBucket(BUCKET);
      for (const [key, body] of Object.entries(inputs)) await a.context.objectStore.put(BUCKET, key, body);
    }
    await app.context.objectStore.put(BUCKET, 'img/in/ann.json', JSON.stringify({ name: 'Ann' }));
    await app.context.objectStore.put(BUCKET, 'img/in/bob.json', JSON.stringify({ name: 'Bob' }));
  });
  after(async () => {
    await local?.close();
    await app?.close();
    await onCluster?.close();
    await kubelet?.close();
    await kube?.stop();
  });

  const jobsOf = async (id: string): Promise<V1Job[]> => (await batch.listNamespacedJob({ namespace: NS, labelSelector: resourceSelector('task', id) })).items;
  const theJob = (id: string) => until(`the Job of batch ${id}`, async () => (await jobsOf(id))[0]);
  const gone = (id: string) => until(`the Job of batch ${id} to go`, async () => ((await jobsOf(id)).length === 0 ? true : undefined));
  const podsOf = async (id: string): Promise<V1Pod[]> => (await core.listNamespacedPod({ namespace: NS, labelSelector: resourceSelector('task', id) })).items;
  const settle = async (id: string, outcome: PodOutcome) =>
    settlePod(core, NS, (await until(`a pod of batch ${id}`, async () => (await podsOf(id))[0])).metadata!.name!, outcome);
  /** The pod of one shard (completion index) of the run. */
  const podOf = (id: string, shard: number) =>
    until(`the pod of shard ${shard} of batch ${id}`, async () =>
      (await podsOf(id)).find((p) => p.metadata?.annotations?.[COMPLETION_INDEX_ANNOTATION] === String(shard)),
    );
  /** Every pod of the run, settled alike. */
  const settleAll = async (id: string, outcome: PodOutcome) => {
    const shards = (await theJob(id)).spec!.completions ?? 1;
    for (let shard = 0; shard < shards; shard++) await settlePod(core, NS, (await podOf(id, shard)).metadata!.name!, outcome);
  };
  /** The cores and MB the cluster's nodes have left for work that names no pool (ListClusters). */
  const allocatable = async (): Promise<[number, number]> => {
    const cluster = (await client.services.clusters()).clusters[0]!;
    return [cluster.allocatable_cpu_cores, cluster.allocatable_memory];
  };
  /** Keys and files of the kube Atelier's store (`on` undefined) or the local one's. */
  const keysUnder = async (prefix: string, on?: TestApp) =>
    (await (on?.atelier ?? app).context.objectStore.list(BUCKET, { prefix })).objects.map((o) => o.key).sort();
  const read = (key: string, on?: TestApp) => (on?.atelier ?? app).context.objectStore.readText(BUCKET, key, 1 << 20);

  async function statusOf(c: AtelierClient, id: string, status: string) {
    return until(
      `batch ${id} ${status}`,
      async () => {
        const s = await c.services.show(id);
        if (s.status === 'failed' && status !== 'failed') throw new Error(`batch failed: ${s.error_msg}`);
        return s.status === status ? s : undefined;
      },
      60_000,
    );
  }

  async function planOf(id: string): Promise<StagingPlan> {
    const secret = await core.readNamespacedSecret({ name: taskStagingSecretName(id), namespace: NS });
    return JSON.parse(Buffer.from(secret.data!['plan.json']!, 'base64').toString('utf8')) as StagingPlan;
  }

  /** The input files each shard's pod staged (by name), as the last playPod left them. */
  const stagedFiles = new Map<number, string[]>();

  /** What each pod's containers do, one pod after the other; the model servers started (one per pod, unless `imageServer`). */
  async function playPod(id: string, imageServer?: number): Promise<number> {
    const job = await theJob(id);
    const shards = job.spec!.completions ?? 1;
    let servers = 0;
    for (let shard = 0; shard < shards; shard++) if (await playShard(id, job, shard, imageServer)) servers++;
    return servers;
  }

  /** What a pod's containers do: stage-in, the model server (or `imageServer`, standing in for an image), the command. */
  async function playShard(id: string, job: V1Job, shard: number, imageServer?: number): Promise<boolean> {
    const pod = job.spec!.template.spec!;
    // what the Job controller gives each pod of an indexed Job
    const env = { ...process.env, JOB_COMPLETION_INDEX: String(shard) };
    const sidecar = pod.initContainers!.find((c) => c.name === MODEL_CONTAINER)!;
    const secret = await core.readNamespacedSecret({ name: taskStagingSecretName(id), namespace: NS });
    const data = (k: string) => Buffer.from(secret.data![k]!, 'base64').toString('utf8');
    const dir = mkdtempSync(join(tmpdir(), 'kbatch-pod-'));
    let server: ChildProcess | undefined;
    try {
      const task = join(dir, 'task');
      const model = join(dir, 'model');
      mkdirSync(model);
      writeFileSync(join(dir, 'plan.json'), data('plan.json').replaceAll(`"${TASK_DIR}`, `"${task}`).replaceAll(`"${MODEL_DIR}`, `"${model}`));
      writeFileSync(join(dir, 'store.json'), data('store.json'));
      writeFileSync(join(dir, 'stage.py'), data('stage.py'));
      const staged = await run('python3', [join(dir, 'stage.py'), 'in', join(dir, 'plan.json')], env);
      assert.equal(staged.status, 0, staged.stderr);
      stagedFiles.set(
        shard,
        readdirSync(join(task, 'files'), { recursive: true, withFileTypes: true })
          .filter((e) => e.isFile())
          .map((e) => e.name)
          .sort(),
      );
      let port = imageServer;
      if (port === undefined) {
        const started = await startModelServer(sidecar, model);
        server = started.child;
        port = started.port;
      }
      const command = pod.containers[0]!.command!;
      const program = command.slice(command.indexOf('--') + 1).map((a) => (a === TASK_DIR ? task : a === String(MODEL_SERVER_PORT) ? String(port) : a));
      const ran = await run('python3', [join(dir, 'stage.py'), 'run', join(dir, 'plan.json'), '--', 'node', BIN, ...program.slice(2)], env);
      assert.equal(ran.status, 0, ran.stderr);
      return server !== undefined;
    } finally {
      server?.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }

  const pyConfig = (modelId: string, dest: string) => ({
    model_id: modelId,
    instance_count: 2,
    ...small,
    src_path: `/${BUCKET}/py/in/`,
    dest_path: `/${BUCKET}/${dest}/`,
    req_uri: '/',
    mapping_type: 'file' as const,
  });

  it("runs a batch as a Job of a pod per instance, Atelier's image beside a model server of its own, with the results and counts the local executor gives", async () => {
    const l = await local.client.services.create({ service_name: 'kbatch-py', infer_type: 'batch', config: [pyConfig(localPyModel, 'py-out')] });
    const localDone = await statusOf(local.client, l.service_id, 'finished');
    const free = await allocatable();
    const { service_id: id } = await client.services.create({ service_name: 'kbatch-py', infer_type: 'batch', config: [pyConfig(pyModel, 'py-out')] });
    const job = await theJob(id);
    // what the two pods ask for: each its model server's flavor (0.1 core, 128 MiB) and the command's 0.5 core and 512 MiB
    assert.deepEqual(await allocatable(), [Math.round((free[0] - 1.2) * 100) / 100, free[1] - 1280], 'the service holds what its pods ask for');
    assert.equal(job.metadata?.labels?.[LABEL_TASK_TYPE], 'batch');
    assert.deepEqual([job.spec?.completionMode, job.spec?.completions, job.spec?.parallelism], ['Indexed', 2, 2], 'instance_count pods, all at once');
    assert.equal(job.spec?.backoffLimit, 0, 'a pod that fails fails the run');
    const spec = job.spec!.template.spec!;
    const driver = spec.containers[0]!;
    assert.equal(driver.name, TASK_CONTAINER);
    assert.equal(driver.image, app.context.config.kube.atelierImage, "the command runs in Atelier's own image");
    assert.deepEqual(driver.command?.slice(-6), ['node', '/app/bin/atelier.mjs', 'batch', 'run', TASK_DIR, String(MODEL_SERVER_PORT)]);
    const sidecar = spec.initContainers!.find((c) => c.name === MODEL_CONTAINER)!;
    assert.equal(sidecar.restartPolicy, 'Always', 'the model server is a native sidecar');
    assert.equal(sidecar.image, IMAGE);
    assert.deepEqual(plain(sidecar.startupProbe?.httpGet), { path: '/health', port: MODEL_SERVER_PORT, scheme: 'HTTP' });
    assert.ok(!sidecar.volumeMounts?.some((m) => m.name === 'staging'), 'the model server never mounts the staging Secret');
    assert.deepEqual(plain(sidecar.resources?.limits), { cpu: '100m', memory: '128Mi' });
    assert.deepEqual(plain(driver.resources?.limits), { cpu: '500m', memory: '512Mi' });
    assert.equal(spec.automountServiceAccountToken, false);
    // the pod's NetworkPolicy closes the networks every workload's does (the database's address on PostgreSQL)
    const policy = await kube.kc.makeApiClient(NetworkingV1Api).readNamespacedNetworkPolicy({ name: job.metadata!.name!, namespace: NS });
    const closed = (workloadDefaults(app.context.config).closedNetworks ?? []).filter((c) => !c.includes(':'));
    assert.deepEqual(plain(policy.spec?.egress?.[1]?.to?.[0]?.ipBlock?.except ?? []), closed);
    const plan = await planOf(id);
    assert.deepEqual(plan.code, { bucket: BUCKET, key: 'models/py/model/', dir: MODEL_DIR });
    // each pod downloads its shard of the files alone
    assert.deepEqual(
      plan.inputs.map((i) => [i.name, i.key, i.shard]),
      [
        ['job', `.atelier-staging/batch/${id}/job/job.json`, undefined],
        ['shard-0-files-0', 'py/in/long.json', 0],
        ['shard-1-files-0', 'py/in/short.json', 1],
        ['shard-1-files-1', 'py/in/sub/notes.txt', 1],
      ],
    );
    assert.deepEqual(
      plan.outputs.map((o) => [o.name, o.key]),
      [
        ['output', 'py-out/'],
        ['results', `.atelier-staging/batch/${id}/results/`],
      ],
    );
    assert.equal((await client.services.show(id)).status, 'deploying', 'not running before its pod runs');
    await until('a pod per instance', async () => ((await podsOf(id)).length === 2 ? true : undefined));
    await settleAll(id, { kind: 'running' });
    await statusOf(client, id, 'running');
    assert.equal(await playPod(id), 2, 'a model server per pod');
    assert.deepEqual([stagedFiles.get(0), stagedFiles.get(1)], [['long.json'], ['notes.txt', 'short.json']], 'each pod stages its own shard alone');
    // one pod done is not the run done
    await settlePod(core, NS, (await podOf(id, 0)).metadata!.name!, { kind: 'exited', code: 0 });
    await new Promise((r) => setTimeout(r, 500));
    assert.equal((await client.services.show(id)).status, 'running');
    await settlePod(core, NS, (await podOf(id, 1)).metadata!.name!, { kind: 'exited', code: 0 });
    const done = await statusOf(client, id, 'finished');
    assert.deepEqual([done.invocation_times, done.failed_times], [localDone.invocation_times, localDone.failed_times]);
    assert.deepEqual([done.invocation_times, done.failed_times], [3, 1]);
    assert.ok(done.start_time! <= done.finished_time!);
    const keys = await keysUnder('py-out/');
    assert.deepEqual(keys, await keysUnder('py-out/', local));
    for (const key of keys.filter((k) => k.endsWith('_result.txt'))) assert.deepEqual(JSON.parse(await read(key)), JSON.parse(await read(key, local)), key);
    const sources = async (on?: TestApp) =>
      (await Promise.all(keys.filter((k) => k.endsWith('.manifest')).map((k) => read(k, on)))).join('').split('\n').filter(Boolean).sort();
    assert.deepEqual(await sources(), await sources(local));
    assert.equal(new Set(await sources()).size, 3, 'each file predicted once');
    // instance i's manifest lists its shard's files, as local instance i lists those it took
    const listed = async (key: string) =>
      (await read(key))
        .split('\n')
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { source: string }).source);
    assert.deepEqual(await listed('py-out/infer-result-0.manifest'), [`/${BUCKET}/py/in/long.json`]);
    assert.deepEqual(await listed('py-out/infer-result-1.manifest'), [`/${BUCKET}/py/in/short.json`, `/${BUCKET}/py/in/sub/notes.txt`]);
    const events = (await client.services.events(id)).events.map((e) => e.event_info);
    assert.ok(
      events.some((e) => e.includes('3 file(s), 2 succeeded, 1 failed')),
      events.join(' | '),
    );
    await gone(id);
    await until('the staging folder to be removed', async () => ((await keysUnder('.atelier-staging/')).length === 0 ? true : undefined));
    assert.deepEqual(await allocatable(), free, 'its share given back');
  });

  it("runs an Image model's own image as the sidecar and calls it at its api path", async () => {
    const { service_id: id } = await client.services.create({
      service_name: 'kbatch-image',
      infer_type: 'batch',
      config: [
        {
          model_id: imageModel,
          instance_count: 1,
          ...small,
          src_path: `/${BUCKET}/img/in/`,
          dest_path: `/${BUCKET}/img-out/`,
          req_uri: '/v1/greet',
          mapping_type: 'file',
        },
      ],
    });
    const job = await theJob(id);
    const sidecar = job.spec!.template.spec!.initContainers!.find((c) => c.name === MODEL_CONTAINER)!;
    assert.equal(sidecar.image, GREETER, "the model's own image");
    assert.equal(sidecar.restartPolicy, 'Always');
    assert.deepEqual(plain(sidecar.startupProbe?.tcpSocket), { port: MODEL_SERVER_PORT }, 'no health declared: checked for accepting connections');
    assert.equal(sidecar.command, undefined, "the image's own command");
    assert.equal((await planOf(id)).code, undefined, 'nothing staged for the image');
    const greeter = await startGreeter();
    try {
      await settle(id, { kind: 'running' });
      await playPod(id, greeter.port);
    } finally {
      greeter.server.close();
    }
    assert.deepEqual(greeter.paths, ['POST /v1/greet', 'POST /v1/greet']);
    await settle(id, { kind: 'exited', code: 0 });
    const done = await statusOf(client, id, 'finished');
    assert.deepEqual([done.invocation_times, done.failed_times], [2, 0]);
    assert.deepEqual(JSON.parse(await read('img-out/infer-result/ann.json_result.txt')), { greeting: 'hello Ann' });
    assert.deepEqual(JSON.parse(await read('img-out/infer-result/bob.json_result.txt')), { greeting: 'hello Bob' });
    await gone(id);
  });

  it("fails the run with the reason one shard's pod gives, though the other pod succeeded, and removes the Job", async () => {
    const { service_id: id } = await client.services.create({ service_name: 'kbatch-oom', infer_type: 'batch', config: [pyConfig(pyModel, 'oom-out')] });
    await theJob(id);
    await settleAll(id, { kind: 'running' });
    await settlePod(core, NS, (await podOf(id, 0)).metadata!.name!, { kind: 'exited', code: 0 });
    await settlePod(core, NS, (await podOf(id, 1)).metadata!.name!, { kind: 'oom-killed' });
    const failed = await statusOf(client, id, 'failed');
    assert.match(failed.error_msg ?? '', /the batch pod worker-1 failed: .*OOMKilled/);
    await gone(id);
    assert.deepEqual(await keysUnder('oom-out/'), [], 'nothing uploaded');
  });

  it("fails the run when the model server cannot start (an Image model's image that cannot be pulled), saying so", async () => {
    const { service_id: id } = await client.services.create({
      service_name: 'kbatch-pull',
      infer_type: 'batch',
      config: [
        {
          model_id: imageModel,
          instance_count: 1,
          ...small,
          src_path: `/${BUCKET}/img/in/`,
          dest_path: `/${BUCKET}/pull-out/`,
          req_uri: '/v1/greet',
          mapping_type: 'file',
        },
      ],
    });
    await theJob(id);
    const running = await settle(id, { kind: 'running' });
    // the kubelet's view: the command waits for its sidecar, whose image cannot be pulled
    running.status!.initContainerStatuses = [
      {
        name: MODEL_CONTAINER,
        image: GREETER,
        imageID: '',
        ready: false,
        restartCount: 0,
        started: false,
        state: { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${GREETER}"` } },
      },
    ];
    await core.replaceNamespacedPodStatus({ name: running.metadata!.name!, namespace: NS, body: running });
    const failed = await statusOf(client, id, 'failed');
    assert.match(failed.error_msg ?? '', /model server's image swr\.example\.com\/team\/greeter:1 cannot run \(ImagePullBackOff\)/);
    await gone(id);
    assert.deepEqual(await keysUnder('pull-out/'), [], 'nothing uploaded');
  });

  it('a stop deletes the Job and the service ends stopped', async () => {
    const { service_id: id } = await client.services.create({ service_name: 'kbatch-stop', infer_type: 'batch', config: [pyConfig(pyModel, 'stop-out')] });
    await theJob(id);
    await settleAll(id, { kind: 'running' });
    await statusOf(client, id, 'running');
    await client.services.update(id, { status: 'stopped' });
    await gone(id);
    await statusOf(client, id, 'stopped');
    await until('the staging folder to be removed', async () => ((await keysUnder(`.atelier-staging/batch/${id}/`)).length === 0 ? true : undefined));
  });

  it('after a restart mid-run follows the Job without making a second one, and deletes an orphan', async () => {
    const { service_id: id } = await client.services.create({
      service_name: 'kbatch-restart',
      infer_type: 'batch',
      config: [pyConfig(pyModel, 'restart-out')],
    });
    const first = await theJob(id);
    await settleAll(id, { kind: 'running' });
    await statusOf(client, id, 'running');
    const orphanId = 'orphanxbatch00000001';
    const orphan = taskObjects({
      taskId: orphanId,
      projectId: t.creds.project_id,
      namespace: NS,
      type: 'batch',
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
    assert.equal(await playPod(id), 2);
    await settleAll(id, { kind: 'exited', code: 0 });
    const done = await statusOf(client, id, 'finished');
    assert.deepEqual([done.invocation_times, done.failed_times], [3, 1]);
    assert.deepEqual(
      JSON.parse(await read('restart-out/infer-result/long.json_result.txt')),
      JSON.parse(await read('py-out/infer-result/long.json_result.txt', local)),
    );
    await gone(id);
  });
});
