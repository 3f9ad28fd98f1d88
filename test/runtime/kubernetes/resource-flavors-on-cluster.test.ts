// ListResourceFlavors on an Atelier started with --executor kubernetes, against a real API server: the flavors are cut
// from the cluster's schedulable nodes (a 16-core node makes flavors this host could not hold), the sales status is
// per zone of the nodes, a node that joins or is cordoned changes the next answer, and the ids and sizes agree with the
// training and notebook flavors. Without the ClusterRole (nodes list) the answer is this host's and the log says why.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import type { AtelierApp } from '#src/app.ts';
import type { AtelierClient } from '#src/client/index.ts';
import { POOL_LABEL } from '#src/runtime/kubernetes/pool-placement.ts';
import { clusterRole, clusterRoleBinding } from '#src/runtime/kubernetes/rbac-manifest.ts';
import { restartedApp, startTestApp, type TestApp } from '../../helpers/app.ts';
import { kubeTestServerSkip, startKubeTestServer, until, type KubeTestServer } from '../../helpers/kube.ts';
import { executorIdentity } from './executor-identity.ts';
import { registerNode } from './test-kubelet.ts';

const NS = 'atelier-resource-flavors';
const ZONE = 'topology.kubernetes.io/zone';
const upTo = (cores: number) => {
  const out: string[] = [];
  for (let c = 1; c <= cores; c *= 2) out.push(`modelarts.vm.cpu.${c}u`);
  return out;
};

