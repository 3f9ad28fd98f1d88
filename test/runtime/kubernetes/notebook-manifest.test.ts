// A notebook instance on a real API server, created as Atelier's ServiceAccount: the StatefulSet with its volume's
// claim template, the headless Service and the token Secret pass strict validation and read back as built; stopping
// scales it to 0 and keeps the volume's claim; a label selector finds it by the notebook's id. The pod with the OBS
// mounts' sync sidecar passes too, and Atelier may write the storage Secret's list of mounts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AppsV1Api, CoreV1Api, NetworkingV1Api, PatchStrategy, setHeaderOptions, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { resourceSelector } from '#src/runtime/kubernetes/labels.ts';
import {
  JUPYTER_PORT,
  NOTEBOOK_WORK,
  notebookClaimName,
  notebookHost,
  notebookObjectName,
  notebookObjects,
  type NotebookWorkload,
} from '#src/runtime/kubernetes/notebook-manifest.ts';
import { NotebookClient } from '#src/runtime/kubernetes/notebook-objects.ts';
import {
  notebookStorageSecret,
  notebookStorageSecretName,
  SYNC_CONTAINER,
  SYNC_READY_FILE,
  SYNC_STATE_DIR,
  withStorageSync,
} from '#src/runtime/kubernetes/notebook-sync-manifest.ts';
import { kubeTestServerSkip, startKubeTestServer, type KubeTestServer } from '../../helpers/kube.ts';
import { executorIdentity } from './executor-identity.ts';

const namespace = 'atelier-notebooks';
const PROJECT = '0123456789abcdef0123456789abcdef';
const NOTEBOOK = 'd1000000-0000-4000-8000-000000000001';
const BASE = `/v1/${PROJECT}/notebooks/${NOTEBOOK}/lab/`;

const workload = (over: Partial<NotebookWorkload> = {}): NotebookWorkload => ({
  notebookId: NOTEBOOK,
  projectId: PROJECT,
  namespace,
  image: 'registry.example/atelier-runtime:1',
  baseUrl: BASE,
  token: 'a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5',
  volumeGb: 5,
  running: true,
  env: { JUPYTER_TOKEN: 'forged', MY_VAR: '1' },
  share: { cpu: 2, memoryMb: 8192 },
  ...over,
});

