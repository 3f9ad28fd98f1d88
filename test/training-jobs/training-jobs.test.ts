import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Value } from 'typebox/value';
import { ListTrainingJobsResponse, LogPreviewResponse, MetricsResponse, TrainingJobResponse } from '#src/modules/training-jobs/schemas.ts';
import type { AtelierClient } from '#src/client/index.ts';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';
import { BUCKET, CPU1, PY_ENGINE, alive, ended, phaseIs, putCode, putObject, scriptPid, waitForJob } from './helpers.ts';

const SCRIPT = `
import os, sys, time
args = dict(a[2:].split("=", 1) for a in sys.argv[1:])
print("args", sorted(args))
print("lr", args.get("lr"), "epochs", args.get("epochs"))
print("rank", os.environ["MA_TASK_INDEX"], os.environ["VC_TASK_INDEX"], "of", os.environ["MA_NUM_HOSTS"], "job", os.environ["MA_JOB_ID"])
print("custom", os.environ.get("MY_FLAG"))
print("data", sorted(os.listdir(args["data_url"])))
print("pid", os.getpid(), flush=True)
if "train_url" in args:
    with open(os.path.join(args["train_url"], "model-%s.txt" % os.environ["MA_TASK_INDEX"]), "w") as f:
        f.write("trained with lr=%s" % args.get("lr"))
time.sleep(float(args.get("sleep", "0")))
x = 0
for i in range(int(args.get("spin", "0"))):
    x += i
sys.exit(int(args.get("exit", "0")))
`;

