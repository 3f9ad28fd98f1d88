// Notebook instances through the unchanged API on an Atelier started with --executor kubernetes, against a real API
// server with the real StatefulSet controller (test-kubelet stands in for the kubelet): create makes the StatefulSet,
// its claim, the headless Service and the token Secret; the instance is RUNNING once its pod is Ready, and the proxy
// reaches the pod's address (127.0.0.1 here, where an HTTP server stands in for Jupyter) with the Secret's token; stop
// scales to 0 and keeps the claim; start hooks run in the pod; a pod that cannot pull its image fails the start with that reason; a restart adopts
// the instance by its labels and deletes orphans, and an OOM-killed pod makes it ERROR; delete removes everything; another project sees nothing.
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { isIP, type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { AppsV1Api, CoreV1Api, NetworkingV1Api, type V1Pod } from '@kubernetes/client-node';
import type { AtelierClient } from '#src/client/index.ts';
import type { AtelierApp } from '#src/app.ts';
import { resourceSelector } from '#src/runtime/kubernetes/labels.ts';
import { notebookClaimName, notebookObjectName, notebookObjects, TOKEN_KEY } from '#src/runtime/kubernetes/notebook-manifest.ts';
import { NotebookClient } from '#src/runtime/kubernetes/notebook-objects.ts';
import { apiFailure, restartedApp, startTestApp, type TestApp } from '../../helpers/app.ts';
import { kubeTestServerSkip, startKubeTestServer, until, type KubeTestServer } from '../../helpers/kube.ts';
import { builtInImage, FLAVOR } from '../../notebooks/helpers.ts';
import { registerNode, settlePod, type PodOutcome } from './test-kubelet.ts';

const NS = 'atelier-notebooks';
const IMAGE = 'registry.example/atelier-notebook:1';
const ORPHAN = 'bbbbbbbb-0000-4000-8000-000000000002';
/** The cluster's pod network, closed to the workloads (--kube-closed-networks). */
const POD_NETWORK = '10.244.0.0/16';

type Notebook = Awaited<ReturnType<AtelierClient['notebooks']['get']>>;

describe('notebooks on the kubernetes executor', { skip: kubeTestServerSkip() }, () => {
  let kube: KubeTestServer;
  let core: CoreV1Api;
  let apps: AppsV1Api;
  let t: TestApp;
  let app: AtelierApp;
  let client: AtelierClient;
  let other: AtelierClient;
  /** The HTTP server standing in for Jupyter in the pod, and the requests it saw. */
  let jupyter: Server;
  const seen: { url: string; headers: IncomingHttpHeaders }[] = [];
  let imageId: string;

  before(async () => {
    kube = await startKubeTestServer({ controllers: true, moreControllers: ['statefulset-controller'] });
    core = kube.kc.makeApiClient(CoreV1Api);
    apps = kube.kc.makeApiClient(AppsV1Api);
    await core.createNamespace({ body: { metadata: { name: NS } } });
    // An Arm node: the flavors say the cluster's architecture, not this host's.
    await registerNode(core, 'node-a', { 'kubernetes.io/arch': 'arm64' }, { cpu: '8', memory: '32Gi' });
    jupyter = createServer((req, res) => {
      seen.push({ url: req.url ?? '', headers: req.headers });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ stand_in: true, url: req.url }));
    });
    await new Promise<void>((r) => jupyter.listen(0, '127.0.0.1', r));
    t = await startTestApp({
      ATELIER_EXECUTOR: 'kubernetes',
      ATELIER_KUBE_CONFIG: kube.kubeconfigPath,
      ATELIER_KUBE_NAMESPACE: NS,
      ATELIER_KUBE_IMAGE: IMAGE,
      ATELIER_KUBE_NOTEBOOK_PORT: String((jupyter.address() as AddressInfo).port),
      ATELIER_KUBE_CLOSED_NETWORKS: POD_NETWORK,
      ATELIER_KUBE_IMAGE_PULL_SECRETS: 'registry-a,registry-b',
    });
    app = t.atelier;
    client = t.client;
    other = await t.newTenant('nb-kube-other');
    await app.recover();
    app.startBackground();
    imageId = builtInImage().id;
  });
  after(async () => {
    await app?.close();
    await t?.close();
    jupyter?.close();
    await kube?.stop();
  });

  const name = (id: string) => notebookObjectName(id);
  const podName = (id: string) => `${name(id)}-0`;
  const podsOf = async (id: string): Promise<V1Pod[]> =>
    (await core.listNamespacedPod({ namespace: NS, labelSelector: resourceSelector('notebook', id) })).items.filter((p) => !p.metadata?.deletionTimestamp);
  const claimOf = async (id: string) =>
    (await core.listNamespacedPersistentVolumeClaim({ namespace: NS, labelSelector: resourceSelector('notebook', id) })).items.find(
      (c) => c.metadata?.name === notebookClaimName(id),
    );
  const replicas = async (id: string) => (await apps.readNamespacedStatefulSet({ name: name(id), namespace: NS })).spec?.replicas;

  /** Binds the pod, writes the outcome, and gives it 127.0.0.1 as its IP (where the stand-in listens). */
  const settle = async (id: string, outcome: PodOutcome) => {
    await until(`the pod of ${id}`, async () => (await podsOf(id))[0]);
    const pod = await settlePod(core, NS, podName(id), outcome);
    if (outcome.kind !== 'running') return;
    pod.status = { ...pod.status, podIP: '127.0.0.1', podIPs: [{ ip: '127.0.0.1' }] };
    await core.replaceNamespacedPodStatus({ name: podName(id), namespace: NS, body: pod });
  };
  /** Finishes the scaled-down pod's termination, as the kubelet does once the container has ended. */
  const podEnded = async (id: string) => {
    const pods = (await core.listNamespacedPod({ namespace: NS, labelSelector: resourceSelector('notebook', id) })).items;
    for (const p of pods) await core.deleteNamespacedPod({ name: p.metadata!.name!, namespace: NS, gracePeriodSeconds: 0 }).catch(() => undefined);
  };
  const waitStatus = (id: string, status: string, c = client): Promise<Notebook> =>
    until(`${id} ${status}`, async () => {
      const nb = await c.notebooks.get(id);
      return nb.status === status ? nb : undefined;
    });

  let id = '';
  let url = '';
  let token = '';

  it("lists flavors cut from the cluster's node, with its architecture", async () => {
    const { flavors } = await client.notebooks.flavors();
    const largest = flavors.find((f) => f.vcpus === 8);
    assert.ok(largest, JSON.stringify(flavors.map((f) => f.id)));
    assert.deepEqual(new Set(flavors.map((f) => f.arch)), new Set(['arm']));
  });

  it('create makes the StatefulSet, its claim, the headless Service and the token Secret; the Ready pod makes it RUNNING', async () => {
    const nb = await client.notebooks.create({
      name: 'kube-notebook',
      flavor: FLAVOR,
      image_id: imageId,
      volume: { category: 'EVS', ownership: 'MANAGED', capacity: 7 },
    });
    ({ id, url, token } = nb);
    assert.equal(nb.status, 'CREATING');
    const set = await until('the StatefulSet', () => apps.readNamespacedStatefulSet({ name: name(id), namespace: NS }).catch(() => undefined));
    assert.equal(set.spec?.replicas, 1);
    assert.equal(set.spec?.template.spec?.containers[0]?.image, IMAGE, 'the --kube-image runs');
    assert.deepEqual(
      set.spec?.template.spec?.imagePullSecrets?.map((s) => s.name),
      ['registry-a', 'registry-b'],
      'pulled with the configured Secrets',
    );
    const service = await core.readNamespacedService({ name: name(id), namespace: NS });
    assert.equal(service.spec?.clusterIP, 'None');
    // The pods reach neither the closed networks nor the database, whose URL names its address.
    const policy = await kube.kc.makeApiClient(NetworkingV1Api).readNamespacedNetworkPolicy({ name: name(id), namespace: NS });
    const closed = policy.spec?.egress?.flatMap((e) => e.to ?? []).flatMap((to) => to.ipBlock?.except ?? []);
    const db = /^postgres/.test(t.config.databaseUrl) ? new URL(t.config.databaseUrl).hostname : '';
    assert.deepEqual(closed, [POD_NETWORK, ...(isIP(db) === 4 ? [`${db}/32`] : [])]);
    const claim = await until('the claim', () => claimOf(id));
    assert.equal(claim.spec?.resources?.requests?.storage, '7Gi');
    assert.equal((await client.notebooks.get(id)).status, 'STARTING');
    await settle(id, { kind: 'running' });
    const running = await waitStatus(id, 'RUNNING');
    assert.ok(running.action_progress.every((p) => p.status === 'COMPLETED'));
    assert.ok((await client.notebooks.events(id)).events.some((e) => e.status === 'RUNNING' && e.message.includes('127.0.0.1')));
  });

  it('the proxy reaches the pod with the Secret token; another project gets a 404', async () => {
    const r = await fetch(`${url}api/status`, { headers: { authorization: `token ${token}` } });
    assert.equal(r.status, 200);
    const body = (await r.json()) as { stand_in: boolean; url: string };
    assert.equal(body.url, `/v1/${client.projectId}/notebooks/${id}/lab/api/status`);
    const secret = await core.readNamespacedSecret({ name: name(id), namespace: NS });
    const jupyterToken = Buffer.from(secret.data![TOKEN_KEY]!, 'base64').toString();
    assert.equal(seen.at(-1)?.headers.authorization, `token ${jupyterToken}`, 'Jupyter sees the token of its Secret, not the instance token');
    assert.equal((await fetch(`${url}api/status`)).status, 401);
    await assert.rejects(other.notebooks.get(id), apiFailure(404, 'ModelArts.6309'));
    await assert.rejects(other.notebooks.stop(id), apiFailure(404, 'ModelArts.6309'));
    const foreign = await other.http.raw('GET', `/v1/${client.projectId}/notebooks/${id}/lab/api/status`);
    assert.ok(foreign.status === 403 || foreign.status === 404, `another project's credential: ${foreign.status}`);
  });

  it('OBS mounts (the fs store is a folder no pod reaches) and saving as an image (no image build here) are refused and store nothing', async () => {
    await app.context.objectStore.ensureBucket('kube-nb-bucket');
    await assert.rejects(
      client.notebooks.storage.attach(id, { uri: 'obs://kube-nb-bucket/data/' }),
      apiFailure(400, 'ModelArts.6324', 'need an S3-compatible object store'),
    );
    assert.equal((await client.notebooks.storage.list(id)).total, 0);
    await assert.rejects(client.notebooks.createImage(id, { name: 'from-pod' }), apiFailure(400, 'ModelArts.6361', 'Kubernetes pod'));
    assert.equal((await client.notebooks.get(id)).status, 'RUNNING');
  });

  it("start hooks run in the pod: pre_start as an init container with the notebook's image, volume, share and identity, post_start after Jupyter; a failed pre_start fails the start", async () => {
    const pre = 'pip install --user -r requirements.txt';
    const hooks = {
      container_hooks: { pre_start: { type: 'COMMAND' as const, script: Buffer.from(pre).toString('base64') }, post_start: { script: 'post.sh' } },
    };
    const body = { name: 'kube-hooks', flavor: FLAVOR, image_id: imageId, volume: { category: 'EVS' as const, ownership: 'MANAGED' as const }, hooks };
    const nb = await client.notebooks.create(body);
    const set = await until('the StatefulSet', () => apps.readNamespacedStatefulSet({ name: name(nb.id), namespace: NS }).catch(() => undefined));
    const spec = set.spec!.template.spec!;
    const [hook] = spec.initContainers ?? [];
    const notebook = spec.containers[0]!;
    assert.deepEqual(hook?.command, ['/bin/sh', '-c', pre]);
    assert.equal(hook?.image, notebook.image);
    assert.equal(hook?.workingDir, '/home/ma-user/work');
    assert.deepEqual(hook?.volumeMounts, notebook.volumeMounts, 'the same volume, home and /tmp');
    assert.deepEqual(hook?.resources, notebook.resources, "the notebook's share");
    assert.deepEqual(hook?.securityContext, notebook.securityContext);
    assert.deepEqual(hook?.env, notebook.env);
    const post = notebook.lifecycle?.postStart?.exec?.command ?? [];
    assert.deepEqual(post.slice(-2), ['/bin/sh', 'post.sh'], 'post_start runs the script in the volume');
    assert.match(post[2] ?? '', /exit 0$/, 'a failing post_start does not kill Jupyter, as on this host it does not fail the start');
    // The hook exits 1 (the kubelet runs it again under the StatefulSet's policy): the start ends there.
    await until(`the pod of ${nb.id}`, async () => (await podsOf(nb.id))[0]);
    const pod = await settlePod(core, NS, podName(nb.id), { kind: 'running' });
    pod.status = {
      phase: 'Pending',
      initContainerStatuses: [
        {
          name: 'pre-start-hook',
          image: IMAGE,
          imageID: '',
          ready: false,
          restartCount: 1,
          state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 10s restarting failed container' } },
          lastState: { terminated: { exitCode: 1, reason: 'Error' } },
        },
      ],
      containerStatuses: [{ name: 'notebook', image: IMAGE, imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } }],
    };
    await core.replaceNamespacedPodStatus({ name: podName(nb.id), namespace: NS, body: pod });
    const failed = await waitStatus(nb.id, 'CREATE_FAILED');
    assert.match(failed.fail_reason ?? '', /pre_start hook failed \(exit 1\).*pre-start-hook/);
    assert.equal(await replicas(nb.id), 0, 'the failed start is scaled down');
    await client.notebooks.delete(nb.id);
  });

  it('stop scales the StatefulSet to 0 and keeps the claim; start scales it to 1 again', async () => {
    await client.notebooks.stop(id);
    await until('the pod on its way out', async () => ((await podsOf(id)).length === 0 ? true : undefined));
    await waitStatus(id, 'STOPPED');
    assert.equal(await replicas(id), 0);
    assert.ok(await claimOf(id), 'the volume is kept');
    await podEnded(id);
    assert.equal((await fetch(`${url}api/status`, { headers: { authorization: `token ${token}` } })).status, 400);
    await client.notebooks.start(id);
    await until('scaled to 1', async () => ((await replicas(id)) === 1 ? true : undefined));
    await settle(id, { kind: 'running' });
    await waitStatus(id, 'RUNNING');
    assert.equal((await fetch(`${url}api/status`, { headers: { authorization: `token ${token}` } })).status, 200);
  });

  it('a restart adopts the running instance by its labels and deletes an orphan StatefulSet', async () => {
    const orphan = notebookObjects({
      notebookId: ORPHAN,
      projectId: client.projectId,
      namespace: NS,
      image: IMAGE,
      baseUrl: '/x/',
      token: 'a'.repeat(32),
      volumeGb: 1,
      running: false,
      env: {},
      share: { cpu: 1, memoryMb: 512 },
    });
    await new NotebookClient(kube.kc, NS).apply(orphan);
    const uid = (await apps.readNamespacedStatefulSet({ name: name(id), namespace: NS })).metadata?.uid;
    await app.close();
    const restarted = await restartedApp(t);
    app = restarted.atelier;
    client = restarted.client;
    await until('the orphan gone', async () =>
      (await apps.readNamespacedStatefulSet({ name: name(ORPHAN), namespace: NS }).catch(() => undefined)) ? undefined : true,
    );
    assert.equal((await apps.readNamespacedStatefulSet({ name: name(id), namespace: NS })).metadata?.uid, uid, 'the same StatefulSet');
    assert.equal((await client.notebooks.get(id)).status, 'RUNNING');
    // The URL names the first server's origin, which is closed: the same path through the restarted one.
    const path = new URL(url).pathname;
    const proxied = await client.http.raw('GET', `${path}api/status`);
    assert.equal(proxied.status, 200);
    // The restarted server follows the adopted pod: its end is the instance's ERROR, with the kubelet's reason.
    // The StatefulSet controller replaces a Failed pod at once; here the replacement wins the race with the check.
    await settle(id, { kind: 'oom-killed' });
    await podEnded(id);
    const broken = await waitStatus(id, 'ERROR');
    assert.match(broken.fail_reason ?? '', /OOMKilled/);
    assert.equal(await replicas(id), 0, 'scaled to 0, the claim kept');
    assert.ok(await claimOf(id));
  });

  it('an unschedulable pod keeps it STARTING with the reason; one that cannot pull its image fails the start; the claim stays', async () => {
    await client.notebooks.stop(id);
    await waitStatus(id, 'STOPPED');
    await podEnded(id);
    await client.notebooks.start(id);
    await until('scaled to 1', async () => ((await replicas(id)) === 1 ? true : undefined));
    await settle(id, { kind: 'unschedulable' });
    await until('the waiting reason as an event', async () =>
      (await client.notebooks.events(id)).events.some((e) => e.status === 'STARTING' && e.message.includes('Unschedulable')) ? true : undefined,
    );
    assert.equal((await client.notebooks.get(id)).status, 'STARTING');
    await settle(id, { kind: 'image-pull-backoff' });
    const failed = await waitStatus(id, 'START_FAILED');
    assert.match(failed.fail_reason ?? '', /ImagePullBackOff/);
    assert.equal(await replicas(id), 0);
    assert.ok(await claimOf(id));
  });

  it('delete removes the StatefulSet, Service, Secret and claim', async () => {
    await podEnded(id);
    await client.notebooks.delete(id);
    await until(
      'the notebook gone',
      async () =>
        await client.notebooks.get(id).then(
          () => undefined,
          () => true,
        ),
    );
    assert.equal(await apps.readNamespacedStatefulSet({ name: name(id), namespace: NS }).catch(() => 'gone'), 'gone');
    assert.equal(await core.readNamespacedService({ name: name(id), namespace: NS }).catch(() => 'gone'), 'gone');
    assert.equal(await core.readNamespacedSecret({ name: name(id), namespace: NS }).catch(() => 'gone'), 'gone');
    await until('the claim gone', async () => ((await claimOf(id)) === undefined || (await claimOf(id))?.metadata?.deletionTimestamp ? true : undefined));
    await assert.rejects(client.notebooks.get(id), apiFailure(404, 'ModelArts.6309'));
  });
});
