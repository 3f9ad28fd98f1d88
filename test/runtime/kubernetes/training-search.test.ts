// Hyperparameter search (policies.auto_search) on the kubernetes executor, against a real API server: its trial loop
// exists on the local executor only, so a search is refused at creation (400 naming the field, nothing stored, nothing
// made in the cluster) instead of running once with the base parameters and calling that a search; a search queued
// on the local executor before Atelier was started again on the cluster fails saying why, and makes no Job.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BatchV1Api, CoreV1Api } from '@kubernetes/client-node';
import { buildApp, type AtelierApp } from '#src/app.ts';
import { AtelierClient } from '#src/client/index.ts';
import { resourceSelector } from '#src/runtime/kubernetes/labels.ts';
import { apiFailure, startTestApp, type TestApp } from '../../helpers/app.ts';
import { kubeTestServerSkip, startKubeTestServer, until, type KubeTestServer } from '../../helpers/kube.ts';
import { BUCKET, CPU1, PY_ENGINE, putCode } from '../../training-jobs/helpers.ts';

const NS = 'atelier-search';
const SEARCH_FIELD = 'body.algorithm.policies.auto_search';

describe('hyperparameter search on the kubernetes executor', { skip: kubeTestServerSkip() }, () => {
  let kube: KubeTestServer;
  let batch: BatchV1Api;
  /** Started on the local executor (no background work), so a search it accepts stays queued. */
  let t: TestApp;
  /** The same data and database with --executor kubernetes. */
  let onCluster: AtelierApp;
  let client: AtelierClient;
  let code: { code_dir: string; boot_file: string };

  before(async () => {
    kube = await startKubeTestServer({ controllers: true });
    const core = kube.kc.makeApiClient(CoreV1Api);
    batch = kube.kc.makeApiClient(BatchV1Api);
    await core.createNamespace({ body: { metadata: { name: NS } } });
    t = await startTestApp({ ATELIER_KUBE_CONFIG: kube.kubeconfigPath, ATELIER_KUBE_NAMESPACE: NS, ATELIER_KUBE_IMAGE: 'registry.example/rt:1' });
    code = putCode(t, 'search/code', 'train.py', 'print("accuracy=1")\n');
  });
  after(async () => {
    await onCluster?.close();
    await t?.close();
    await kube?.stop();
  });

  const body = (name: string, search: boolean) => ({
    metadata: { name },
    algorithm: {
      ...code,
      engine: { engine_id: PY_ENGINE },
      parameters: [{ name: 'lr', value: '0.1', constraint: { type: 'Float' } }],
      ...(search
        ? {
            policies: {
              auto_search: {
                reward_attrs: [{ name: 'accuracy', mode: 'max', regex: 'accuracy=([0-9.]+)' }],
                search_params: [{ name: 'lr', param_type: 'discrete', discrete_values: ['0.1', '0.5', '0.9'] }],
                algo_configs: [{ name: 'grid_search' }],
              },
            },
          }
        : {}),
      outputs: [{ name: 'train_url', remote: { obs: { obs_url: `/${BUCKET}/search/out/${name}/` } } }],
    },
    spec: { resource: { flavor_id: CPU1, node_count: 1 } },
  });
  const names = async (c: AtelierClient) => (await c.training.listJobs({ limit: 50 })).items.map((j) => j.metadata.name);
  const jobsOf = async (id: string) => (await batch.listNamespacedJob({ namespace: NS, labelSelector: resourceSelector('training-job', id) })).items;

  it('a search queued on the local executor is kept; on the cluster it fails saying why, with no Job made', async () => {
    const queued = (await t.client.training.createJob(body('queued', true))).metadata.id;
    await t.atelier.close();
    onCluster = await buildApp({ ...t.config, executor: 'kubernetes' });
    await onCluster.recover();
    await onCluster.app.listen({ host: '127.0.0.1', port: 0 });
    onCluster.startBackground();
    const port = (onCluster.app.server.address() as { port: number }).port;
    client = new AtelierClient(`http://127.0.0.1:${port}`, { kind: 'aksk', ak: t.creds.ak, sk: t.creds.sk, projectId: t.creds.project_id });
    const failed = await until(
      `job ${queued} to fail`,
      async () => {
        const j = await client.training.getJob(queued);
        return j.status.phase === 'Failed' ? j : undefined;
      },
      30_000,
    );
    assert.match(failed.status.task_statuses?.[0]?.message ?? '', /hyperparameter search is not available on the kubernetes executor/);
    assert.equal((await jobsOf(queued)).length, 0, 'no Job ran it with the base parameters');
  });

  it('refuses a search at creation with a 400 naming the field; nothing is stored or made', async () => {
    const before = await names(client);
    await assert.rejects(client.training.createJob(body('refused', true)), apiFailure(400, 'ModelArts.0104', SEARCH_FIELD));
    assert.deepEqual(await names(client), before, 'no job stored');
    assert.equal((await batch.listNamespacedJob({ namespace: NS })).items.length, 0, 'nothing made in the cluster');
    // The same job without the search is taken: the refusal is the search's alone.
    const plain = (await client.training.createJob(body('plain', false))).metadata.id;
    assert.ok((await names(client)).includes('plain'));
    await client.training.deleteJob(plain);
  });
});
