// OBS mounts of notebook instances on the kubernetes executor, through the unchanged storage APIs, against a real API
// server with the real StatefulSet controller (test-kubelet stands in for the kubelet, and serves the containers' logs).
// The pod's sync sidecar runs here as the pod would run it: its command from the pod's spec (this repository's
// bin/atelier.mjs for Atelier's image), the Secret's files copied into a folder again and again as the kubelet refreshes
// a mounted Secret, a folder of this host as the volume, and its stdout served as the container's log. A mount is
// MOUNTED once the sidecar says so, its objects are in the volume, and what is written there reaches the store at once;
// a detach copies back and removes the folder, and nothing written after it reaches the store; a stop copies back
// (the sidecar's SIGTERM) and a start mounts again. A restarted Atelier reads what the sidecar did while it was down,
// though a burst of lines has pushed that report far back in the log (Atelier reads only the log's end; the sidecar
// says each mount's state again), and a restarted sidecar writes back what changed while it was. The pod's next
// containers start only once the sidecar's startup probe passes, after its first copy in. A pod that fails ends its
// mounts (UNMOUNTED while the instance is ERROR), and the next start writes back what a killed sidecar left in the
// volume. Bad input, a foreign bucket, a folder already holding files and
// another project are refused; Jupyter's container sees neither the storage Secret nor the store's key.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AppsV1Api, CoreV1Api, type V1Pod, type V1PodSpec } from '@kubernetes/client-node';
import type { AtelierApp } from '#src/app.ts';
import type { AtelierClient } from '#src/client/index.ts';
import { SYNC_LOG_BYTES } from '#src/modules/notebooks/storage/pod-reports.ts';
import { resourceSelector } from '#src/runtime/kubernetes/labels.ts';
import { NOTEBOOK_CONTAINER, NOTEBOOK_WORK, notebookObjectName } from '#src/runtime/kubernetes/notebook-manifest.ts';
import {
  notebookStorageSecretName,
  SYNC_CONFIG_DIR,
  SYNC_CONTAINER,
  SYNC_READY_FILE,
  SYNC_STATE_DIR,
  SYNC_STORE_ENV,
} from '#src/runtime/kubernetes/notebook-sync-manifest.ts';
import { apiFailure, restartedApp, type TestApp } from '../../helpers/app.ts';
import { kubeTestServerSkip, startKubeTestServer, until, type KubeTestServer } from '../../helpers/kube.ts';
import { builtInImage, FLAVOR } from '../../notebooks/helpers.ts';
import { startAtelierOnCluster, type AtelierOnCluster } from './atelier-on-cluster.ts';
import { registerNode, settlePod, sidecarStarted, startLogKubelet, type LogKubelet } from './test-kubelet.ts';

const NS = 'atelier-nb-storage';
const IMAGE = 'registry.example/atelier-notebook:1';
const ATELIER_IMAGE = 'registry.example/atelier:1';
const BIN = join(import.meta.dirname, '../../../bin/atelier.mjs');
const BUCKET = 'kube-mounts';
const FOREIGN = 'kube-mounts-foreign';

type Mount = Awaited<ReturnType<AtelierClient['notebooks']['storage']['get']>>;

/** The sync sidecar of one pod, run on this host. */
interface Sidecar {
  child: ChildProcess;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** Runs a command in the sidecar's container (its probe), with the pod's paths mapped to this host's; its exit code. */
  exec(command: string[]): Promise<number | null>;
}

