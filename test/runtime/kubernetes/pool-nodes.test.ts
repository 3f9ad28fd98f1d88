// Resource pools through the unchanged API on an Atelier started with --executor kubernetes, against a real API server:
// a pool claims free Ready nodes that fit its flavor by labelling them, ListNodes shows the Node objects' capacity and
// allocatable, a pool short of nodes stays Creating and says why until a node comes, the pool's ResourceQuota (scoped to
// its PriorityClass) makes the API server refuse a pod beyond the pool's size, and releasing nodes or deleting the pool
// takes the label off. Atelier runs as its own ServiceAccount with the executor's Role and ClusterRole only, so they are
// shown to be enough.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AppsV1Api, CoreV1Api, RbacAuthorizationV1Api, SchedulingV1Api, type V1Pod } from '@kubernetes/client-node';
import type { AtelierClient } from '#src/client/index.ts';
import { isCode } from '#src/runtime/kubernetes/api-calls.ts';
import { notebookObjectName } from '#src/runtime/kubernetes/notebook-manifest.ts';
import { POOL_LABEL, poolPlacement, poolPriorityClass } from '#src/runtime/kubernetes/pool-placement.ts';
import { trainingJobObjects, type TrainingJobWorkload } from '#src/runtime/kubernetes/training-job-manifest.ts';
import { TrainingJobClient } from '#src/runtime/kubernetes/training-job-objects.ts';
import { resourceSelector } from '#src/runtime/kubernetes/labels.ts';
import { clusterRole, clusterRoleBinding } from '#src/runtime/kubernetes/rbac-manifest.ts';
import type { AtelierApp } from '#src/app.ts';
import { apiFailure, restartedApp, startTestApp, type TestApp } from '../../helpers/app.ts';
import { builtInImage, waitGone } from '../../notebooks/helpers.ts';
import { kubeTestServerSkip, startKubeTestServer, until, type KubeTestServer } from '../../helpers/kube.ts';
import { executorIdentity } from './executor-identity.ts';
import { registerNode } from './test-kubelet.ts';

const NS = 'atelier-pool-nodes';
const CPU2 = 'modelarts.vm.cpu.2u';
const CPU4 = 'modelarts.vm.cpu.4u';

const poolBody = (name: string, network: string, resources: { flavor: string; count: number }[]) => ({
  apiVersion: 'v2' as const,
  kind: 'Pool' as const,
  metadata: { labels: { 'os.modelarts/name': name, 'os.modelarts/workspace.id': '0' } },
  spec: { type: 'Dedicate' as const, scope: ['Train' as const, 'Notebook' as const], network: { name: network }, resources },
});

