// A batch service on the kubernetes executor seen through two replicas on one database: replica A runs the batch (a
// Job of one pod per instance), replica B only answers the API. While the pods run, B's ShowServiceInstanceLogs reads
// their containers' logs live from the cluster (a stand-in kubelet serves them); when the run has finished and its Job
// is gone, B answers from what A copied into the database, also after A is closed and the kubelet forgot the logs.
// The filters, the per-pod cap, another project's 404 and the removal with the service are checked. A stop, through
// the replica that runs the batch or through the other one, copies the pods' logs before their Job goes; so does the
// removal of an orphan Job whose service remains (none is kept for a deleted service). A pod the scheduler cannot
// place is said in the events and fails the run after --kube-schedule-timeout (3 s here), its Job deleted and its
// share of the cluster given back.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CoreV1Api, V1Pod } from '@kubernetes/client-node';
import type { AtelierClient } from '#src/client/index.ts';
import { batchCountsFile, BATCH_RESULTS_DIR, type StagedCounts } from '#src/modules/services/batch-staged.ts';
import { MODEL_CONTAINER } from '#src/runtime/kubernetes/service-manifest.ts';
import { TASK_CONTAINER, taskObjectName } from '#src/runtime/kubernetes/task-manifest.ts';
import { COMPLETION_INDEX_ANNOTATION } from '#src/runtime/kubernetes/training-job-manifest.ts';
import { STAGING_INIT_CONTAINER } from '#src/runtime/kubernetes/training-job-staging.ts';
import { apiFailure, type TestApp } from '../../helpers/app.ts';
import { kubeTestServerSkip, until, type KubeTestServer } from '../../helpers/kube.ts';
import { examplePackage, importModel, putPackage } from '../../models/fixtures.ts';
import { startAtelierOnCluster, startSecondReplica, type AtelierOnCluster, type ReplicaOnCluster } from './atelier-on-cluster.ts';
import { startTestCluster, type TestCluster } from './test-cluster.ts';
import { settlePod, type LogKubelet } from './test-kubelet.ts';

const NS = 'atelier-batch-logs';
const BUCKET = 'kbatch-logs';
const MASTER_KEY = Buffer.alloc(32, 9).toString('base64');
const small = { specification: 'custom', custom_spec: { cpu: 0.1, memory: 128 } };

