// The test API server is a real kube-apiserver: it validates, versions, watches and refuses stale writes as a cluster does.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiException, BatchV1Api, CoreV1Api, KubeConfig, Watch, type V1Job } from '@kubernetes/client-node';
import { kubeTestServerSkip, startKubeTestServer, type KubeTestServer } from '../../helpers/kube.ts';

function indexedJob(name: string, completions: number): V1Job {
  return {
    metadata: { name, labels: { 'atelier.test/kind': 'smoke' } },
    spec: {
      completionMode: 'Indexed',
      completions,
      parallelism: completions,
      backoffLimit: 0,
      template: {
        spec: {
          restartPolicy: 'Never',
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, runAsUser: 1000 },
          containers: [{ name: 'worker', image: 'example.invalid/worker:1', command: ['true'] }],
        },
      },
    },
  };
}

async function apiError(p: Promise<unknown>): Promise<ApiException<string>> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiException) return e as ApiException<string>;
    throw e;
  }
  assert.fail('the call was expected to fail');
}

describe('kube-test-server', { skip: kubeTestServerSkip() }, () => {
  let kube: KubeTestServer;
  let core: CoreV1Api;
  let batch: BatchV1Api;
  const namespace = 'atelier-smoke';

  before(async () => {
    kube = await startKubeTestServer();
    core = kube.kc.makeApiClient(CoreV1Api);
    batch = kube.kc.makeApiClient(BatchV1Api);
    await core.createNamespace({ body: { metadata: { name: namespace } } });
  });
  after(async () => {
    await kube?.stop();
  });

  it('serves TLS with the generated CA and refuses an unknown token', async () => {
    const ns = await core.readNamespace({ name: namespace });
    assert.equal(ns.status?.phase, 'Active');
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: kube.server, caData: Buffer.from(kube.caPem).toString('base64') }],
      users: [{ name: 'stranger', token: 'not-a-known-token' }],
      contexts: [{ name: 'c', cluster: 'c', user: 'stranger' }],
      currentContext: 'c',
    });
    const err = await apiError(kc.makeApiClient(CoreV1Api).listNamespace());
    assert.equal(err.code, 401);
  });

  it('creates an indexed Job and validates one that is not', async () => {
    const job = await batch.createNamespacedJob({ namespace, body: indexedJob('train-a', 2) });
    assert.equal(job.spec?.completionMode, 'Indexed');
    assert.equal(job.spec?.completions, 2);
    assert.ok(job.metadata?.uid);
    assert.ok(job.metadata?.resourceVersion);
    // The server's own validation: an indexed Job needs completions.
    const bad = indexedJob('train-bad', 1);
    delete bad.spec!.completions;
    const err = await apiError(batch.createNamespacedJob({ namespace, body: bad }));
    assert.equal(err.code, 422);
    assert.match(String(err.body), /completions/);
    // And a name that is not a DNS label.
    const err2 = await apiError(batch.createNamespacedJob({ namespace, body: indexedJob('Not_A_Name', 1) }));
    assert.equal(err2.code, 422);
  });

  it('streams a watch event for a Job created after the list it resumes from', async () => {
    const list = await batch.listNamespacedJob({ namespace });
    const seen = new Promise<{ type: string; name: string }>((resolve, reject) => {
      void new Watch(kube.kc)
        .watch(
          `/apis/batch/v1/namespaces/${namespace}/jobs`,
          { resourceVersion: list.metadata?.resourceVersion, allowWatchBookmarks: false },
          (type, obj: V1Job) => {
            if (obj.metadata?.name === 'train-watched') resolve({ type, name: obj.metadata.name });
          },
          (err: unknown) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : undefined),
        )
        .then((ctl) => seen.finally(() => ctl.abort()));
    });
    await batch.createNamespacedJob({ namespace, body: indexedJob('train-watched', 1) });
    assert.deepEqual(await seen, { type: 'ADDED', name: 'train-watched' });
  });

  it('refuses a write on a stale resourceVersion with 409 Conflict', async () => {
    const read = await batch.readNamespacedJob({ name: 'train-a', namespace });
    const first = structuredClone(read);
    first.metadata!.labels = { ...first.metadata!.labels, step: 'one' };
    const written = await batch.replaceNamespacedJob({ name: 'train-a', namespace, body: first });
    assert.notEqual(written.metadata?.resourceVersion, read.metadata?.resourceVersion);
    const stale = structuredClone(read);
    stale.metadata!.labels = { ...stale.metadata!.labels, step: 'two' };
    const err = await apiError(batch.replaceNamespacedJob({ name: 'train-a', namespace, body: stale }));
    assert.equal(err.code, 409);
    assert.match(String(err.body), /the object has been modified/);
    const now = await batch.readNamespacedJob({ name: 'train-a', namespace });
    assert.equal(now.metadata?.labels?.step, 'one');
  });
});