describe('notebook manifests', { skip: kubeTestServerSkip() }, () => {
  let kube: KubeTestServer;
  let apps: AppsV1Api;
  let core: CoreV1Api;
  let net: NetworkingV1Api;
  let atelier: KubeConfig;

  before(async () => {
    kube = await startKubeTestServer();
    atelier = await executorIdentity(kube, namespace);
    apps = atelier.makeApiClient(AppsV1Api);
    core = atelier.makeApiClient(CoreV1Api);
    net = atelier.makeApiClient(NetworkingV1Api);
  });
  after(async () => {
    await kube?.stop();
  });

  it('creates the instance as Atelier (a dry run first stores nothing) and reads back its volume, port, base_url, token and isolation', async () => {
    const o = notebookObjects(workload());
    await apps.createNamespacedStatefulSet({ namespace, body: o.statefulSet, fieldValidation: 'Strict', dryRun: 'All' });
    assert.equal((await apps.listNamespacedStatefulSet({ namespace })).items.length, 0);
    await core.createNamespacedServiceAccount({ namespace, body: o.serviceAccount, fieldValidation: 'Strict' });
    await net.createNamespacedNetworkPolicy({ namespace, body: o.networkPolicy, fieldValidation: 'Strict' });
    await core.createNamespacedSecret({ namespace, body: o.secret, fieldValidation: 'Strict' });
    await core.createNamespacedService({ namespace, body: o.service, fieldValidation: 'Strict' });
    await apps.createNamespacedStatefulSet({ namespace, body: o.statefulSet, fieldValidation: 'Strict' });

    const name = notebookObjectName(NOTEBOOK);
    const ss = await apps.readNamespacedStatefulSet({ namespace, name });
    assert.equal(ss.spec?.replicas, 1);
    assert.equal(ss.spec?.serviceName, name);
    const claim = ss.spec?.volumeClaimTemplates?.[0];
    assert.equal(claim?.spec?.resources?.requests?.storage, '5Gi');
    const pod = ss.spec!.template.spec!;
    assert.equal(pod.automountServiceAccountToken, false);
    assert.equal(pod.securityContext?.runAsNonRoot, true);
    const c = pod.containers[0]!;
    assert.ok(c.command?.includes(`--ServerApp.base_url=${BASE}`));
    assert.ok(c.command?.includes(`--ServerApp.port=${JUPYTER_PORT}`));
    assert.equal(c.readinessProbe?.httpGet?.path, `${BASE}api`);
    assert.ok(c.volumeMounts?.some((m) => m.name === claim?.metadata?.name && m.mountPath === NOTEBOOK_WORK));
    assert.deepEqual(c.resources?.limits, { cpu: '2', memory: '8Gi' });
    const token = c.env?.filter((e) => e.name === 'JUPYTER_TOKEN') ?? [];
    assert.equal(token.length, 1, 'the forged variable is dropped');
    assert.deepEqual({ ...token[0]?.valueFrom?.secretKeyRef }, { name, key: 'jupyter-token' });
    assert.ok(!JSON.stringify(ss).includes('a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5'), 'the token is not in the StatefulSet');
    const svc = await core.readNamespacedService({ namespace, name });
    assert.equal(svc.spec?.clusterIP, 'None');
    assert.equal(notebookHost(NOTEBOOK, namespace), `${name}-0.${name}.${namespace}.svc`);
  });

  it("makes a valid pod and claim from the templates (what the StatefulSet controller would), found by the notebook's id", async () => {
    const admin = kube.kc.makeApiClient(CoreV1Api);
    const ss = await apps.readNamespacedStatefulSet({ namespace, name: notebookObjectName(NOTEBOOK) });
    const claim = ss.spec!.volumeClaimTemplates![0]!;
    await admin.createNamespacedPersistentVolumeClaim({
      namespace,
      body: { metadata: { ...claim.metadata, name: notebookClaimName(NOTEBOOK) }, spec: claim.spec },
      fieldValidation: 'Strict',
    });
    const spec = structuredClone(ss.spec!.template.spec!);
    spec.volumes = [...(spec.volumes ?? []), { name: claim.metadata!.name!, persistentVolumeClaim: { claimName: notebookClaimName(NOTEBOOK) } }];
    const body: V1Pod = { metadata: { name: `${notebookObjectName(NOTEBOOK)}-0`, labels: ss.spec!.template.metadata!.labels }, spec };
    await admin.createNamespacedPod({ namespace, body, fieldValidation: 'Strict' });
    const selector = resourceSelector('notebook', NOTEBOOK);
    assert.equal((await core.listNamespacedPod({ namespace, labelSelector: selector })).items.length, 1);
    assert.equal((await apps.listNamespacedStatefulSet({ namespace, labelSelector: selector })).items.length, 1);
    assert.equal((await core.listNamespacedService({ namespace, labelSelector: selector })).items.length, 1);
    assert.equal((await admin.listNamespacedPersistentVolumeClaim({ namespace, labelSelector: selector })).items.length, 1);
  });

  it('stops by scaling to 0 as Atelier, and removes the instance', async () => {
    const name = notebookObjectName(NOTEBOOK);
    await apps.patchNamespacedStatefulSet({ namespace, name, body: { spec: { replicas: 0 } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    const stopped = await apps.readNamespacedStatefulSet({ namespace, name });
    assert.equal(stopped.spec?.replicas, 0);
    assert.deepEqual({ ...stopped.spec?.persistentVolumeClaimRetentionPolicy }, { whenDeleted: 'Delete', whenScaled: 'Retain' });
    assert.equal(notebookObjects(workload({ running: false })).statefulSet.spec?.replicas, 0);
    await apps.deleteNamespacedStatefulSet({ namespace, name });
    await core.deleteNamespacedService({ namespace, name });
    await core.deleteNamespacedSecret({ namespace, name });
    assert.equal((await apps.listNamespacedStatefulSet({ namespace, labelSelector: resourceSelector('notebook', NOTEBOOK) })).items.length, 0);
  });

  it('the pod with its OBS sync sidecar, and the storage Secret created then patched with the mounts as Atelier, pass strict validation', async () => {
    const id = 'd1000000-0000-4000-8000-000000000002';
    const o = notebookObjects(workload({ notebookId: id, hooks: { preStart: ['/bin/sh', '-c', 'true'] } }));
    const set = withStorageSync(o.statefulSet, id, { image: 'registry.example/atelier:1' });
    await apps.createNamespacedStatefulSet({ namespace, body: set, fieldValidation: 'Strict', dryRun: 'All' });
    const pod = set.spec!.template.spec!;
    assert.deepEqual(
      pod.initContainers?.map((c) => [c.name, c.restartPolicy]),
      [
        [SYNC_CONTAINER, 'Always'],
        ['pre-start-hook', undefined],
      ],
    );
    // the hook and Jupyter start once the sidecar's startup probe finds its first copy in done (a probe only a native sidecar may have)
    assert.deepEqual(pod.initContainers![0]!.startupProbe?.exec?.command, ['test', '-f', `${SYNC_STATE_DIR}/${SYNC_READY_FILE}`]);
    assert.equal(pod.initContainers![1]!.startupProbe, undefined);
    // the flavor's 2 cores and 8 GiB are shared with the sidecar, the hook runs with Jupyter's part
    assert.deepEqual(pod.containers[0]!.resources?.limits, { cpu: '1900m', memory: '7936Mi' });
    assert.deepEqual(pod.initContainers![1]!.resources, pod.containers[0]!.resources);
    const credential = { endpoint: 'http://s3.example', region: 'r', accessKeyId: 'AK', secretAccessKey: 'SK', pathStyle: true };
    const client = new NotebookClient(atelier, namespace);
    const mount = { id: 'm1', bucket: 'b', prefix: 'data/', folder: 'data/data' };
    await client.publishStorage(notebookStorageSecret(id, namespace, {}, credential, []));
    await client.publishStorage(notebookStorageSecret(id, namespace, {}, credential, [mount]));
    const secret = await kube.kc.makeApiClient(CoreV1Api).readNamespacedSecret({ namespace, name: notebookStorageSecretName(id) });
    assert.deepEqual(JSON.parse(Buffer.from(secret.data!['mounts.json']!, 'base64').toString()), [mount]);
    assert.deepEqual(JSON.parse(Buffer.from(secret.data!['store.json']!, 'base64').toString()), credential);
    assert.equal(await client.remove(id), true, 'the storage Secret goes with the instance');
  });

  it('refuses a workload it cannot express', () => {
    assert.throws(() => notebookObjects(workload({ baseUrl: '/v1/p/notebooks/x/lab' })), /base URL/);
    assert.throws(() => notebookObjects(workload({ volumeGb: 0 })), /volume size/);
    assert.throws(() => notebookObjects(workload({ token: 'short' })), /token/);
    assert.throws(() => notebookObjects(workload({ notebookId: 'x'.repeat(60) })), /longer than/);
  });
});