describe('resource flavors on the kubernetes executor', { skip: kubeTestServerSkip() }, () => {
  let kube: KubeTestServer;
  let core: CoreV1Api;
  let t: TestApp;
  let app: AtelierApp;
  let client: AtelierClient;
  let dir: string;
  /** The cluster name of Atelier's kubeconfig: the zone of nodes that carry no zone label. */
  let clusterName: string;
  const logs: string[] = [];

  before(async () => {
    kube = await startKubeTestServer();
    core = kube.kc.makeApiClient(CoreV1Api);
    const identity = await executorIdentity(kube, NS);
    clusterName = identity.getCurrentCluster()!.name;
    dir = mkdtempSync(join(tmpdir(), 'resource-flavors-'));
    writeFileSync(join(dir, 'kubeconfig'), identity.exportConfig(), { mode: 0o600 });
    await registerNode(core, 'big-a', { [ZONE]: 'zone-a' }, { cpu: '16', memory: '64Gi' });
    await registerNode(core, 'small-b', { [ZONE]: 'zone-b' }, { cpu: '2', memory: '8Gi' });
    await registerNode(core, 'held-b', { [ZONE]: 'zone-b', [POOL_LABEL]: 'someone' }, { cpu: '16', memory: '64Gi' });
    await registerNode(core, 'plain', {}, { cpu: '4', memory: '16Gi' });
    const logStream = new Writable({
      write(chunk: Buffer, _enc, done) {
        logs.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    t = await startTestApp(
      {
        ATELIER_EXECUTOR: 'kubernetes',
        ATELIER_KUBE_CONFIG: join(dir, 'kubeconfig'),
        ATELIER_KUBE_NAMESPACE: NS,
        ATELIER_KUBE_IMAGE: 'registry.example/atelier-runtime:1',
        ATELIER_LOG_LEVEL: 'warn',
      },
      { logStream },
    );
    app = t.atelier;
    client = t.client;
  });
  after(async () => {
    await app?.close();
    await t?.close();
    await kube?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("answers with this host's flavors while Atelier may not list nodes, and logs why", async () => {
    const res = await client.resourceFlavors.list();
    assert.deepEqual(
      res.items.map((f) => f.metadata.name),
      upTo(cpus().length),
    );
    for (const f of res.items) assert.deepEqual(Object.keys(f.status.phase), [hostname()]);
    const warned = logs.filter((l) => l.includes('resource flavors follow this host'));
    assert.equal(warned.length, 1, 'one warning');
    assert.match(warned[0]!, /ClusterRole with nodes list/);
    await client.resourceFlavors.list();
    assert.equal(logs.filter((l) => l.includes('resource flavors follow this host')).length, 1, 'not again at each request');
  });

  it("with the ClusterRole, cuts the flavors from the cluster's largest schedulable node, with the sales status per zone", async () => {
    const rbac = kube.kc.makeApiClient(RbacAuthorizationV1Api);
    await rbac.createClusterRole({ body: clusterRole(), fieldValidation: 'Strict' });
    await rbac.createClusterRoleBinding({ body: clusterRoleBinding({ namespace: 'atelier-system', serviceAccount: 'atelier' }) });
    const res = await until('the binding to reach the authorizer', async () => {
      const r = await client.resourceFlavors.list();
      return r.items[0]?.status.phase['zone-a'] ? r : undefined;
    });
    assert.deepEqual(
      res.items.map((f) => f.metadata.name),
      upTo(16),
    );
    for (const f of res.items) {
      const cores = Number(f.spec.cpu);
      assert.equal(f.spec.memory, `${cores * 4}Gi`);
      assert.equal(f.spec.cpuArch, 'x86');
      assert.equal(f.metadata.labels['os.modelarts/scope'], 'Train,Infer,Notebook');
      assert.deepEqual(f.spec.jobFlavors, upTo(cores));
      // zone-a: big-a holds any slice. zone-b: small-b holds up to 2 cores, held-b is a pool's. No zone label: plain, 4 cores.
      assert.deepEqual(
        f.status.phase,
        { [clusterName]: cores <= 4 ? 'normal' : 'soldout', 'zone-a': 'normal', 'zone-b': cores <= 2 ? 'normal' : 'soldout' },
        f.metadata.name,
      );
    }
    // Paging and the label selector work on these as on the host's.
    const page = await client.resourceFlavors.list({ limit: 2 });
    assert.deepEqual(page.metadata, { continue: 'modelarts.vm.cpu.4u', remainingItemCount: 3 });
    assert.equal((await client.resourceFlavors.list({ labelSelector: 'os.modelarts/scope=Infer' })).items.length, 5);
  });

  it('follows the nodes at each request: a node that joins, a node that is cordoned or loses Ready', async () => {
    await registerNode(core, 'huge-a', { [ZONE]: 'zone-a' }, { cpu: '32', memory: '64Gi' });
    let res = await client.resourceFlavors.list();
    assert.deepEqual(
      res.items.map((f) => f.metadata.name),
      upTo(32),
    );
    // 32 cores, bounded by the node's 64 GiB.
    assert.equal(res.items.at(-1)?.spec.memory, '64Gi');
    await core.patchNode({ name: 'huge-a', body: [{ op: 'add', path: '/spec/unschedulable', value: true }] });
    res = await client.resourceFlavors.list();
    assert.deepEqual(
      res.items.map((f) => f.metadata.name),
      upTo(16),
    );
    // A node that is not Ready still sizes the flavors, but sells none.
    const big = await core.readNode({ name: 'big-a' });
    big.status!.conditions = [{ type: 'Ready', status: 'False', reason: 'KubeletNotReady', message: 'test kubelet' }];
    await core.replaceNodeStatus({ name: 'big-a', body: big });
    res = await client.resourceFlavors.list();
    assert.deepEqual(
      res.items.map((f) => [f.metadata.name, f.status.phase['zone-a']]),
      upTo(16).map((n) => [n, 'soldout']),
    );
  });

  it('after a restart, has the ids and sizes of the training and notebook flavors', async () => {
    await app.close();
    ({ atelier: app, client } = await restartedApp(t));
    const { items } = await client.resourceFlavors.list();
    const training = await client.training.flavors();
    const notebook = await client.notebooks.flavors();
    assert.deepEqual(
      items.map((f) => f.metadata.name),
      upTo(16),
    );
    assert.deepEqual(
      items.map((f) => f.metadata.name),
      training.flavors.map((f) => f.flavor_id),
    );
    assert.deepEqual(
      items.map((f) => f.metadata.name),
      notebook.flavors.map((f) => f.id).sort((a, b) => Number(/(\d+)u$/.exec(a)?.[1]) - Number(/(\d+)u$/.exec(b)?.[1])),
    );
    for (const f of items) {
      const tr = training.flavors.find((x) => x.flavor_id === f.metadata.name);
      const nb = notebook.flavors.find((x) => x.id === f.metadata.name);
      assert.equal(Number(f.spec.cpu), tr?.flavor_info?.cpu?.core_num);
      assert.equal(Number(f.spec.cpu), nb?.vcpus);
      assert.equal(f.spec.memory, `${tr?.flavor_info?.memory?.size}Gi`);
      assert.equal(f.spec.memory, `${Math.floor((nb?.memory ?? 0) / 1024)}Gi`);
    }
  });
});