describe('OBS mounts of notebooks on the kubernetes executor', { skip: kubeTestServerSkip() }, () => {
  let kube: KubeTestServer;
  let kubelet: LogKubelet;
  let core: CoreV1Api;
  let apps: AppsV1Api;
  let onCluster: AtelierOnCluster;
  let t: TestApp;
  let app: AtelierApp;
  let client: AtelierClient;
  let other: AtelierClient;
  let dir: string;
  /** The instance's volume, as the sidecar sees it. */
  let work: string;
  let id = '';
  let sidecar: Sidecar | undefined;
  /** The sidecar's own folder (its emptyDir), kept across a restart of the container. */
  let sidecarState = '';
  let refresh: NodeJS.Timeout | undefined;

  before(async () => {
    kube = await startKubeTestServer({ controllers: true, moreControllers: ['statefulset-controller'] });
    core = kube.kc.makeApiClient(CoreV1Api);
    apps = kube.kc.makeApiClient(AppsV1Api);
    kubelet = await startLogKubelet(kube.dir);
    await registerNode(core, 'node-a', {}, { cpu: '8', memory: '32Gi' }, kubelet.port);
    onCluster = await startAtelierOnCluster(kube, NS, IMAGE, { ATELIER_KUBE_ATELIER_IMAGE: ATELIER_IMAGE });
    t = onCluster.t;
    app = t.atelier;
    client = t.client;
    other = await t.newTenant('nb-storage-other');
    const objects = app.context.objectStore;
    await objects.ensureBucket(BUCKET);
    await objects.put(BUCKET, 'data/in.txt', 'from OBS');
    await objects.put(BUCKET, 'data/sub/deep.csv', 'a,b\n1,2\n');
    await objects.put(BUCKET, 'elsewhere/keep.txt', 'not mounted');
    await app.context.buckets.create((await app.context.identity.domain('nb-storage-other'))!.id, FOREIGN);
    dir = mkdtempSync(join(tmpdir(), 'nb-storage-pod-'));
    work = join(dir, 'work');
    mkdirSync(work);
  });
  after(async () => {
    clearInterval(refresh);
    sidecar?.child.kill('SIGKILL');
    if (app !== t?.atelier) await app?.close();
    await onCluster?.close();
    await kubelet?.close();
    await kube?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const podName = () => `${notebookObjectName(id)}-0`;
  const livePods = async (): Promise<V1Pod[]> =>
    (await core.listNamespacedPod({ namespace: NS, labelSelector: resourceSelector('notebook', id) })).items.filter((p) => !p.metadata?.deletionTimestamp);
  const object = (key: string) => app.context.objectStore.readText(BUCKET, key, 1 << 20).catch(() => undefined);
  // An upload may be seen under way (a file caught while being written is uploaded again once it is whole).
  const objectIs = (key: string, text: string) => until(`${key} in the store`, async () => ((await object(key)) === text ? text : undefined), 10_000);
  const statusIs = (status: string) => until(`${id} ${status}`, async () => ((await client.notebooks.get(id)).status === status ? true : undefined), 60_000);
  const mountIs = (mountId: string, status: string): Promise<Mount> =>
    until(`mount ${mountId} ${status}`, async () => {
      const m = await client.notebooks.storage.get(id, mountId);
      return m.status === status ? m : undefined;
    });
  const mountGone = (mountId: string) =>
    until(`mount ${mountId} gone`, () =>
      client.notebooks.storage.get(id, mountId).then(
        () => undefined,
        () => true,
      ),
    );

  /** The Secret's items of the sidecar's volume as the kubelet writes them into its mount, again every 100 ms (a refresh). */
  function mirrorSecret(config: string, items: string[]): void {
    clearInterval(refresh);
    const copy = async () => {
      const secret = await core.readNamespacedSecret({ name: notebookStorageSecretName(id), namespace: NS }).catch(() => undefined);
      for (const [k, v] of Object.entries(secret?.data ?? {}).filter(([key]) => items.includes(key))) {
        writeFileSync(join(config, `.${k}.new`), Buffer.from(v, 'base64'));
        renameSync(join(config, `.${k}.new`), join(config, k));
      }
    };
    refresh = setInterval(() => void copy().catch(() => undefined), 100);
  }

  /** Starts the pod's sidecar as its spec says, with the pod's paths mapped to this host's; its stdout is its log. */
  async function startSidecar(pod: V1PodSpec, state = mkdtempSync(join(dir, 'state-'))): Promise<Sidecar> {
    sidecarState = state;
    const spec = pod.initContainers!.find((c) => c.name === SYNC_CONTAINER)!;
    const config = mkdtempSync(join(dir, 'config-'));
    const configVolume = spec.volumeMounts!.find((m) => m.mountPath === SYNC_CONFIG_DIR)!.name;
    mirrorSecret(
      config,
      pod.volumes!.find((v) => v.name === configVolume)!.secret!.items!.map((i) => i.key),
    );
    // the variables as the kubelet sets them, a Secret's key read from the Secret
    const secret = await core.readNamespacedSecret({ name: notebookStorageSecretName(id), namespace: NS });
    const env: Record<string, string> = {};
    for (const e of spec.env ?? []) {
      const ref = e.valueFrom?.secretKeyRef;
      env[e.name] = ref ? Buffer.from(secret.data![ref.key]!, 'base64').toString() : (e.value ?? '');
    }
    await until('the Secret in the sidecar', () => (existsSync(join(config, 'mounts.json')) ? true : undefined));
    const paths: Record<string, string> = { '/app/bin/atelier.mjs': BIN, [SYNC_CONFIG_DIR]: config, [NOTEBOOK_WORK]: work, [SYNC_STATE_DIR]: state };
    const onHost = (a: string) => {
      const from = Object.keys(paths).find((p) => a === p || a.startsWith(`${p}/`));
      return from ? paths[from]! + a.slice(from.length) : a;
    };
    const [cmd, ...args] = (spec.command ?? []).map(onHost);
    const child = spawn(cmd!, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env, HOME: state, ATELIER_SYNC_POLL_MS: '100' } });
    const key = `${NS}/${podName()}/${SYNC_CONTAINER}`;
    let out = '';
    kubelet.logs.set(key, '');
    child.stdout!.on('data', (d: Buffer) => kubelet.logs.set(key, (out += d.toString())));
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) =>
      child.on('close', (code) => {
        if (code !== 0 && code !== null) process.stderr.write(`the sidecar exited with ${code}: ${err}\n`);
        resolve(code);
      }),
    );
    const exec = (command: string[]) =>
      new Promise<number | null>((resolve) => {
        const [c, ...a] = command.map(onHost);
        spawn(c!, a, { stdio: 'ignore' })
          .on('close', resolve)
          .on('error', () => resolve(127));
      });
    return { child, exited, exec };
  }

  /**
   * Starts the pod's sidecar, and, as a kubelet does, the next containers only once its startup probe succeeds: then the
   * pod is Running and Ready. The probe's failed tries.
   */
  async function podRuns(): Promise<number> {
    const pod = await until('the pod', async () => (await livePods())[0]);
    sidecar = await startSidecar(pod.spec!);
    const failedTries = await sidecarStarted(pod.spec!.initContainers!.find((c) => c.name === SYNC_CONTAINER)!.startupProbe, sidecar.exec);
    const settled = await settlePod(core, NS, podName(), { kind: 'running' });
    settled.status = { ...settled.status, podIP: '127.0.0.1', podIPs: [{ ip: '127.0.0.1' }] };
    await core.replaceNamespacedPodStatus({ name: podName(), namespace: NS, body: settled });
    return failedTries;
  }

  it("runs a sync sidecar of Atelier's image beside Jupyter; only the sidecar mounts the storage Secret, which holds the store's key", async () => {
    const nb = await client.notebooks.create({
      name: 'kube-mounts',
      flavor: FLAVOR,
      image_id: builtInImage().id,
      volume: { category: 'EVS', ownership: 'MANAGED', capacity: 5 },
    });
    id = nb.id;
    const set = await until('the StatefulSet', () => apps.readNamespacedStatefulSet({ name: notebookObjectName(id), namespace: NS }).catch(() => undefined));
    const spec = set.spec!.template.spec!;
    const sync = spec.initContainers?.[0];
    assert.equal(sync?.name, SYNC_CONTAINER, 'the sidecar starts first (a native sidecar)');
    assert.equal(sync.image, ATELIER_IMAGE);
    assert.equal(sync.restartPolicy, 'Always');
    assert.deepEqual(sync.command?.slice(-5), ['notebook', 'sync', SYNC_CONFIG_DIR, NOTEBOOK_WORK, SYNC_STATE_DIR]);
    assert.deepEqual(
      sync.startupProbe?.exec?.command,
      ['test', '-f', `${SYNC_STATE_DIR}/${SYNC_READY_FILE}`],
      'the next containers wait for the first copy in',
    );
    assert.deepEqual(sync.securityContext, spec.containers[0]!.securityContext);
    const secretVolumes = new Set((spec.volumes ?? []).filter((v) => v.secret).map((v) => v.name));
    assert.deepEqual(spec.volumes?.find((v) => v.secret)?.secret?.secretName, notebookStorageSecretName(id), 'one Secret volume: the storage Secret');
    assert.ok(
      sync.volumeMounts?.some((m) => secretVolumes.has(m.name) && m.readOnly && !m.subPath),
      'mounted without subPath (refreshed), read-only',
    );
    assert.deepEqual(
      spec.volumes?.find((v) => v.secret)?.secret?.items?.map((i) => i.key),
      ['mounts.json'],
      'the key is no file of the sidecar: no link in the volume leads to it',
    );
    assert.equal(sync.env?.find((e) => e.name === SYNC_STORE_ENV)?.valueFrom?.secretKeyRef?.key, 'store.json');
    const jupyter = spec.containers.find((c) => c.name === NOTEBOOK_CONTAINER)!;
    assert.equal(spec.containers.length, 1);
    assert.deepEqual(
      (jupyter.volumeMounts ?? []).filter((m) => secretVolumes.has(m.name)),
      [],
      "Jupyter's container mounts no Secret",
    );
    const envText = JSON.stringify(jupyter.env ?? []) + JSON.stringify(jupyter.envFrom ?? []);
    assert.ok(!envText.includes(notebookStorageSecretName(id)) && !envText.includes('S3RVER'), `no store key in Jupyter's environment: ${envText}`);
    // the flavor's share is split: Jupyter's plus the sidecar's is what the flavor gives
    assert.deepEqual(sync.resources?.limits, { cpu: '100m', memory: '256Mi' });
    const secret = await core.readNamespacedSecret({ name: notebookStorageSecretName(id), namespace: NS });
    const data = (k: string) => JSON.parse(Buffer.from(secret.data![k]!, 'base64').toString()) as unknown;
    assert.deepEqual(data('mounts.json'), []);
    assert.equal((data('store.json') as { accessKeyId: string }).accessKeyId, 'S3RVER');
    await podRuns();
    await statusIs('RUNNING');
  });

  let mountId = '';

  it("attach: MOUNTING until the sidecar says MOUNTED; the folder's objects are in the volume, and what is written or deleted there reaches the store at once", async () => {
    const m = await client.notebooks.storage.attach(id, { uri: `obs://${BUCKET}/data/` });
    mountId = m.id;
    assert.deepEqual(
      { status: m.status, mount_path: m.mount_path, sync_mode: m.sync_mode },
      { status: 'MOUNTING', mount_path: `${NOTEBOOK_WORK}/data/data/`, sync_mode: 'LIVE' },
    );
    const listed = await until('the mount in the Secret', async () => {
      const secret = await core.readNamespacedSecret({ name: notebookStorageSecretName(id), namespace: NS });
      const mounts = JSON.parse(Buffer.from(secret.data!['mounts.json']!, 'base64').toString()) as unknown[];
      return mounts.length ? mounts : undefined;
    });
    assert.deepEqual(listed, [{ id: mountId, bucket: BUCKET, prefix: 'data/', folder: 'data/data' }]);
    await mountIs(mountId, 'MOUNTED');
    const folder = join(work, 'data/data');
    assert.equal(readFileSync(join(folder, 'in.txt'), 'utf8'), 'from OBS');
    assert.equal(readFileSync(join(folder, 'sub/deep.csv'), 'utf8'), 'a,b\n1,2\n');
    assert.equal(existsSync(join(folder, 'keep.txt')), false, 'only the mounted folder');
    writeFileSync(join(folder, 'out.txt'), 'from the kernel');
    await objectIs('data/out.txt', 'from the kernel');
    rmSync(join(folder, 'sub/deep.csv'));
    await until('deep.csv gone from the store', async () => ((await object('data/sub/deep.csv')) === undefined ? true : undefined), 10_000);
    assert.equal((await client.notebooks.storage.list(id)).data[0]?.status, 'MOUNTED');
  });

  it('bad input, a foreign bucket and another project are refused; a folder already holding files in the volume fails the mount as the sidecar found it', async () => {
    const attach = (body: { uri: string; mount_path?: string }) => client.notebooks.storage.attach(id, body);
    await assert.rejects(attach({ uri: `obs://${BUCKET}/data/` }), apiFailure(400, 'ModelArts.0104', 'already mounted'));
    await assert.rejects(attach({ uri: `obs://${BUCKET}/data/sub/`, mount_path: `${NOTEBOOK_WORK}/again/` }), apiFailure(400, 'ModelArts.0104', 'uri'));
    await assert.rejects(attach({ uri: `obs://${BUCKET}/elsewhere/`, mount_path: '/tmp/x/' }), apiFailure(400, 'ModelArts.0104', 'mount_path'));
    await assert.rejects(
      attach({ uri: `obs://${BUCKET}/elsewhere/`, mount_path: `${NOTEBOOK_WORK}/data/data/in/` }),
      apiFailure(400, 'ModelArts.0104', 'mount_path'),
    );
    await assert.rejects(attach({ uri: `obs://${FOREIGN}/x/`, mount_path: `${NOTEBOOK_WORK}/foreign/` }), apiFailure(403, 'ModelArts.4310', FOREIGN));
    await assert.rejects(other.notebooks.storage.list(id), apiFailure(404, 'ModelArts.6309'));
    await assert.rejects(other.notebooks.storage.get(id, mountId), apiFailure(404, 'ModelArts.6309'));
    await assert.rejects(other.notebooks.storage.detach(id, mountId), apiFailure(404, 'ModelArts.6309'));
    await assert.rejects(other.notebooks.storage.attach(id, { uri: `obs://${FOREIGN}/x/` }), apiFailure(404, 'ModelArts.6309'));
    // the volume is in the pod: whether the folder is empty is the sidecar's to find
    mkdirSync(join(work, 'taken'));
    writeFileSync(join(work, 'taken/mine.txt'), 'the user made this');
    const taken = await attach({ uri: `obs://${BUCKET}/elsewhere/`, mount_path: `${NOTEBOOK_WORK}/taken/` });
    assert.equal(taken.status, 'MOUNTING');
    const failed = await mountIs(taken.id, 'MOUNT_FAILED');
    assert.match(failed.fail_reason ?? '', /already holds files/);
    assert.equal(readFileSync(join(work, 'taken/mine.txt'), 'utf8'), 'the user made this', 'left as it was');
    await client.notebooks.storage.detach(id, taken.id);
    await mountGone(taken.id);
    assert.equal(readFileSync(join(work, 'taken/mine.txt'), 'utf8'), 'the user made this');
    assert.equal(await object('elsewhere/mine.txt'), undefined, 'nothing of it reached the store');
    assert.equal((await client.notebooks.storage.list(id)).total, 1);
  });

  it('a mount the sidecar makes while Atelier is down is MOUNTED once the restarted Atelier reads its log; a restarted sidecar writes back what changed meanwhile', async () => {
    sidecar!.child.kill('SIGSTOP');
    const m = await client.notebooks.storage.attach(id, { uri: `obs://${BUCKET}/elsewhere/`, mount_path: `${NOTEBOOK_WORK}/other/` });
    await until('the mount in the Secret', async () => {
      const secret = await core.readNamespacedSecret({ name: notebookStorageSecretName(id), namespace: NS });
      return Buffer.from(secret.data!['mounts.json']!, 'base64').toString().includes(m.id) ? true : undefined;
    });
    await app.close();
    sidecar!.child.kill('SIGCONT');
    const said = new RegExp(`"id":"${m.id}","status":"MOUNTED"`);
    const logKey = `${NS}/${podName()}/${SYNC_CONTAINER}`;
    await until('the sidecar saying MOUNTED', () => (said.test(kubelet.logs.get(logKey) ?? '') ? true : undefined));
    // then a burst of files OBS does not take, a line each: the log grows far past the end Atelier reads of it
    for (let i = 0; i < 2500; i++) writeFileSync(join(work, `other/bad\\${i}.txt`), 'x');
    await until('the burst in the log', () => ((kubelet.logs.get(logKey)?.length ?? 0) > 3 * SYNC_LOG_BYTES ? true : undefined), 30_000);
    const readsBefore = kubelet.served.length;
    const restarted = await restartedApp(t);
    app = restarted.atelier;
    client = restarted.client;
    await mountIs(m.id, 'MOUNTED');
    const reads = kubelet.served.slice(readsBefore).filter((r) => r.key === logKey);
    assert.ok(reads.length > 0);
    assert.ok(
      reads.every((r) => r.bytes <= 2 * SYNC_LOG_BYTES && r.query.has('limitBytes')),
      `every read of the sidecar's log is bounded: ${reads.map((r) => r.bytes).join(', ')}`,
    );
    assert.equal(readFileSync(join(work, 'other/keep.txt'), 'utf8'), 'not mounted');
    // the sidecar's container restarts (its own folder kept, as an emptyDir is); a file written while it was down reaches the store
    const spec = (await livePods())[0]!.spec!;
    sidecar!.child.kill('SIGKILL');
    await sidecar!.exited;
    writeFileSync(join(work, 'other/while-down.txt'), 'the sidecar was down');
    sidecar = await startSidecar(spec, sidecarState);
    await objectIs('elsewhere/while-down.txt', 'the sidecar was down');
    // the folder is watched again once the sidecar says it is mounted again
    await until('the restarted sidecar saying MOUNTED', () => (said.test(kubelet.logs.get(logKey) ?? '') ? true : undefined), 30_000);
    writeFileSync(join(work, 'other/after.txt'), 'watched again');
    await objectIs('elsewhere/after.txt', 'watched again');
    await client.notebooks.storage.detach(id, m.id);
    await mountGone(m.id);
    assert.equal(existsSync(join(work, 'other')), false);
  });

  it('stop: the sidecar copies back as the pod ends, the mount is UNMOUNTED; start mounts it again', async () => {
    const folder = join(work, 'data/data');
    await client.notebooks.stop(id);
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal((await client.notebooks.get(id)).status, 'STOPPING', 'the stop waits for the copy back');
    const ending = await until('the pod ending', async () => {
      const pods = (await core.listNamespacedPod({ namespace: NS, labelSelector: resourceSelector('notebook', id) })).items;
      return pods.find((p) => p.metadata?.deletionTimestamp);
    });
    writeFileSync(join(folder, 'last.txt'), 'written at the end');
    sidecar!.child.kill('SIGTERM');
    assert.equal(await sidecar!.exited, 0);
    assert.match(kubelet.logs.get(`${NS}/${podName()}/${SYNC_CONTAINER}`) ?? '', new RegExp(`"id":"${mountId}","status":"UNMOUNTED"`));
    assert.equal(await object('data/last.txt'), 'written at the end');
    assert.equal(existsSync(folder), false, 'the folder is taken out of the volume');
    // the stop waits for the sidecar's word, read from the ending pod's log
    await statusIs('STOPPED');
    await core.deleteNamespacedPod({ name: ending.metadata!.name!, namespace: NS, gracePeriodSeconds: 0 });
    const stopped = await client.notebooks.storage.get(id, mountId);
    assert.equal(stopped.status, 'UNMOUNTED');
    assert.equal(stopped.fail_reason, undefined, 'the sidecar said it copied back');
    await app.context.objectStore.put(BUCKET, 'data/while-stopped.txt', 'put while stopped');
    for (let i = 0; i < 150; i++) await app.context.objectStore.put(BUCKET, `data/many/f${i}.txt`, `file ${i}`);
    await client.notebooks.start(id);
    await until('MOUNTING again', async () => ((await client.notebooks.storage.get(id, mountId)).status === 'MOUNTING' ? true : undefined));
    const failedTries = await podRuns();
    // the kubelet started the next containers once the sidecar's probe passed: by then the whole folder was copied in
    assert.ok(failedTries > 0, 'the probe failed while the copy in was under way');
    assert.equal(readdirSync(join(folder, 'many')).length, 150);
    assert.equal(readFileSync(join(folder, 'while-stopped.txt'), 'utf8'), 'put while stopped');
    await statusIs('RUNNING');
    await mountIs(mountId, 'MOUNTED');
    assert.equal(readFileSync(join(folder, 'last.txt'), 'utf8'), 'written at the end');
  });

  it('a failed pod ends its mounts as a stop does (UNMOUNTED while the instance is ERROR); the next start writes back what a killed sidecar left, then mounts again', async () => {
    const folder = join(work, 'data/data');
    const second = await client.notebooks.storage.attach(id, { uri: `obs://${BUCKET}/elsewhere/`, mount_path: `${NOTEBOOK_WORK}/second/` });
    await mountIs(second.id, 'MOUNTED');
    // the sidecar dies without copying back: what was written as it stopped never reached the store, and a detach
    // asked meanwhile was not done
    sidecar!.child.kill('SIGSTOP');
    writeFileSync(join(folder, 'at-failure.txt'), 'written as the pod failed');
    writeFileSync(join(work, 'second/detached.txt'), 'in a mount being detached');
    await client.notebooks.storage.detach(id, second.id);
    sidecar!.child.kill('SIGKILL');
    await sidecar!.exited;
    await settlePod(core, NS, podName(), { kind: 'evicted' });
    await statusIs('ERROR');
    const ended = await mountIs(mountId, 'UNMOUNTED');
    assert.match(ended.fail_reason ?? '', /next start writes what the volume still holds back to OBS/);
    assert.equal(await object('data/at-failure.txt'), undefined);
    assert.equal(readFileSync(join(folder, 'at-failure.txt'), 'utf8'), 'written as the pod failed', 'the copy stays in the volume');
    assert.equal((await client.notebooks.storage.get(id, second.id)).status, 'UNMOUNTING', 'to be detached by the next pod');
    // no kubelet confirms the failed pod's end: it is removed as the node would
    for (const p of (await core.listNamespacedPod({ namespace: NS, labelSelector: resourceSelector('notebook', id) })).items)
      await core.deleteNamespacedPod({ name: p.metadata!.name!, namespace: NS, gracePeriodSeconds: 0 }).catch(() => undefined);
    await client.notebooks.start(id);
    await podRuns();
    // written back before the folder was copied in again, instead of failing for a folder that holds files
    assert.equal(await object('data/at-failure.txt'), 'written as the pod failed');
    assert.equal(readFileSync(join(folder, 'at-failure.txt'), 'utf8'), 'written as the pod failed');
    await statusIs('RUNNING');
    const again = await mountIs(mountId, 'MOUNTED');
    assert.match(again.fail_reason ?? '', /written back to OBS first \(files new or changed: 1\)/);
    // the detached mount's copy is written back and taken out of the volume by the new sidecar, then the mount goes
    await mountGone(second.id);
    assert.equal(await object('elsewhere/detached.txt'), 'in a mount being detached');
    assert.equal(existsSync(join(work, 'second')), false);
  });

  it('detach: UNMOUNTING until the sidecar has copied back and removed the folder; then the mount is gone and nothing more reaches the store', async () => {
    const folder = join(work, 'data/data');
    const d = await client.notebooks.storage.detach(id, mountId);
    assert.equal(d.status, 'UNMOUNTING');
    await mountGone(mountId);
    assert.equal(existsSync(folder), false, 'the folder is taken out of the volume');
    const secret = await core.readNamespacedSecret({ name: notebookStorageSecretName(id), namespace: NS });
    const listed = JSON.parse(Buffer.from(secret.data!['mounts.json']!, 'base64').toString()) as { id: string; detach?: boolean }[];
    assert.ok(
      listed.every((m) => m.detach),
      `nothing left to mount: ${JSON.stringify(listed)}`,
    );
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'late.txt'), 'after the detach');
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(await object('data/late.txt'), undefined, 'the sync of the folder has stopped');
    assert.equal((await client.notebooks.storage.list(id)).total, 0);
  });

  it("a stopped instance's mount, copied back when its pod ended, is detached at once", async () => {
    const m = await client.notebooks.storage.attach(id, { uri: `obs://${BUCKET}/data/`, mount_path: `${NOTEBOOK_WORK}/again/` });
    await mountIs(m.id, 'MOUNTED');
    await client.notebooks.stop(id);
    const ending = await until('the pod ending', async () => {
      const pods = (await core.listNamespacedPod({ namespace: NS, labelSelector: resourceSelector('notebook', id) })).items;
      return pods.find((p) => p.metadata?.deletionTimestamp);
    });
    sidecar!.child.kill('SIGTERM');
    assert.equal(await sidecar!.exited, 0);
    await statusIs('STOPPED');
    await core.deleteNamespacedPod({ name: ending.metadata!.name!, namespace: NS, gracePeriodSeconds: 0 });
    assert.equal((await client.notebooks.storage.get(id, m.id)).status, 'UNMOUNTED');
    await assert.rejects(client.notebooks.storage.attach(id, { uri: `obs://${BUCKET}/elsewhere/` }), apiFailure(400, 'ModelArts.6327'));
    await client.notebooks.storage.detach(id, m.id);
    await mountGone(m.id);
    assert.equal(existsSync(join(work, 'again')), false);
  });

  it('delete removes the storage Secret with the instance', async () => {
    await client.notebooks.delete(id);
    await until('the storage Secret gone', () =>
      core.readNamespacedSecret({ name: notebookStorageSecretName(id), namespace: NS }).then(
        () => undefined,
        () => true,
      ),
    );
  });
});
