// Training jobs through the unchanged API on an Atelier started with --executor kubernetes, against a real API server
// with the real Job controller (test-kubelet stands in for the kubelet): each job becomes an indexed Job with its
// staging Secret, its phase follows the pods from the watch, stop and delete remove the Job, a restart adopts the Job it
// finds, and a Job with no running job is deleted. The staging script is run here against the same object store, with
// the plan the Secret holds, as the init container, the uploader sidecar and the worker would run it in a pod; the
// worker, which runs the user's code, gets no object store key, and a link it leaves among its outputs is not followed.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BatchV1Api, CoreV1Api, NetworkingV1Api, type V1Job, type V1Pod } from '@kubernetes/client-node';
import S3rver from 's3rver';
import type { AtelierClient } from '#src/client/index.ts';
import { JOB_DIR } from '#src/modules/training-jobs/kube-job-workload.ts';
import { resourceSelector } from '#src/runtime/kubernetes/labels.ts';
import { POOL_LABEL, poolPriorityClass } from '#src/runtime/kubernetes/pool-placement.ts';
import { trainingJobObjects } from '#src/runtime/kubernetes/training-job-manifest.ts';
import { TrainingJobClient } from '#src/runtime/kubernetes/training-job-objects.ts';
import { EXCHANGE_DIR, STAGING_DIR, STAGING_INIT_CONTAINER, STAGING_OUT_CONTAINER, stagingSecretName } from '#src/runtime/kubernetes/training-job-staging.ts';
import type { AtelierApp } from '#src/app.ts';
import { apiFailure, restartedApp, startTestApp, type TestApp } from '../../helpers/app.ts';
import { PY_ENGINE } from '../../training-jobs/helpers.ts';
import { kubeTestServerSkip, startKubeTestServer, until, type KubeTestServer } from '../../helpers/kube.ts';
import { registerNode, settlePod, type PodOutcome } from './test-kubelet.ts';

const NS = 'atelier-training';
const BUCKET = 'kube-train';
const IMAGE = 'registry.example/atelier-runtime:1';
const CPU1 = 'modelarts.vm.cpu.1u';

type Job = Awaited<ReturnType<AtelierClient['training']['getJob']>>;