describe('training jobs (#112-120)', () => {
  let t: TestApp;
  let other: AtelierClient;
  let code: { code_dir: string; boot_file: string };

  before(async () => {
    t = await startTestApp();
    other = await t.newTenant('other');
    code = putCode(t, 'jobs/code', 'train.py', SCRIPT);
    putObject(t, 'jobs/data/a.csv', 'x,y\n1,0\n');
    putObject(t, 'jobs/data/sub/b.csv', 'x,y\n2,1\n');
  });
  after(() => t.close());

  const job = (name: string, params: Record<string, string> = {}, extra: Record<string, unknown> = {}, spec: Record<string, unknown> = {}) => ({
    kind: 'job' as const,
    metadata: { name, description: 'This is a ModelArts job' },
    algorithm: {
      ...code,
      engine: { engine_id: PY_ENGINE },
      parameters: Object.entries(params).map(([name, value]) => ({ name, value })),
      inputs: [{ name: 'data_url', remote: { obs: { obs_url: `/${BUCKET}/jobs/data/` } } }],
      outputs: [{ name: 'train_url', remote: { obs: { obs_url: `/${BUCKET}/jobs/out/${name}/` } } }],
      ...extra,
    },
    spec: { resource: { flavor_id: CPU1, node_count: 1 }, ...spec },
  });

  const pidOf = (log: string) => Number(/pid (\d+)/.exec(log)?.[1]);

  test('a job runs: Creating -> Running -> Completed, with inputs staged, parameters, environment and outputs uploaded', async () => {
    const created = await t.client.training.createJob(
      job('TestModelArtsJob', { lr: '0.01', epochs: '3', sleep: '1.2', spin: '3000000' }, { environments: { MY_FLAG: 'on' } }),
    );
    assert.ok(Value.Check(TrainingJobResponse, created));
    assert.equal(created.kind, 'job');
    assert.equal(created.metadata.name, 'TestModelArtsJob');
    assert.equal(created.metadata.workspace_id, '0');
    assert.equal(created.status.phase, 'Creating');
    assert.equal(created.status.duration, 0);
    assert.equal(created.status.start_time, 0, 'a number (epoch ms), 0 before the job starts');
    assert.deepEqual(created.status.tasks, ['worker-0']);
    assert.equal(created.algorithm.engine?.engine_id, PY_ENGINE);
    assert.equal(created.spec.resource.flavor_id, CPU1);
    assert.equal(created.spec.resource.flavor_name, 'Computing CPU(1U) instance');
    assert.equal(created.spec.resource.flavor_detail.flavor_type, 'CPU');
    assert.deepEqual(created.algorithm.environments, [{ MY_FLAG: 'on' }]);
    const id = created.metadata.id;

    const running = await waitForJob(t.client, id, phaseIs('Running', 'Completed'));
    assert.equal(typeof running.status.start_time, 'number');
    assert.ok(running.status.start_time >= created.metadata.create_time);
    const done = await waitForJob(t.client, id, ended);
    assert.equal(done.status.phase, 'Completed', JSON.stringify(done.status));
    assert.equal(done.status.secondary_phase, 'Completed');
    assert.deepEqual(done.status.task_statuses, [{ task: 'worker-0', exit_code: 0, message: '' }]);
    assert.ok(done.status.duration >= 1200, `duration ${done.status.duration}`);
    assert.ok(done.status.start_time >= created.metadata.create_time);

    const model = join(t.config.dataDir, 'obs', BUCKET, 'jobs/out/TestModelArtsJob/model-0.txt');
    assert.equal(readFileSync(model, 'utf8'), 'trained with lr=0.01');

    const preview = await t.client.training.logPreview(id, 'worker-0');
    assert.ok(Value.Check(LogPreviewResponse, preview));
    assert.match(preview.content, /args \['data_url', 'epochs', 'lr', 'sleep', 'spin', 'train_url'\]/);
    assert.match(preview.content, /lr 0\.01 epochs 3/);
    assert.match(preview.content, new RegExp(`rank 0 0 of 1 job ${id}`));
    assert.match(preview.content, /custom on/);
    assert.match(preview.content, /data \['a\.csv', 'sub'\]/);
    assert.equal(preview.current_size, Buffer.byteLength(preview.content));
    assert.equal(preview.full_size, preview.current_size);

    const metrics = await t.client.training.metrics(id, 'worker-0');
    assert.ok(Value.Check(MetricsResponse, metrics));
    assert.deepEqual(
      metrics.metrics.map((m) => m.metric),
      ['cpuUsage', 'memUsage', 'gpuUtil', 'gpuMemUsage', 'npuUtil', 'npuMemUsage'],
    );
    const [cpu, mem, gpu] = metrics.metrics;
    assert.equal(cpu!.value.length, 1, 'one minute of samples');
    assert.ok(cpu!.value[0]! >= 0 && cpu!.value[0]! <= 100);
    assert.ok(mem!.value[0]! > 0, 'the interpreter uses some memory');
    assert.deepEqual(gpu!.value, [-1]);
  });

  test('the signed log link downloads the log; a tampered or foreign link does not', async () => {
    const created = await t.client.training.createJob(job('log-link'));
    const id = created.metadata.id;
    await waitForJob(t.client, id, ended);
    const { obs_url } = await t.client.training.logUrl(id, 'worker-0', 'text/plain');
    assert.ok(obs_url.startsWith(t.url), obs_url);
    const res = await fetch(obs_url);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
    const text = await res.text();
    assert.match(text, /lr None epochs None/);
    assert.equal(text, (await t.client.training.logPreview(id)).content);

    const download = await fetch((await t.client.training.logUrl(id, 'worker-0', 'application/octet-stream')).obs_url);
    assert.equal(download.headers.get('content-type'), 'application/octet-stream');
    assert.match(download.headers.get('content-disposition') ?? '', /attachment/);
    await download.arrayBuffer();

    const tampered = obs_url.replace(/signature=.{4}/, 'signature=AAAA');
    const bad = await fetch(tampered);
    assert.equal(bad.status, 403);
    assert.equal(((await bad.json()) as { error_code: string }).error_code, 'ModelArts.0108');
    const otherTask = await fetch(obs_url.replace('/worker-0?', '/worker-1?'));
    assert.equal(otherTask.status, 403);
    await otherTask.text();
    await assert.rejects(t.client.training.logPreview(id, 'worker-7'), apiFailure(400, 'ModelArts.0104', 'task_id'));
  });

  test('from an algorithm: its parameters with the job values, its channels, two nodes with ranks', async () => {
    const algo = await t.client.training.createAlgorithm({
      metadata: { name: 'algo-for-job' },
      job_config: {
        ...code,
        engine: { engine_name: 'Python', engine_version: (await t.client.training.engines()).items[0]!.engine_version },
        parameters: [
          { name: 'lr', value: '0.5', constraint: { type: 'Float', editable: true, required: true } },
          { name: 'epochs', value: '7', constraint: { type: 'Integer', editable: false } },
        ],
        inputs: [{ name: 'data_url' }],
        outputs: [{ name: 'train_url' }],
      },
    });
    const base = job('from-algo', { lr: '0.25' });
    const created = await t.client.training.createJob({
      ...base,
      algorithm: { id: algo.metadata.id, parameters: [{ name: 'lr', value: '0.25' }], inputs: base.algorithm.inputs, outputs: base.algorithm.outputs },
      spec: { resource: { flavor_id: CPU1, node_count: 2 } },
    });
    assert.equal(created.algorithm.id, algo.metadata.id);
    assert.equal(created.algorithm.name, 'algo-for-job');
    assert.deepEqual(
      created.algorithm.parameters?.map((p) => [p.name, p.value]),
      [
        ['lr', '0.25'],
        ['epochs', '7'],
      ],
    );
    assert.deepEqual(created.status.tasks, ['worker-0', 'worker-1']);
    const done = await waitForJob(t.client, created.metadata.id, ended);
    assert.equal(done.status.phase, 'Completed', JSON.stringify(done.status));
    assert.equal(done.status.task_statuses?.length, 2);
    assert.match((await t.client.training.logPreview(created.metadata.id, 'worker-1')).content, /rank 1 1 of 2/);
    assert.match((await t.client.training.logPreview(created.metadata.id, 'worker-0')).content, /lr 0\.25 epochs 7/);
    for (const r of [0, 1]) assert.ok(existsSync(join(t.config.dataDir, 'obs', BUCKET, `jobs/out/from-algo/model-${r}.txt`)));

    await assert.rejects(
      t.client.training.createJob({
        ...base,
        algorithm: { id: algo.metadata.id, parameters: [{ name: 'epochs', value: '9' }], inputs: base.algorithm.inputs, outputs: base.algorithm.outputs },
      }),
      apiFailure(400, 'ModelArts.0104', 'not editable'),
    );
    await assert.rejects(
      t.client.training.createJob({
        ...base,
        algorithm: { id: algo.metadata.id, parameters: [{ name: 'lr', value: '' }], inputs: base.algorithm.inputs, outputs: base.algorithm.outputs },
      }),
      apiFailure(400, 'ModelArts.0104', 'required'),
    );
    await assert.rejects(
      t.client.training.createJob({
        ...base,
        algorithm: { id: algo.metadata.id, parameters: [{ name: 'momentum', value: '1' }], inputs: base.algorithm.inputs, outputs: base.algorithm.outputs },
      }),
      apiFailure(400, 'ModelArts.0104', 'momentum'),
    );
    await assert.rejects(
      t.client.training.createJob({ ...base, algorithm: { id: algo.metadata.id, outputs: base.algorithm.outputs } }),
      apiFailure(400, 'ModelArts.0104', 'data_url'),
    );
    await assert.rejects(
      t.client.training.createJob({ ...base, algorithm: { id: 'no-such-algorithm' } }),
      apiFailure(400, 'ModelArts.2755', 'algorithm not found'),
    );
  });

  test('the Node.js engine runs a .js boot file the same way', async () => {
    const js = putCode(t, 'jobs/js', 'main.js', 'console.log("node", process.argv.slice(2).join(" "), "hosts", process.env.MA_NUM_HOSTS);\n');
    const created = await t.client.training.createJob({
      metadata: { name: 'node-job' },
      algorithm: { ...js, engine: { engine_name: 'Node.js' }, parameters: [{ name: 'epochs', value: '2' }] },
      spec: { resource: { flavor_id: CPU1, node_count: 1 } },
    });
    assert.match(created.algorithm.engine?.engine_id ?? '', /^nodejs/);
    const done = await waitForJob(t.client, created.metadata.id, ended);
    assert.equal(done.status.phase, 'Completed', JSON.stringify(done.status));
    assert.match((await t.client.training.logPreview(created.metadata.id)).content, /node --epochs=2 hosts 1/);
  });

  test('a failing script ends Failed with its exit code; outputs are not uploaded', async () => {
    const created = await t.client.training.createJob(job('fails', { exit: '3' }));
    const done = await waitForJob(t.client, created.metadata.id, ended);
    assert.equal(done.status.phase, 'Failed');
    assert.deepEqual(done.status.task_statuses, [{ task: 'worker-0', exit_code: 3, message: 'exited with code 3' }]);
    assert.ok(!existsSync(join(t.config.dataDir, 'obs', BUCKET, 'jobs/out/fails/model-0.txt')));
    assert.match((await t.client.training.logPreview(created.metadata.id)).content, /job failed/);
  });

  test('terminate kills the whole process group and ends Terminated; a finished job cannot be terminated', async () => {
    const created = await t.client.training.createJob(job('to-stop', { sleep: '60' }));
    const id = created.metadata.id;
    await waitForJob(t.client, id, phaseIs('Running'));
    let pid = 0;
    const until = Date.now() + 10_000;
    while (!pid && Date.now() < until) {
      pid = pidOf((await t.client.training.logPreview(id)).content) ? scriptPid(t.config.dataDir, id) : 0;
      if (!pid) await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(pid > 0 && alive(pid), 'the script runs');
    const res = await t.client.http.raw('POST', '/v2/{project_id}/training-jobs/{training_job_id}/actions', {
      params: { training_job_id: id },
      body: { action_type: 'terminate' },
    });
    assert.equal(res.status, 202);
    assert.ok(Value.Check(TrainingJobResponse, res.json));
    assert.equal((res.json as { status: { phase: string } }).status.phase, 'Terminating');
    const done = await waitForJob(t.client, id, ended);
    assert.equal(done.status.phase, 'Terminated');
    assert.ok(!alive(pid), 'the script is gone');
    await assert.rejects(t.client.training.terminateJob(id), apiFailure(400, 'ModelArts.0107', 'Terminated'));
  });

  test('modify description and delete (files removed)', async () => {
    const created = await t.client.training.createJob(job('to-delete'));
    const id = created.metadata.id;
    await waitForJob(t.client, id, ended);
    const put = await t.client.http.raw('PUT', '/v2/{project_id}/training-jobs/{training_job_id}', {
      params: { training_job_id: id },
      body: { description: 'hahaha' },
    });
    assert.equal(put.status, 200);
    // The spec shows a null body; the official Node.js SDK fails on null: {} it is.
    assert.equal(put.text, '{}');
    assert.equal((await t.client.training.getJob(id)).metadata.description, 'hahaha');
    await assert.rejects(t.client.training.changeJobDescription(id, 'x'.repeat(257)), apiFailure(400, 'ModelArts.0104', 'description'));
    const dir = join(t.config.dataDir, 'training', 'jobs', id);
    assert.ok(existsSync(dir));
    const del = await t.client.http.raw('DELETE', '/v2/{project_id}/training-jobs/{training_job_id}', { params: { training_job_id: id } });
    assert.equal(del.status, 202);
    assert.equal(del.text, '{}');
    assert.ok(!existsSync(dir));
    await assert.rejects(t.client.training.getJob(id), apiFailure(404, 'ModelArts.2755'));
    await assert.rejects(t.client.training.deleteJob(id), apiFailure(404, 'ModelArts.2755'));
  });

  test('deleting a running job kills it', async () => {
    const created = await t.client.training.createJob(job('delete-running', { sleep: '60' }));
    const id = created.metadata.id;
    await waitForJob(t.client, id, phaseIs('Running'));
    let pid = 0;
    const until = Date.now() + 10_000;
    while (!pid && Date.now() < until) pid = pidOf((await t.client.training.logPreview(id)).content) ? scriptPid(t.config.dataDir, id) : 0;
    await t.client.training.deleteJob(id);
    const gone = Date.now() + 10_000;
    while (alive(pid) && Date.now() < gone) await new Promise((r) => setTimeout(r, 50));
    assert.ok(!alive(pid));
  });

  test('list: filters, sort and paging of training-job-searches', async () => {
    const ids: string[] = [];
    for (const n of ['search-b', 'search-a', 'search-c'])
      ids.push((await t.client.training.createJob(job(n, { exit: n === 'search-c' ? '1' : '0' }))).metadata.id);
    for (const id of ids) await waitForJob(t.client, id, ended);
    const all = await t.client.training.listJobs({
      filters: [
        { key: 'name', operator: 'like', value: ['search-'] },
        { key: 'phase', operator: 'in', value: [''] },
      ],
    });
    assert.ok(Value.Check(ListTrainingJobsResponse, all));
    assert.equal(all.count, 3);
    assert.deepEqual(
      all.items.map((j) => j.metadata.name),
      ['search-c', 'search-a', 'search-b'],
    );
    assert.equal(all.workspace_id, '0');
    assert.equal(all.ai_project, 'default-ai-project');
    const byName = await t.client.training.listJobs({
      sort_by: 'name',
      order: 'asc',
      limit: 2,
      offset: 1,
      filters: [{ key: 'name', operator: 'like', value: ['SEARCH'] }],
    });
    assert.deepEqual(
      byName.items.map((j) => j.metadata.name),
      ['search-b', 'search-c'],
    );
    assert.equal(byName.limit, 2);
    assert.equal(byName.offset, 1);
    const failed = await t.client.training.listJobs({
      filters: [
        { key: 'name', operator: 'like', value: ['search-'] },
        { key: 'phase', operator: 'in', value: ['Failed'] },
      ],
    });
    assert.deepEqual(
      failed.items.map((j) => j.metadata.name),
      ['search-c'],
    );
    const notFailed = await t.client.training.listJobs({
      filters: [
        { key: 'name', operator: 'like', value: ['search-'] },
        { key: 'phase', operator: 'not', value: ['Failed'] },
      ],
    });
    assert.equal(notFailed.count, 2);
    const first = await t.client.training.getJob(ids[0]!);
    const window = await t.client.training.listJobs({
      filters: [
        { key: 'name', operator: 'like', value: ['search-'] },
        { key: 'create_time', operator: 'between', value: [String(first.metadata.create_time), String(first.metadata.create_time)] },
      ],
    });
    assert.deepEqual(
      window.items.map((j) => j.metadata.id),
      [ids[0]],
    );
    assert.ok(all.total >= 3);
    await assert.rejects(
      t.client.training.listJobs({ filters: [{ key: 'phase', operator: 'in', value: ['Sleeping'] }] }),
      apiFailure(400, 'ModelArts.0104', 'phase'),
    );
    await assert.rejects(t.client.training.listJobs({ limit: 0 }), apiFailure(400, 'ModelArts.0104', 'limit'));
  });

  test('list: group_by puts equal values together, sort_by orders within', async () => {
    const ids: string[] = [];
    for (const [n, exit] of [
      ['grp-1', '0'],
      ['grp-2', '1'],
      ['grp-3', '0'],
    ] as const)
      ids.push((await t.client.training.createJob(job(n, { exit }))).metadata.id);
    for (const id of ids) await waitForJob(t.client, id, ended);
    const filters = [{ key: 'name' as const, operator: 'like' as const, value: ['grp-'] }];
    const plain = await t.client.training.listJobs({ filters, sort_by: 'create_time', order: 'asc' });
    assert.deepEqual(
      plain.items.map((j) => [j.metadata.name, j.status.phase]),
      [
        ['grp-1', 'Completed'],
        ['grp-2', 'Failed'],
        ['grp-3', 'Completed'],
      ],
    );
    const grouped = await t.client.training.listJobs({ filters, sort_by: 'create_time', order: 'asc', group_by: 'phase' });
    assert.equal(grouped.group_by, 'phase');
    assert.deepEqual(
      grouped.items.map((j) => j.metadata.name),
      ['grp-1', 'grp-3', 'grp-2'],
    );
    const desc = await t.client.training.listJobs({ filters, sort_by: 'create_time', order: 'desc', group_by: 'phase' });
    assert.deepEqual(
      desc.items.map((j) => j.metadata.name),
      ['grp-2', 'grp-3', 'grp-1'],
    );
    await assert.rejects(t.client.training.listJobs({ group_by: 'colour' as never }), apiFailure(400, 'ModelArts.0104', 'group_by'));
  });

  test('types as the official SDK models them: start_time a number, flavor_detail disk.size a string', async () => {
    const created = await t.client.training.createJob(job('typed'));
    assert.equal(typeof created.status.start_time, 'number');
    assert.equal(typeof created.metadata.create_time, 'number');
    assert.equal(typeof created.status.duration, 'number');
    const disk = created.spec.resource.flavor_detail.flavor_info.disk;
    assert.ok(disk, 'the flavor has a disk');
    assert.equal(typeof disk.size, 'string', 'the job tables and the SDK type flavor_detail disk.size as a String');
    assert.match(disk.size, /^\d+$/);
    const listed = (await t.client.training.flavors()).flavors.find((f) => f.flavor_id === CPU1)!;
    assert.equal(listed.flavor_info.disk?.size, Number(disk.size), 'the flavor list keeps the Integer of its own tables');
    const shown = await t.client.training.getJob(created.metadata.id);
    assert.equal(typeof shown.spec.resource.flavor_detail.flavor_info.disk?.size, 'string');
    const done = await waitForJob(t.client, created.metadata.id, ended);
    assert.equal(typeof done.status.start_time, 'number');
    assert.ok(done.status.start_time > 0);
    for (const [at, nodes] of done.status.node_count_metrics ?? []) {
      assert.equal(typeof at, 'number');
      assert.equal(typeof nodes, 'number');
    }
  });

  test('bounds: paging and request arrays are 400s naming the field, never a 500; nothing is stored', async () => {
    // Sent as written: 9007199254740993 is past 2^53 and arrives as 9007199254740992.
    for (const offset of ['9007199254740993', '1e20', '100000000000000000000', '10000001', '-1', '0.5']) {
      const res = await t.client.http.raw('POST', '/v2/{project_id}/training-job-searches', { rawBody: `{"offset": ${offset}}` });
      assert.equal(res.status, 400, `offset=${offset}: ${res.text}`);
      assert.equal((res.json as { error_code: string }).error_code, 'ModelArts.0104');
      assert.match((res.json as { error_msg: string }).error_msg, /offset/);
    }
    await assert.rejects(t.client.training.listJobs({ limit: 1e20 }), apiFailure(400, 'ModelArts.0104', 'limit'));
    assert.equal((await t.client.training.listJobs({ offset: 10_000_000 })).items.length, 0, 'the largest offset is served');
    const many = <T>(n: number, item: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => item(i));
    await assert.rejects(
      t.client.training.listJobs({ filters: many(21, () => ({ key: 'name' as const, value: ['x'] })) }),
      apiFailure(400, 'ModelArts.0104', 'filters'),
    );
    await assert.rejects(t.client.training.listJobs({ filters: [{ key: 'name', value: many(101, String) }] }), apiFailure(400, 'ModelArts.0104', 'value'));

    const before = (await t.client.training.listJobs()).total;
    const vars = (n: number) => Object.fromEntries(many(n, (i) => [`V${i}`, 'x']));
    const cases: [Parameters<AtelierClient['training']['createJob']>[0], string][] = [
      [job('b', {}, { environments: many(11, () => ({ A: '1' })) }), 'environments'],
      [job('b', {}, { environments: vars(101) }), 'environments'],
      [job('b', {}, { parameters: many(101, (i) => ({ name: `p${i}`, value: '1' })) }), 'parameters'],
      [job('b', {}, { inputs: many(21, (i) => ({ name: `in${i}`, remote: { obs: { obs_url: `/${BUCKET}/jobs/data/` } } })) }), 'inputs'],
      [job('b', {}, { outputs: many(21, (i) => ({ name: `out${i}`, remote: { obs: { obs_url: `/${BUCKET}/o/` } } })) }), 'outputs'],
      [{ ...job('b'), metadata: { name: 'b', annotations: vars(21) } }, 'annotations'],
      [{ ...job('b'), tasks: many(11, () => ({})) }, 'tasks'],
      [job('b', {}, {}, { volumes: many(11, () => ({})) }), 'volumes'],
      [{ ...job('b'), metadata: { name: 'b', create_time: 1e20 } }, 'create_time'],
    ];
    for (const [body, field] of cases) await assert.rejects(t.client.training.createJob(body), apiFailure(400, 'ModelArts.0104', field), field);
    assert.equal((await t.client.training.listJobs()).total, before);
  });

  test('log_export_path: the logs are also written to the object store', async () => {
    const created = await t.client.training.createJob(job('exported', {}, {}, { log_export_path: { obs_url: `/${BUCKET}/jobs/logs/` } }));
    await waitForJob(t.client, created.metadata.id, ended);
    const file = join(t.config.dataDir, 'obs', BUCKET, `jobs/logs/modelarts-job-${created.metadata.id}-worker-0.log`);
    assert.match(readFileSync(file, 'utf8'), /lr None/);
  });

  test('bad input: each a 4xx with its code, nothing stored or started', async () => {
    const before = (await t.client.training.listJobs()).total;
    const jobsDir = join(t.config.dataDir, 'training', 'jobs');
    const cases: [unknown, number, string, string][] = [
      [job('x', {}, { code_dir: undefined }), 400, 'ModelArts.0104', 'code_dir'],
      [job('x', {}, { boot_file: `/${BUCKET}/jobs/code/missing.py` }), 400, 'ModelArts.4312', 'boot_file'],
      [job('x', {}, { boot_file: `/${BUCKET}/jobs/data/a.csv` }), 400, 'ModelArts.0104', 'inside'],
      [job('x', {}, { code_dir: `/${BUCKET}/jobs/../jobs/code/` }), 400, 'ModelArts.0104', 'code_dir'],
      [job('x', {}, { engine: { engine_id: 'mxnet-1.2' } }), 400, 'ModelArts.0104', 'engine'],
      [job('x', {}, { engine: { image_url: 'swr.example.com/me/train:1' } }), 400, 'ModelArts.4907', 'container runtime'],
      [job('x', {}, { inputs: [{ name: 'data_url', remote: { obs: { obs_url: `/${BUCKET}/nowhere/` } } }] }), 400, 'ModelArts.4312', 'nowhere'],
      [job('x', {}, { inputs: [{ name: 'data_url', remote: { obs: { obs_url: `/${BUCKET}/jobs/../../etc/` } } }] }), 400, 'ModelArts.0104', 'obs_url'],
      [job('x', {}, { outputs: [{ name: 'train_url', remote: { obs: { obs_url: 'obs://Bad_Bucket/x/' } } }] }), 400, 'ModelArts.0104', 'obs_url'],
      [
        job('x', {}, { policies: { auto_search: { reward_attrs: [{ name: 'acc', mode: 'max', regex: 'acc=(\\S+)' }] } } }),
        400,
        'ModelArts.0104',
        'auto_search',
      ],
      [job('x', {}, {}, { resource: { flavor_id: 'modelarts.p3.large.public.free', node_count: 1 } }), 400, 'ModelArts.6323', 'flavor'],
      [job('x', {}, {}, { resource: { flavor_id: CPU1, node_count: 64 } }), 400, 'ModelArts.6323', 'larger than this host'],
      [job('x', {}, {}, { resource: { flavor_id: 'modelarts.vm.cpu.512u', node_count: 1 } }), 400, 'ModelArts.6323', 'larger than this host'],
      [job('x', {}, {}, { resource: { node_count: 1 } }), 400, 'ModelArts.0104', 'flavor_id'],
      [job('x', {}, {}, { log_export_path: { obs_url: '/../x/' } }), 400, 'ModelArts.0104', 'log_export_path'],
      [job('x', { 'bad name': '1' }), 400, 'ModelArts.0104', 'parameters'],
      [job(''), 400, 'ModelArts.0104', 'name'],
      [job('a'.repeat(65)), 400, 'ModelArts.0104', 'name'],
      [job('bad name!'), 400, 'ModelArts.0104', 'name'],
      [{ ...job('x'), kind: 'pipeline' }, 400, 'ModelArts.0104', 'kind'],
      [{ ...job('x'), algorithm: undefined }, 400, 'ModelArts.0104', 'algorithm'],
    ];
    for (const [body, status, errorCode, text] of cases) {
      await assert.rejects(
        t.client.http.call('POST', '/v2/{project_id}/training-jobs', { body }),
        apiFailure(status, errorCode, text),
        JSON.stringify(body).slice(0, 300),
      );
    }
    assert.equal((await t.client.training.listJobs()).total, before);
    const dirs = existsSync(jobsDir) ? readdirCount(jobsDir) : 0;
    assert.equal(dirs, before, 'no job folder for a refused job');
  });

  test("another project's jobs are invisible", async () => {
    const created = await t.client.training.createJob(job('private'));
    const id = created.metadata.id;
    await waitForJob(t.client, id, ended);
    const notFound = apiFailure(404, 'ModelArts.2755');
    await assert.rejects(other.training.getJob(id), notFound);
    await assert.rejects(other.training.changeJobDescription(id, 'x'), notFound);
    await assert.rejects(other.training.terminateJob(id), notFound);
    await assert.rejects(other.training.deleteJob(id), notFound);
    await assert.rejects(other.training.logPreview(id), notFound);
    await assert.rejects(other.training.logUrl(id), notFound);
    await assert.rejects(other.training.metrics(id), notFound);
    assert.equal((await other.training.listJobs()).total, 0);
    assert.equal((await t.client.training.getJob(id)).metadata.description, 'This is a ModelArts job');
  });
});

function readdirCount(dir: string): number {
  return readdirSync(dir).length;
}