describe("a kube batch service's instance logs through any replica, and a pod no node takes", { skip: kubeTestServerSkip() }, () => {
  let cluster: TestCluster | undefined;
  let kube: KubeTestServer;
  let kubelet: LogKubelet;
  let core: CoreV1Api;
  /** Replica B: answers the API only. */
  let onCluster: AtelierOnCluster;
  let b: TestApp;
  let viaB: AtelierClient;
  /** Replica A: its own data directory, runs the batch (its reconcilers and runs). */
  let a: ReplicaOnCluster | undefined;
  let viaA: AtelierClient;
  let model: string;

  before(async () => {
    cluster = await startTestCluster();
    ({ kube, kubelet, core } = cluster);
    // Replicas share the master key (deploy/kubernetes passes it by Secret).
    onCluster = await startAtelierOnCluster(
      kube,
      NS,
      'registry.example/atelier-runtime:1',
      { ATELIER_MASTER_KEY: MASTER_KEY, ATELIER_KUBE_SCHEDULE_TIMEOUT: '3' },
      { background: false },
    );
    b = onCluster.t;
    viaB = b.client;
    a = await startSecondReplica(b, 'batch-logs-a-');
    viaA = a.client;
    model = await importModel(viaA, await putPackage(b, BUCKET, 'models/py', examplePackage('py-threshold')), 'iris', '1.0.0', 'Scikit_Learn');
    const objects = b.atelier.context.objectStore;
    await objects.put(BUCKET, 'in/one.json', JSON.stringify({ data: { req_data: [{ petal_length: 1.2 }] } }));
    await objects.put(BUCKET, 'in/two.json', JSON.stringify({ data: { req_data: [{ petal_length: 5.1 }] } }));
  });
  after(async () => {
    await a?.close();
    await onCluster?.close();
    await cluster?.stop();
  });

  const podsOf = (id: string) => cluster!.podsOf(NS, 'task', id);
  const jobsOf = (id: string) => cluster!.jobsOf(NS, 'task', id);
  const gone = (id: string) => until(`the Job of batch ${id} to go`, async () => ((await jobsOf(id)).length === 0 ? true : undefined));
  const shardOf = (p: V1Pod) => Number(p.metadata?.annotations?.[COMPLETION_INDEX_ANNOTATION]);
  const statusOf = (id: string, status: string) =>
    until(
      `batch ${id} ${status}`,
      async () => {
        const s = await viaB.services.show(id);
        if (s.status === 'failed' && status !== 'failed') throw new Error(`batch failed: ${s.error_msg}`);
        return s.status === status ? s : undefined;
      },
      60_000,
    );
  const config = (dest: string, instances: number) => ({
    model_id: model,
    instance_count: instances,
    ...small,
    src_path: `/${BUCKET}/in/`,
    dest_path: `/${BUCKET}/${dest}/`,
    req_uri: '/',
    mapping_type: 'file' as const,
  });
  const keptRows = async (id: string) =>
    Number(
      (
        await b.atelier.context.database.db
          .selectFrom('batch_instance_logs')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('service_id', '=', id)
          .executeTakeFirstOrThrow()
      ).n,
    );
  const allocatable = async () => {
    const cluster = (await viaA.services.clusters()).clusters[0]!;
    return [cluster.allocatable_cpu_cores, cluster.allocatable_memory];
  };

  /** What each pod's containers wrote; the model server of shard 1 writes more than an instance keeps. */
  const longLines = Array.from({ length: 3000 }, (_, i) => `predict request ${String(i).padStart(5, '0')} served`);
  const logsOf = (shard: number) => ({
    [STAGING_INIT_CONTAINER]: `downloaded the inputs of shard ${shard}\n`,
    [TASK_CONTAINER]: `batch shard ${shard}: 1 file(s), 1 succeeded\n`,
    [MODEL_CONTAINER]: shard === 1 ? `${longLines.join('\n')}\n` : `model server ${shard} listening\npredicted one.json\n`,
  });

  /** A batch of one pod per instance made through `via` (whose replica runs it), each pod logging logsOf(shard), running. */
  const runningBatch = async (via: AtelierClient, name: string, instances: number) => {
    const { service_id: id } = await via.services.create({ service_name: name, infer_type: 'batch', config: [config(name, instances)] });
    const pods = await until('a pod per instance', async () => {
      const found = await podsOf(id);
      return found.length === instances ? found.sort((x, y) => shardOf(x) - shardOf(y)) : undefined;
    });
    const names = pods.map((p) => p.metadata!.name!);
    for (const [shard, name] of names.entries()) {
      for (const [container, text] of Object.entries(logsOf(shard))) kubelet.logs.set(`${NS}/${name}/${container}`, text);
      await settlePod(core, NS, name, { kind: 'running' });
    }
    await statusOf(id, 'running');
    return { id, names };
  };
  /** What an instance of shard 0 shows: each container's log under its own line. */
  const shardZeroLog = () =>
    (
      [
        [STAGING_INIT_CONTAINER, 'downloading the inputs and the model'],
        [TASK_CONTAINER, 'the batch command'],
        [MODEL_CONTAINER, 'the model server'],
      ] as const
    )
      .map(([c, what]) => `[ModelArts Service Log] ==== ${c} (${what}) ====\n${logsOf(0)[c]}`)
      .join('');
  /** Once the pods are gone and the kubelet has nothing left to give: what B answers, by pod. */
  const keptLogs = async (id: string) => {
    // Running pods of a deleted Job wait for their kubelet to confirm the end: the stand-in does it.
    const ending = await until('the pods to be deleted', async () => {
      const pods = await podsOf(id);
      return pods.every((p) => p.metadata?.deletionTimestamp) ? pods : undefined;
    });
    for (const p of ending) await core.deleteNamespacedPod({ name: p.metadata!.name!, namespace: NS, gracePeriodSeconds: 0 }).catch(() => undefined);
    await until('the pods to go', async () => ((await podsOf(id)).length === 0 ? true : undefined));
    kubelet.logs.clear();
    return (await viaB.services.instanceLogs(id, { lines: 2000 })).instances.map((i) => [i.instance_id, i.content]);
  };

  it('a pod no node takes is said in the events and fails the run after the schedule timeout, its share given back', async () => {
    const free = await allocatable();
    const { service_id: id } = await viaA.services.create({ service_name: 'kbatch-unplaced', infer_type: 'batch', config: [config('unplaced', 2)] });
    const pods = await until('a pod per instance', async () => {
      const found = await podsOf(id);
      return found.length === 2 ? found.sort((x, y) => shardOf(x) - shardOf(y)) : undefined;
    });
    assert.notDeepEqual(await allocatable(), free, 'the run holds its share');
    // shard 0 runs; no node has room for shard 1
    await settlePod(core, NS, pods[0]!.metadata!.name!, { kind: 'running' });
    await settlePod(core, NS, pods[1]!.metadata!.name!, { kind: 'unschedulable' });
    const waiting = `pod ${pods[1]!.metadata!.name!} waits for a node: Unschedulable: 0/3 nodes are available: 3 Insufficient cpu.`;
    await until('the waiting event', async () =>
      (await viaB.services.events(id)).events.some((e) => e.event_type === 'normal' && e.event_info.endsWith(waiting)) ? true : undefined,
    );
    const failed = await statusOf(id, 'failed');
    assert.equal(
      failed.error_msg,
      `the batch pod worker-1 (${pods[1]!.metadata!.name!}) found no node within 3 s: Unschedulable: 0/3 nodes are available: 3 Insufficient cpu.`,
    );
    const events = (await viaB.services.events(id)).events;
    assert.ok(events.some((e) => e.event_type === 'abnormal' && e.event_info === `batch inference failed: ${failed.error_msg}`));
    assert.equal(events.filter((e) => e.event_info.endsWith(waiting)).length, 1, 'said once');
    await gone(id);
    assert.deepEqual(await allocatable(), free, 'its share given back');
  });

  it('a stop through the replica that runs the batch copies the logs before the Job goes, and the stop waits for both', async () => {
    const { id, names } = await runningBatch(viaA, 'kbatch-stop-a', 1);
    await viaA.services.update(id, { status: 'stopped' });
    // the stop answered once the logs were copied and the Job deleted
    assert.equal(await keptRows(id), 1);
    assert.deepEqual(await jobsOf(id), []);
    assert.deepEqual(await keptLogs(id), [[names[0], shardZeroLog()]]);
    assert.equal((await statusOf(id, 'stopped')).error_msg ?? '', '');
  });

  it('a stop through the other replica ends the run: the logs are copied, the Job goes, the service stays stopped', async () => {
    const { id, names } = await runningBatch(viaA, 'kbatch-stop-b', 1);
    await viaB.services.update(id, { status: 'stopped' });
    assert.equal(await keptRows(id), 1);
    assert.deepEqual(await jobsOf(id), []);
    // A's run sees its Job deleted and ends as stopped, not failed
    const said = `batch inference stopped: the batch Job ${taskObjectName(id)} was deleted from the cluster`;
    await until('A to see the stop', async () => ((await viaB.services.events(id)).events.some((e) => e.event_info === said) ? true : undefined));
    const events = (await viaB.services.events(id)).events;
    assert.ok(!events.some((e) => e.event_info.startsWith('batch inference failed')), JSON.stringify(events));
    const stopped = await viaB.services.show(id);
    assert.deepEqual([stopped.status, stopped.error_msg ?? ''], ['stopped', '']);
    assert.deepEqual(await keptLogs(id), [[names[0], shardZeroLog()]]);
  });

  it('B reads the running pods’ logs live, then what A kept after the run, also with A closed; filters, 404 and delete', async () => {
    const { service_id: id } = await viaA.services.create({ service_name: 'kbatch-logs', infer_type: 'batch', config: [config('out', 2)] });
    const pods = await until('a pod per instance', async () => {
      const found = await podsOf(id);
      return found.length === 2 ? found.sort((x, y) => shardOf(x) - shardOf(y)) : undefined;
    });
    const names = pods.map((p) => p.metadata!.name!);
    for (const [shard, name] of names.entries()) {
      for (const [container, text] of Object.entries(logsOf(shard))) kubelet.logs.set(`${NS}/${name}/${container}`, text);
      await settlePod(core, NS, name, { kind: 'running' });
    }
    await statusOf(id, 'running');

    // Live, through B, which does not run the batch.
    const live = await viaB.services.instanceLogs(id, { lines: 2000 });
    assert.equal(live.total_count, 2);
    assert.deepEqual(live.instances.map((i) => i.instance_id).sort(), [...names].sort());
    for (const i of live.instances) {
      assert.deepEqual([i.model_id, i.model_name, i.model_version, i.serving], [model, 'iris', '1.0.0', false]);
      const shard = names.indexOf(i.instance_id);
      const logs = logsOf(shard);
      // each container's log under a line naming it, the model server's last
      assert.ok(i.content.includes(`==== ${STAGING_INIT_CONTAINER} (downloading the inputs and the model) ====\n${logs[STAGING_INIT_CONTAINER]}`), i.content);
      assert.ok(i.content.includes(`==== ${TASK_CONTAINER} (the batch command) ====\n${logs[TASK_CONTAINER]}`));
      assert.ok(i.content.includes(`==== ${MODEL_CONTAINER} (the model server) ====\n`));
      assert.ok(i.content.endsWith(shard === 1 ? `${longLines.at(-1)}\n` : 'predicted one.json\n'));
      assert.equal(i.current_size, Buffer.byteLength(i.content));
    }
    // the long log of shard 1 is cut to its end, saying so, and the instance stays under 64 KiB
    const cut = live.instances.find((i) => i.instance_id === names[1])!;
    assert.match(cut.content, /\[ModelArts Service Log\] only the end of this log is kept \(40 KiB\)\n/);
    assert.ok(cut.current_size <= 64 * 1024, `${cut.current_size}`);
    assert.ok(cut.full_size > cut.current_size);
    assert.ok(!cut.content.includes(`${longLines[0]}\n`));
    // filters
    const one = await viaB.services.instanceLogs(id, { instance_id: names[0]!, lines: 1 });
    assert.deepEqual([one.total_count, one.count, one.instances[0]!.content], [1, 1, 'predicted one.json\n']);
    assert.deepEqual([(await viaB.services.instanceLogs(id, { limit: 1 })).count, (await viaB.services.instanceLogs(id, { limit: 1 })).total_count], [1, 2]);
    assert.equal((await viaB.services.instanceLogs(id, { model_id: 'another-model' })).total_count, 0);
    assert.equal((await viaB.services.instanceLogs(id, { model_id: model })).total_count, 2);
    const other = await b.newTenant('kbatch-other');
    await assert.rejects(other.services.instanceLogs(id), apiFailure(404, 'ModelArts.3502'));

    // The pods' commands uploaded their counts (as stage.py does) and exited: the run finishes and its Job goes.
    const counts: StagedCounts = { counts: { total: 1, succeeded: 1, failed: 0, forbidden: 0 } };
    for (const shard of [0, 1])
      await b.atelier.context.objectStore.put(BUCKET, `.atelier-staging/batch/${id}/${BATCH_RESULTS_DIR}/${batchCountsFile(shard)}`, JSON.stringify(counts));
    for (const name of names) await settlePod(core, NS, name, { kind: 'exited', code: 0 });
    const done = await statusOf(id, 'finished');
    assert.deepEqual([done.invocation_times, done.failed_times], [2, 0]);
    await gone(id);
    await until('the pods to go', async () => ((await podsOf(id)).length === 0 ? true : undefined));

    // Kept: the kubelet no longer has anything to give, and A is gone.
    kubelet.logs.clear();
    const kept = await viaB.services.instanceLogs(id, { lines: 2000 });
    assert.deepEqual(
      kept.instances.map((i) => [i.instance_id, i.content, i.full_size]).sort(),
      live.instances.map((i) => [i.instance_id, i.content, i.full_size]).sort(),
      'what was kept is what the pods logged',
    );
    await a!.close();
    const afterA = await viaB.services.instanceLogs(id, { instance_id: names[1]!, lines: 2 });
    assert.deepEqual([afterA.total_count, afterA.instances[0]!.content], [1, `${longLines.at(-2)}\n${longLines.at(-1)}\n`]);
    assert.equal((await viaB.services.instanceLogs(id, { limit: 1, lines: 1 })).total_count, 2);
    await assert.rejects(other.services.instanceLogs(id), apiFailure(404, 'ModelArts.3502'));

    // The kept logs go with the service.
    assert.equal(await keptRows(id), 2);
    await viaB.services.delete(id);
    assert.equal(await keptRows(id), 0);
  });

  it("an orphan Job's logs are copied before it goes when its service remains, none for a deleted service", async () => {
    const c = await startSecondReplica(b, 'batch-logs-c-');
    const ended = await runningBatch(c.client, 'kbatch-orphan-ended', 1);
    const deleted = await runningBatch(c.client, 'kbatch-orphan-deleted', 1);
    // C stops with the runs under way: their Jobs stay for the next server
    await c.close();
    assert.equal((await jobsOf(ended.id)).length, 1);
    // meanwhile one service ended and the other was deleted, with no server following their Jobs
    const db = b.atelier.context.database.db;
    await db.updateTable('services').set({ status: 'stopped', desired: 'stopped' }).where('id', '=', ended.id).execute();
    await db.deleteFrom('services').where('id', '=', deleted.id).execute();
    // B's reconciler pass removes both as orphans
    await b.atelier.recover();
    assert.deepEqual([await jobsOf(ended.id), await jobsOf(deleted.id)], [[], []]);
    assert.deepEqual(await keptLogs(ended.id), [[ended.names[0], shardZeroLog()]]);
    assert.equal(await keptRows(deleted.id), 0);
  });
});