/** Runs a command without blocking this process (the object store the command calls runs in it). */
function run(command: string, args: string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

describe('training jobs on the kubernetes executor', { skip: kubeTestServerSkip() }, () => {
  let kube: KubeTestServer;
  let core: CoreV1Api;
  let batch: BatchV1Api;
  let s3: S3rver;
  let s3dir: string;
  let s3url: string;
  let t: TestApp;
  /** The app and client in use: the first one, then the one started again mid-job. */
  let app: AtelierApp;
  let client: AtelierClient;
  let other: AtelierClient;

  before(async () => {
    kube = await startKubeTestServer({ controllers: true });
    core = kube.kc.makeApiClient(CoreV1Api);
    batch = kube.kc.makeApiClient(BatchV1Api);
    await core.createNamespace({ body: { metadata: { name: NS } } });
    await registerNode(core, 'node-a', {}, { cpu: '4', memory: '16Gi' });
    await registerNode(core, 'node-b', {}, { cpu: '4', memory: '16Gi' });
    s3dir = mkdtempSync(join(tmpdir(), 'kexec-s3rver-'));
    s3 = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: s3dir });
    const { port } = (await s3.run()) as { port: number };
    s3url = `http://127.0.0.1:${port}`;
    t = await startTestApp({
      ATELIER_EXECUTOR: 'kubernetes',
      ATELIER_KUBE_CONFIG: kube.kubeconfigPath,
      ATELIER_KUBE_NAMESPACE: NS,
      ATELIER_KUBE_IMAGE: IMAGE,
      ATELIER_OBJECT_STORE: 's3',
      ATELIER_S3_ENDPOINT: s3url,
      ATELIER_S3_ACCESS_KEY: 'S3RVER',
      ATELIER_S3_SECRET_KEY: 'S3RVER',
      ATELIER_KUBE_CLOSED_NETWORKS: '10.244.0.0/16',
      ATELIER_KUBE_IMAGE_PULL_SECRETS: 'team-registry',
    });
    app = t.atelier;
    client = t.client;
    other = await t.newTenant('other');
    await app.recover();
    app.startBackground();
    const objects = app.context.objectStore;
    await objects.ensureBucket(BUCKET);
    await objects.put(BUCKET, 'code/train.py', 'print("training")\n');
    await objects.put(BUCKET, 'code/lib/util.py', 'X = 1\n');
    await objects.put(BUCKET, 'data/a.csv', 'x,y\n1,0\n');
  });
  after(async () => {
    await app?.close();
    await t?.close();
    await s3?.close();
    if (s3dir) rmSync(s3dir, { recursive: true, force: true });
    await kube?.stop();
  });

  const jobBody = (name: string, engine: Record<string, string> = { engine_id: PY_ENGINE }) => ({
    kind: 'job' as const,
    metadata: { name },
    algorithm: {
      code_dir: `/${BUCKET}/code/`,
      boot_file: `/${BUCKET}/code/train.py`,
      engine,
      parameters: [{ name: 'epochs', value: '2' }],
      inputs: [{ name: 'data_url', remote: { obs: { obs_url: `/${BUCKET}/data/` } } }],
      outputs: [{ name: 'train_url', remote: { obs: { obs_url: `/${BUCKET}/out/${name}/` } } }],
    },
    spec: { resource: { flavor_id: CPU1, node_count: 1 } },
  });

  const create = async (name: string, engine?: Record<string, string>) => (await client.training.createJob(jobBody(name, engine))).metadata.id;
  const theJob = (id: string) => until(`the Job of ${id}`, async () => (await jobsOf(id))[0]);
  const jobsOf = async (id: string): Promise<V1Job[]> =>
    (await batch.listNamespacedJob({ namespace: NS, labelSelector: resourceSelector('training-job', id) })).items;
  const podsOf = async (id: string): Promise<V1Pod[]> =>
    (await core.listNamespacedPod({ namespace: NS, labelSelector: resourceSelector('training-job', id) })).items;
  const thePod = (id: string) => until(`a pod of ${id}`, async () => (await podsOf(id))[0]);
  const settle = async (id: string, outcome: PodOutcome) => settlePod(core, NS, (await thePod(id)).metadata!.name!, outcome);
  const waitJob = async (id: string, done: (j: Job) => boolean, c = client): Promise<Job> => {
    let last: Job | undefined;
    return until(
      () => `job ${id} (last ${last?.status.phase}/${last?.status.secondary_phase})`,
      async () => {
        last = await c.training.getJob(id);
        return done(last) ? last : undefined;
      },
      30_000,
    );
  };
  const gone = (id: string) => until(`the Job of ${id} to go`, async () => ((await jobsOf(id)).length === 0 ? true : undefined));

  it("offers the flavors the cluster's nodes hold, not this host's", async () => {
    const { flavors } = await client.training.flavors();
    const four = flavors.find((f) => f.flavor_id === 'modelarts.vm.cpu.4u');
    assert.ok(four, JSON.stringify(flavors.map((f) => f.flavor_id)));
    assert.equal(four.max_num, 2, 'one per node');
    assert.equal(flavors.find((f) => f.flavor_id === CPU1)?.max_num, 8);
  });

  it('admits a job as large as the cluster (larger than this host): one pod per node', async () => {
    const body = jobBody('two-nodes');
    const { metadata } = await client.training.createJob({ ...body, spec: { resource: { flavor_id: 'modelarts.vm.cpu.4u', node_count: 2 } } });
    const job = await theJob(metadata.id);
    assert.equal(job.spec!.completions, 2);
    // The worker and the uploader sidecar share the flavor: the pod asks for a whole node, no more.
    const pod = job.spec!.template.spec!;
    assert.deepEqual(pod.containers[0]!.resources?.limits, { cpu: '3950m', memory: '16320Mi' });
    assert.deepEqual(pod.initContainers?.find((c) => c.restartPolicy === 'Always')?.resources?.limits, { cpu: '50m', memory: '64Mi' });
    await until('two pods', async () => ((await podsOf(metadata.id)).length === 2 ? true : undefined));
    await client.training.terminateJob(metadata.id);
    await gone(metadata.id);
    await waitJob(metadata.id, (j) => j.status.phase === 'Terminated');
  });

  it('makes an indexed Job whose staging containers, not the worker, hold the store key of a per-job Secret', async () => {
    const id = await create('manifest');
    const job = await theJob(id);
    const pod = job.spec!.template.spec!;
    assert.equal(job.spec!.completionMode, 'Indexed');
    assert.equal(pod.automountServiceAccountToken, false);
    assert.equal(pod.securityContext?.runAsNonRoot, true);
    const worker = pod.containers[0]!;
    assert.equal(worker.image, IMAGE);
    assert.deepEqual(
      pod.imagePullSecrets?.map((s) => s.name),
      ['team-registry'],
    );
    const policy = await kube.kc.makeApiClient(NetworkingV1Api).readNamespacedNetworkPolicy({ name: job.metadata!.name!, namespace: NS });
    const closed = policy.spec?.egress?.flatMap((e) => e.to ?? []).flatMap((to) => to.ipBlock?.except ?? []);
    assert.ok(closed?.includes('10.244.0.0/16'), JSON.stringify(closed));
    assert.equal(worker.securityContext?.readOnlyRootFilesystem, true);
    // The flavor's share, less the uploader's.
    assert.deepEqual(worker.resources?.limits, { cpu: '950m', memory: '4032Mi' });
    assert.deepEqual(worker.command?.slice(0, 6), ['python3', '-u', `${STAGING_DIR}/stage.py`, 'handoff', EXCHANGE_DIR, '--']);
    assert.ok(worker.command?.includes(`${JOB_DIR}/code/code/train.py`), worker.command?.join(' '));
    assert.ok(worker.command?.includes(`--data_url=${JOB_DIR}/inputs/data_url`));
    assert.ok(worker.command?.includes(`--train_url=${JOB_DIR}/outputs/train_url`));
    assert.ok(worker.command?.includes('--epochs=2'));
    const init = pod.initContainers?.find((c) => c.name === STAGING_INIT_CONTAINER);
    assert.ok(init, 'an init container stages the inputs');
    assert.deepEqual(init.command, ['python3', '-u', `${STAGING_DIR}/stage.py`, 'in', `${STAGING_DIR}/plan.json`]);
    assert.equal(init.image, IMAGE);
    assert.ok(
      init.volumeMounts?.some((m) => m.mountPath === JOB_DIR),
      'it writes into the folder the worker reads',
    );
    const uploader = pod.initContainers?.find((c) => c.name === STAGING_OUT_CONTAINER);
    assert.ok(uploader, 'a sidecar uploads the outputs');
    assert.equal(uploader.restartPolicy, 'Always', 'a native sidecar: it runs beside the worker');
    assert.deepEqual(uploader.command, ['python3', '-u', `${STAGING_DIR}/stage.py`, 'out', `${STAGING_DIR}/plan.json`, EXCHANGE_DIR]);
    assert.deepEqual(uploader.resources?.limits, { cpu: '50m', memory: '64Mi' });
    // Which Secret keys each container sees at the staging folder: all of them, or the plan and the script alone.
    const keysAt = (c: { volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[] }) => {
      const m = c.volumeMounts?.find((v) => v.mountPath === STAGING_DIR);
      assert.ok(m?.readOnly);
      const v = pod.volumes?.find((x) => x.name === m.name);
      assert.equal(v?.secret?.secretName, stagingSecretName(id));
      return v?.secret?.items?.map((i) => i.key) ?? 'all';
    };
    assert.equal(keysAt(init), 'all');
    assert.equal(keysAt(uploader), 'all');
    assert.deepEqual(keysAt(worker), ['plan.json', 'stage.py'], 'the worker never sees store.json');
    for (const c of [worker, uploader]) assert.ok(c.volumeMounts?.some((m) => m.mountPath === EXCHANGE_DIR));

    const secret = await core.readNamespacedSecret({ name: stagingSecretName(id), namespace: NS });
    assert.equal(secret.metadata?.labels?.['atelier.io/resource-id'], id);
    const data = (k: string) => Buffer.from(secret.data![k]!, 'base64').toString('utf8');
    const plan = JSON.parse(data('plan.json')) as { code: { bucket: string; key: string } };
    assert.deepEqual({ bucket: plan.code.bucket, key: plan.code.key }, { bucket: BUCKET, key: 'code/' });
    assert.equal((JSON.parse(data('store.json')) as { endpoint: string }).endpoint, s3url);

    // What the containers do in a pod, here against the same store: the staging ones with the whole Secret, the
    // worker with its plan and script alone, and the folder they share.
    const dir = mkdtempSync(join(tmpdir(), 'kexec-stage-'));
    const staging = join(dir, 'staging');
    const workerStaging = join(dir, 'worker-staging');
    const exchange = join(dir, 'exchange');
    let uploaderProcess: ChildProcess | undefined;
    try {
      for (const d of [staging, workerStaging, exchange]) mkdirSync(d);
      for (const d of [staging, workerStaging]) {
        writeFileSync(join(d, 'plan.json'), data('plan.json').replaceAll(JOB_DIR, join(dir, 'job')));
        writeFileSync(join(d, 'stage.py'), data('stage.py'));
      }
      writeFileSync(join(staging, 'store.json'), data('store.json'));
      const staged = await run('python3', [join(staging, 'stage.py'), 'in', join(staging, 'plan.json')]);
      assert.equal(staged.status, 0, staged.stderr);
      assert.equal(readFileSync(join(dir, 'job/code/code/train.py'), 'utf8'), 'print("training")\n');
      assert.equal(readFileSync(join(dir, 'job/code/code/lib/util.py'), 'utf8'), 'X = 1\n');
      assert.equal(readFileSync(join(dir, 'job/inputs/data_url/a.csv'), 'utf8'), 'x,y\n1,0\n');
      const out = join(dir, 'job/outputs/train_url');
      const train = (code: number) =>
        run('python3', [
          join(workerStaging, 'stage.py'),
          'handoff',
          exchange,
          '--',
          'sh',
          '-c',
          // The user's code tries to have the uploader read the key through links among its outputs.
          `echo model > ${out}/model.txt; ln -s ${join(staging, 'store.json')} ${out}/key.json; ln -s ${staging} ${out}/staging; exit ${code}`,
        ]);
      assert.equal((await train(3)).status, 3, 'a failed command keeps its exit code');
      assert.equal(await app.context.objectStore.exists(BUCKET, 'out/manifest/model.txt'), false, 'and uploads nothing');
      rmSync(join(out, 'key.json'));
      rmSync(join(out, 'staging'));
      uploaderProcess = spawn('python3', [join(staging, 'stage.py'), 'out', join(staging, 'plan.json'), exchange], { stdio: 'ignore' });
      const ok = await train(0);
      assert.equal(ok.status, 0, ok.stderr);
      assert.equal(await app.context.objectStore.readText(BUCKET, 'out/manifest/model.txt', 100), 'model\n');
      const uploaded = await app.context.objectStore.list(BUCKET, { prefix: 'out/manifest/' });
      assert.deepEqual(
        uploaded.objects.map((o) => o.key),
        ['out/manifest/model.txt'],
        'the links were not followed',
      );
      assert.equal(uploaderProcess.exitCode, null, 'the sidecar stays until the pod stops it');
    } finally {
      uploaderProcess?.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    }
    await client.training.deleteJob(id);
    await gone(id);
    await until(
      'the Secret to go',
      async () =>
        (await core.readNamespacedSecret({ name: stagingSecretName(id), namespace: NS }).then(
          () => undefined,
          () => true,
        )) ?? undefined,
    );
  });

  it("places a dedicated pool's job on the pool's nodes (nodeSelector)", async () => {
    const pool = `pool-${'0'.repeat(31)}7`;
    const identity = { name: pool, projectId: t.creds.project_id, displayName: 'kube-pool', scope: ['Train' as const] };
    assert.ok(app.context.pools.add(identity, [{ name: 'node-a', capacity: { cpu: 1, memoryMb: 4096 } }]));
    const body = jobBody('in-pool');
    const { metadata } = await client.training.createJob({ ...body, spec: { resource: { flavor_id: CPU1, node_count: 1, pool_id: pool } } });
    const job = await theJob(metadata.id);
    assert.deepEqual(job.spec!.template.spec!.nodeSelector, { [POOL_LABEL]: pool });
    // and the pool's PriorityClass, which the pool's ResourceQuota counts (test/runtime/kubernetes/pool-nodes.test.ts)
    assert.equal(job.spec!.template.spec!.priorityClassName, poolPriorityClass(pool));
    await client.training.deleteJob(metadata.id);
    await gone(metadata.id);
  });

  it("gives each channel its local_dir: under the job's folder a folder there, elsewhere an emptyDir in every container", async () => {
    const body = jobBody('local-dirs');
    const inputDir = `${JOB_DIR}/inputs/data_url_0`;
    const { metadata, algorithm } = await client.training.createJob({
      ...body,
      algorithm: {
        ...body.algorithm,
        inputs: [{ ...body.algorithm.inputs[0]!, local_dir: `${inputDir}/` }],
        outputs: [{ ...body.algorithm.outputs[0]!, local_dir: '/cache/train_url' }],
      },
    });
    assert.equal(algorithm?.inputs?.[0]?.local_dir, `${inputDir}/`);
    const pod = (await theJob(metadata.id)).spec!.template.spec!;
    const worker = pod.containers[0]!;
    assert.ok(worker.command?.includes(`--data_url=${inputDir}`), worker.command?.join(' '));
    assert.ok(worker.command?.includes('--train_url=/cache/train_url'), worker.command?.join(' '));
    const volume = pod.volumes?.find((v) => v.emptyDir && v.name.startsWith('channel-'));
    assert.ok(volume, JSON.stringify(pod.volumes));
    for (const c of [worker, ...(pod.initContainers ?? [])])
      assert.ok(
        c.volumeMounts?.some((m) => m.name === volume.name && m.mountPath === '/cache/train_url'),
        `${c.name} mounts the output's folder`,
      );
    assert.equal(pod.volumes?.filter((v) => v.name.startsWith('channel-')).length, 1, "the input's folder is in the job's folder");
    const secret = await core.readNamespacedSecret({ name: stagingSecretName(metadata.id), namespace: NS });
    const plan = JSON.parse(Buffer.from(secret.data!['plan.json']!, 'base64').toString('utf8')) as { inputs: { dir: string }[]; outputs: { dir: string }[] };
    assert.deepEqual([plan.inputs[0]?.dir, plan.outputs[0]?.dir], [inputDir, '/cache/train_url']);
    await client.training.deleteJob(metadata.id);
    await gone(metadata.id);

    // A job naming no local_dir shows the folder its pod uses, not one of this host.
    const plain = await client.training.createJob(jobBody('no-local-dirs'));
    assert.equal(plain.algorithm?.inputs?.[0]?.local_dir, `${JOB_DIR}/inputs/data_url`);
    assert.equal(plain.algorithm?.outputs?.[0]?.local_dir, `${JOB_DIR}/outputs/train_url`);
    await client.training.deleteJob(plain.metadata.id);
    await gone(plain.metadata.id);
  });

  it('refuses a local_dir no pod can have, and stores nothing', async () => {
    const before = (await client.training.listJobs({})).total;
    const body = jobBody('bad-local-dir');
    const withInput = (local_dir: string) => ({ ...body, algorithm: { ...body.algorithm, inputs: [{ ...body.algorithm.inputs[0]!, local_dir }] } });
    const cases: [string, string][] = [
      ['relative/dir', 'must be an absolute path'],
      ['/proc/data', 'cannot be under /proc'],
      ['/usr/data', 'cannot be under /usr'],
      ['/atelier/staging', 'overlaps /atelier'],
      [`${JOB_DIR}/code/data`, `overlaps ${JOB_DIR}/code`],
      [JOB_DIR, `overlaps ${JOB_DIR}`],
      ['/cache/../etc', 'normalized'],
    ];
    for (const [dir, why] of cases) await assert.rejects(client.training.createJob(withInput(dir)), apiFailure(400, 'ModelArts.0104', why), dir);
    const clash = { ...body, algorithm: { ...withInput('/cache/a').algorithm, outputs: [{ ...body.algorithm.outputs[0]!, local_dir: '/cache/a/out' }] } };
    await assert.rejects(client.training.createJob(clash), apiFailure(400, 'ModelArts.0104', 'overlaps body.algorithm.inputs[0].local_dir'));
    assert.equal((await client.training.listJobs({})).total, before);
  });

  it('follows the pods: Creating, Running, then Completed; the Job is removed at the end', async () => {
    const body = jobBody('follows');
    const spec = { ...body.spec, log_export_path: { obs_url: `/${BUCKET}/logs/` } };
    const id = (await client.training.createJob({ ...body, spec })).metadata.id;
    await theJob(id);
    // Pods the scheduler has not placed yet: the job waits (Creating, then Queuing while no node takes them).
    const waiting = await waitJob(id, (j) => ['Creating', 'Queuing'].includes(j.status.secondary_phase ?? ''));
    assert.equal(waiting.status.phase, 'Running');
    await settle(id, { kind: 'unschedulable' });
    // Queuing may already show "waiting for the scheduler" (pod not yet looked at); the scheduler's refusal follows.
    await waitJob(id, (j) => j.status.secondary_phase === 'Queuing' && /waiting for a node/.test(j.status.task_statuses?.[0]?.message ?? ''));
    await settle(id, { kind: 'running' });
    await waitJob(id, (j) => j.status.secondary_phase === 'Running');
    await settle(id, { kind: 'exited', code: 0 });
    const done = await waitJob(id, (j) => j.status.phase === 'Completed');
    assert.equal(done.status.secondary_phase, 'Completed');
    assert.equal(done.status.task_statuses?.[0]?.exit_code, 0);
    await gone(id);
    // No kubelet here serves the pod's log: the task's log says so (on a cluster it holds the staging and worker output).
    const log = (await client.training.logPreview(id)).content;
    assert.match(log, /the log of worker-0 \(worker of pod ma-job-[-0-9a-z]+\) cannot be read/);
    assert.match(log, /every node exited 0/);
    assert.equal(await app.context.objectStore.readText(BUCKET, `logs/modelarts-job-${id}-worker-0.log`, 1 << 20), log, 'exported to log_export_path');
    await assert.rejects(other.training.getJob(id), apiFailure(404, 'ModelArts.2755'));
  });

  it('fails with the reason the pod gives: OOMKilled, ImagePullBackOff', async () => {
    const oom = await create('oom');
    await theJob(oom);
    await settle(oom, { kind: 'running' });
    await settle(oom, { kind: 'oom-killed' });
    const failed = await waitJob(oom, (j) => j.status.phase === 'Failed');
    assert.match(failed.status.task_statuses?.[0]?.message ?? '', /OOMKilled/);
    assert.equal(failed.status.task_statuses?.[0]?.exit_code, 137);
    await gone(oom);

    const pull = await create('pull', { image_url: 'registry.example/team/missing:2' });
    const job = await theJob(pull);
    assert.equal(job.spec!.template.spec!.containers[0]!.image, 'registry.example/team/missing:2', 'a custom image is used as it is');
    await settle(pull, { kind: 'image-pull-backoff' });
    const unpulled = await waitJob(pull, (j) => j.status.phase === 'Failed');
    assert.match(unpulled.status.task_statuses?.[0]?.message ?? '', /ImagePullBackOff/);
    await assert.rejects(
      client.training.createJob(jobBody('bad-image', { image_url: 'Not An/Image!!' })),
      apiFailure(400, 'ModelArts.0104', 'engine.image_url'),
    );
  });

  it('stop and delete remove the Job', async () => {
    const stopped = await create('stopped');
    await theJob(stopped);
    await settle(stopped, { kind: 'running' });
    await waitJob(stopped, (j) => j.status.secondary_phase === 'Running');
    await client.training.terminateJob(stopped);
    await gone(stopped);
    const terminated = await waitJob(stopped, (j) => j.status.phase === 'Terminated');
    assert.equal(terminated.status.secondary_phase, 'Terminated');

    const deleted = await create('deleted');
    await theJob(deleted);
    await client.training.deleteJob(deleted);
    await gone(deleted);
    await assert.rejects(client.training.getJob(deleted), apiFailure(404, 'ModelArts.2755'));
  });

  it('fails a job, saying why, when the object store is a local folder no pod can reach', async () => {
    const ns = 'atelier-fs-store';
    await core.createNamespace({ body: { metadata: { name: ns } } });
    const fs = await startTestApp({ ATELIER_EXECUTOR: 'kubernetes', ATELIER_KUBE_CONFIG: kube.kubeconfigPath, ATELIER_KUBE_NAMESPACE: ns });
    try {
      await fs.atelier.recover();
      fs.atelier.startBackground();
      await fs.atelier.context.objectStore.ensureBucket(BUCKET);
      await fs.atelier.context.objectStore.put(BUCKET, 'code/train.py', 'print(1)\n');
      await fs.atelier.context.objectStore.put(BUCKET, 'data/a.csv', 'x\n');
      const id = (await fs.client.training.createJob(jobBody('fs-store'))).metadata.id;
      const failed = await waitJob(id, (j) => j.status.phase === 'Failed', fs.client);
      assert.match(failed.status.task_statuses?.[0]?.message ?? '', /needs an S3-compatible object store/);
      assert.equal((await batch.listNamespacedJob({ namespace: ns })).items.length, 0, 'nothing was made');
    } finally {
      await fs.close();
    }
  });

  it('after a restart mid-job adopts the Job without making a second one, and deletes an orphan', async () => {
    const id = await create('restart');
    const before = await theJob(id);
    await settle(id, { kind: 'running' });
    await waitJob(id, (j) => j.status.secondary_phase === 'Running');
    // A Job left by a job whose row is gone.
    const orphan = trainingJobObjects({
      jobId: 'aaaaaaaa-0000-4000-8000-000000000001',
      projectId: t.creds.project_id,
      namespace: NS,
      nodeCount: 1,
      image: IMAGE,
      command: ['python3', 'x.py'],
      workingDir: '/tmp',
      jobDir: '/tmp/job',
      env: {},
      perNode: { cpu: 1, memoryMb: 512 },
    });
    await new TrainingJobClient(kube.kc, NS).apply(orphan);
    await app.close();
    const restarted = await restartedApp(t);
    app = restarted.atelier;
    client = restarted.client;
    await gone('aaaaaaaa-0000-4000-8000-000000000001');
    const jobs = await jobsOf(id);
    assert.equal(jobs.length, 1);
    assert.equal(jobs[0]!.metadata!.uid, before.metadata!.uid, 'the same Job, not made again');
    await settle(id, { kind: 'exited', code: 0 });
    await waitJob(id, (j) => j.status.phase === 'Completed');
  });
});