describe('resource pools on the kubernetes executor: labelled nodes and a quota', { skip: kubeTestServerSkip() }, () => {
  let kube: KubeTestServer;
  let core: CoreV1Api;
  let t: TestApp;
  /** The app and client in use: the first one, then the one started again. */
  let app: AtelierApp;
  let client: AtelierClient;
  let net: string;
  let big: string;
  let dir: string;

  const poolLabelOf = async (node: string) => (await core.readNode({ name: node })).metadata?.labels?.[POOL_LABEL];
  /** Sets the quota's status as the resourcequota controller (not run here) would with no pod counted yet. */
  const settleQuota = async (pool: string) => {
    const name = poolPriorityClass(pool);
    const quota = await core.readNamespacedResourceQuota({ name, namespace: NS });
    const hard = quota.spec!.hard!;
    quota.status = { hard, used: Object.fromEntries(Object.keys(hard).map((k) => [k, '0'])) };
    await core.replaceNamespacedResourceQuotaStatus({ name, namespace: NS, body: quota });
  };
  const pod = (name: string, cpu: string, priorityClassName?: string): V1Pod => ({
    metadata: { name },
    spec: {
      automountServiceAccountToken: false,
      ...(priorityClassName ? { priorityClassName } : {}),
      containers: [{ name: 'main', image: 'registry.example/x:1', resources: { requests: { cpu, memory: '1Gi' }, limits: { cpu, memory: '1Gi' } } }],
    },
  });

  before(async () => {
    kube = await startKubeTestServer({ controllers: true });
    core = kube.kc.makeApiClient(CoreV1Api);
    const identity = await executorIdentity(kube, NS);
    const rbac = kube.kc.makeApiClient(RbacAuthorizationV1Api);
    await rbac.createClusterRole({ body: clusterRole(), fieldValidation: 'Strict' });
    await rbac.createClusterRoleBinding({ body: clusterRoleBinding({ namespace: 'atelier-system', serviceAccount: 'atelier' }) });
    dir = mkdtempSync(join(tmpdir(), 'pool-nodes-'));
    writeFileSync(join(dir, 'kubeconfig'), identity.exportConfig(), { mode: 0o600 });
    await registerNode(core, 'small-1', {}, { cpu: '2', memory: '8Gi' });
    await registerNode(core, 'big-1', {}, { cpu: '4', memory: '8Gi' });
    await registerNode(core, 'big-2', {}, { cpu: '4', memory: '8Gi' });
    await registerNode(core, 'held-1', { [POOL_LABEL]: 'someone-else' }, { cpu: '4', memory: '8Gi' });
    t = await startTestApp({
      ATELIER_EXECUTOR: 'kubernetes',
      ATELIER_KUBE_CONFIG: join(dir, 'kubeconfig'),
      ATELIER_KUBE_NAMESPACE: NS,
      ATELIER_KUBE_IMAGE: 'registry.example/atelier-runtime:1',
    });
    client = t.client;
    app = t.atelier;
    await app.recover();
    const n = await client.networks.create({
      apiVersion: 'v1',
      kind: 'Network',
      metadata: { labels: { 'os.modelarts/name': 'kube-net' } },
      spec: { cidr: '192.168.0.0/24' },
    });
    net = n.metadata.name;
  });
  after(async () => {
    await app?.close();
    await t?.close();
    await kube?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('claims two free Ready nodes that fit the flavor, labels them, and lists their real capacity', async () => {
    const created = await client.pools.create(poolBody('big-pool', net, [{ flavor: CPU4, count: 2 }]));
    big = created.metadata.name;
    assert.equal(created.status.phase, 'Running');
    assert.deepEqual(created.spec.resources, [{ flavor: CPU4, count: 2 }]);
    // the small node does not fit 4 cores, and held-1 belongs to another pool
    assert.equal(await poolLabelOf('big-1'), big);
    assert.equal(await poolLabelOf('big-2'), big);
    assert.equal(await poolLabelOf('small-1'), undefined);
    assert.equal(await poolLabelOf('held-1'), 'someone-else');

    const nodes = await until('the informer to see both labels', async () => {
      const list = await client.pools.nodes(big);
      return list.items.every((n) => n.status.phase === 'Available') ? list : undefined;
    });
    assert.deepEqual(
      nodes.items.map((n) => [n.metadata.name, n.spec.flavor, n.status.resources, n.status.availableResources]),
      [
        ['big-1', CPU4, { cpu: '4', memory: '8Gi' }, { cpu: '4000m', memory: '8192Mi' }],
        ['big-2', CPU4, { cpu: '4', memory: '8Gi' }, { cpu: '4000m', memory: '8192Mi' }],
      ],
    );
  });

  it("sizes notebook flavors from the cluster's nodes and places a notebook of the pool on its nodes, under its quota", async () => {
    // the largest node has 4 cores and 8 GiB, whatever this host has
    const flavors = (await client.notebooks.flavors()).flavors.map((f) => [f.id, f.vcpus, f.memory]).sort((a, b) => Number(a[1]) - Number(b[1]));
    assert.deepEqual(flavors, [
      ['modelarts.vm.cpu.1u', 1, 4096],
      [CPU2, 2, 8192],
      [CPU4, 4, 8192],
    ]);
    const nb = await client.notebooks.create({
      name: 'in-pool',
      flavor: 'modelarts.vm.cpu.1u',
      image_id: builtInImage().id,
      pool_id: big,
      volume: { category: 'EVS', ownership: 'MANAGED', capacity: 5 },
    });
    const apps = kube.kc.makeApiClient(AppsV1Api);
    const set = await until('the StatefulSet', () => apps.readNamespacedStatefulSet({ name: notebookObjectName(nb.id), namespace: NS }).catch(() => undefined));
    assert.deepEqual(set.spec?.template.spec?.nodeSelector, { [POOL_LABEL]: big });
    assert.equal(set.spec?.template.spec?.priorityClassName, poolPriorityClass(big));
    await client.notebooks.delete(nb.id);
    await waitGone(client, nb.id);
  });

  it("gives the pool a PriorityClass and a ResourceQuota of its nodes' size, and the API server refuses a pod beyond it", async () => {
    const pc = await kube.kc.makeApiClient(SchedulingV1Api).readPriorityClass({ name: poolPriorityClass(big) });
    assert.equal(pc.preemptionPolicy, 'Never');
    const quota = await core.readNamespacedResourceQuota({ name: poolPriorityClass(big), namespace: NS });
    assert.deepEqual(quota.spec?.hard, { 'limits.cpu': '8', 'limits.memory': '16Gi', 'requests.cpu': '8', 'requests.memory': '16Gi' });
    assert.deepEqual(JSON.parse(JSON.stringify(quota.spec?.scopeSelector?.matchExpressions)), [
      { scopeName: 'PriorityClass', operator: 'In', values: [poolPriorityClass(big)] },
    ]);
    await settleQuota(big);
    await until('the default ServiceAccount', async () => ((await core.listNamespacedServiceAccount({ namespace: NS })).items.length > 0 ? true : undefined));

    const refused = await core.createNamespacedPod({ namespace: NS, body: pod('too-big', '9', poolPriorityClass(big)) }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(isCode(refused, 403), `refused with 403, got ${String(refused)}`);
    assert.match(String((refused as { body: unknown }).body), /exceeded quota: atelier-pool-[0-9a-f]+, requested: limits\.cpu=9/);
    // within the pool's size it is let through, and a pod of no pool is not counted against it
    await core.createNamespacedPod({ namespace: NS, body: pod('fits', '8', poolPriorityClass(big)) });
    await core.createNamespacedPod({ namespace: NS, body: pod('no-pool', '9') });
    for (const name of ['fits', 'no-pool']) await core.deleteNamespacedPod({ name, namespace: NS, gracePeriodSeconds: 0 });
  });

  it("runs a pool's training job pods under its quota, and the Job controller is refused a pod beyond it", async () => {
    await settleQuota(big);
    const jobs = new TrainingJobClient(kube.kc, NS);
    const job = (jobId: string, nodeCount: number, cpu: number): TrainingJobWorkload => ({
      jobId,
      projectId: t.creds.project_id,
      namespace: NS,
      nodeCount,
      image: 'registry.example/atelier-runtime:1',
      command: ['python3', 'train.py'],
      workingDir: '/job/code',
      jobDir: '/job',
      env: {},
      perNode: { cpu, memoryMb: 1024 },
      ...poolPlacement(big),
    });
    const first = 'e0000000-0000-4000-8000-000000000001';
    const second = 'e0000000-0000-4000-8000-000000000002';
    await jobs.apply(trainingJobObjects(job(first, 2, 4)));
    const pods = await until('both pods of the first job', async () => {
      const items = (await core.listNamespacedPod({ namespace: NS, labelSelector: resourceSelector('training-job', first) })).items;
      return items.length === 2 ? items : undefined;
    });
    for (const p of pods) {
      assert.deepEqual(p.spec?.nodeSelector, { [POOL_LABEL]: big });
      assert.equal(p.spec?.priorityClassName, poolPriorityClass(big));
    }
    // the pool's 8 cores are taken: one more core of the pool is refused at creation
    await jobs.apply(trainingJobObjects(job(second, 1, 1)));
    const refused = await until('the FailedCreate event of the second job', async () => {
      const events = (await core.listNamespacedEvent({ namespace: NS })).items;
      return events.find((e) => e.reason === 'FailedCreate' && e.involvedObject.name?.includes(second));
    });
    assert.match(refused.message ?? '', new RegExp(`exceeded quota: ${poolPriorityClass(big)}, requested: limits.cpu=1`));
    assert.equal((await core.listNamespacedPod({ namespace: NS, labelSelector: resourceSelector('training-job', second) })).items.length, 0);
    for (const id of [first, second]) await jobs.remove(id);
  });

  it('keeps a pool short of nodes Creating with the reason, and finishes it once a node comes', async () => {
    const created = await client.pools.create(poolBody('waiting-pool', net, [{ flavor: CPU2, count: 2 }]));
    const id = created.metadata.name;
    assert.equal(created.status.phase, 'Creating');
    assert.equal(created.status.message, `waiting for 1 x ${CPU2}: no free Ready node of the cluster fits`);
    assert.equal(await poolLabelOf('small-1'), id);
    const events = await client.pools.events({ resource: 'pools', name: id });
    assert.ok(
      events.items.some((e) => e.type === 'Warning' && e.reason === 'PoolNodesInsufficient'),
      JSON.stringify(events.items),
    );
    assert.deepEqual(
      (await client.pools.nodes(id)).items.map((n) => n.metadata.name),
      ['small-1'],
    );

    await registerNode(core, 'small-2', {}, { cpu: '2', memory: '8Gi' });
    const running = await until('the reconciler to claim small-2', async () => {
      await app.recover();
      const p = await client.pools.show(id);
      return p.status.phase === 'Running' ? p : undefined;
    });
    assert.equal(running.status.message, undefined);
    assert.equal(await poolLabelOf('small-2'), id);

    await client.pools.delete(id);
    assert.equal(await poolLabelOf('small-1'), undefined);
    assert.equal(await poolLabelOf('small-2'), undefined);
  });

  it('refuses a flavor larger than any node, and to grow past the free nodes, changing nothing', async () => {
    await assert.rejects(
      client.pools.create(poolBody('too-large', net, [{ flavor: 'modelarts.vm.cpu.8u', count: 1 }])),
      apiFailure(400, 'ModelArts.50004000', "modelarts.vm.cpu.8u is not a node flavor of the cluster's Ready nodes"),
    );
    await assert.rejects(client.pools.patch(big, { spec: { resources: [{ flavor: CPU4, count: 3 }] } }), apiFailure(400, 'ModelArts.50004000', `1 x ${CPU4}`));
    assert.deepEqual(
      (await client.pools.nodes(big)).items.map((n) => n.metadata.name),
      ['big-1', 'big-2'],
    );
  });

  it('holds its nodes again after a restart, and is Abnormal while one of them has lost its label', async () => {
    await app.close();
    ({ atelier: app, client } = await restartedApp(t));
    assert.equal((await client.pools.show(big)).status.phase, 'Running');
    assert.deepEqual(
      (await client.pools.nodes(big)).items.map((n) => [n.metadata.name, n.status.phase]),
      [
        ['big-1', 'Available'],
        ['big-2', 'Available'],
      ],
    );
    const label = '/metadata/labels/atelier.io~1pool';
    await core.patchNode({ name: 'big-2', body: [{ op: 'remove', path: label }] });
    const abnormal = await until('the pool to be Abnormal', async () => {
      await app.recover();
      const p = await client.pools.show(big);
      return p.status.phase === 'Abnormal' ? p : undefined;
    });
    assert.equal(abnormal.status.message, 'big-2 no longer carries the label of the pool');
    assert.equal((await client.pools.nodes(big)).items.find((n) => n.metadata.name === 'big-2')?.status.phase, 'Abnormal');
    await core.patchNode({ name: 'big-2', body: [{ op: 'add', path: label, value: big }] });
    await until('the pool to be Running again', async () => {
      await app.recover();
      return (await client.pools.show(big)).status.phase === 'Running' ? true : undefined;
    });
  });

  it('takes the label off a released node and off every node of a deleted pool, with its quota', async () => {
    await client.pools.deleteNodes(big, { deleteNodeNames: ['big-2'] });
    assert.equal(await poolLabelOf('big-2'), undefined);
    assert.equal(await poolLabelOf('big-1'), big);
    const quota = await core.readNamespacedResourceQuota({ name: poolPriorityClass(big), namespace: NS });
    assert.equal(quota.spec?.hard?.['requests.cpu'], '4');

    await client.pools.delete(big);
    assert.equal(await poolLabelOf('big-1'), undefined);
    assert.equal(await poolLabelOf('held-1'), 'someone-else');
    const gone = await kube.kc
      .makeApiClient(SchedulingV1Api)
      .readPriorityClass({ name: poolPriorityClass(big) })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    assert.ok(isCode(gone, 404));
  });
});
