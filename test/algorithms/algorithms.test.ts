import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpus } from 'node:os';
import { Value } from 'typebox/value';
import { AlgorithmResponse, ListAlgorithmsResponse } from '#src/modules/algorithms/schemas.ts';
import { ListEnginesResponse, ListFlavorsResponse } from '#src/modules/training-jobs/resource-schemas.ts';
import type { AtelierClient } from '#src/client/index.ts';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';
import { BUCKET, PY_ENGINE, putCode, putObject } from '../training-jobs/helpers.ts';

describe('training resources (#121-122) and algorithms (#107-111)', () => {
  let t: TestApp;
  let other: AtelierClient;
  let code: { code_dir: string; boot_file: string };

  before(async () => {
    t = await startTestApp();
    other = await t.newTenant('other');
    code = putCode(t, 'algo/code', 'train.py', 'print("hi")\n');
    putObject(t, 'algo/code/lib/util.py', 'X = 1\n');
  });
  after(() => t.close());

  const request = (name: string, extra: Record<string, unknown> = {}) => ({
    metadata: { name, description: 'This is a ModelArts algorithm' },
    job_config: {
      ...code,
      parameters: [
        {
          name: 'test-parameter',
          value: '10',
          constraint: { type: 'String', editable: true, required: false, sensitive: false, valid_type: 'None', valid_range: [] },
        },
      ],
      parameters_customization: true,
      inputs: [{ name: 'data_url', description: 'data source.' }],
      outputs: [{ name: 'train_url', description: 'model output.' }],
      engine: { engine_id: PY_ENGINE },
      ...extra,
    },
  });

  test('flavors come from the host: CPU only, none larger than it', async () => {
    const all = await t.client.training.flavors();
    assert.ok(Value.Check(ListFlavorsResponse, all));
    assert.equal(all.total_count, all.flavors.length);
    assert.ok(all.flavors.length >= 1);
    for (const f of all.flavors) {
      assert.equal(f.flavor_type, 'CPU');
      assert.ok(f.flavor_info.cpu!.core_num <= cpus().length);
      assert.equal(f.max_num, Math.floor(cpus().length / f.flavor_info.cpu!.core_num));
      assert.equal(f.billing.code, f.flavor_id);
    }
    assert.ok(all.flavors.some((f) => f.flavor_id === 'modelarts.vm.cpu.1u'));
    assert.deepEqual(await t.client.training.flavors('GPU'), { total_count: 0, flavors: [] });
    assert.equal((await t.client.training.flavors('CPU')).total_count, all.total_count);
  });

  test('engines are runtimes that really start', async () => {
    const engines = await t.client.training.engines();
    assert.ok(Value.Check(ListEnginesResponse, engines));
    assert.equal(engines.total, engines.items.length);
    const ids = engines.items.map((e) => e.engine_id);
    assert.ok(ids.includes(PY_ENGINE), ids.join(','));
    assert.ok(ids.some((id) => id.startsWith('nodejs')));
    for (const e of engines.items) assert.match(e.image_info.cpu_image_url, /^local:\//);
  });

  test('create, as in the spec example, then get', async () => {
    const created = await t.client.training.createAlgorithm(request('TestModelArtsalgorithm'));
    assert.ok(Value.Check(AlgorithmResponse, created));
    assert.equal(created.metadata.name, 'TestModelArtsalgorithm');
    assert.equal(created.metadata.description, 'This is a ModelArts algorithm');
    assert.equal(created.metadata.workspace_id, '0');
    assert.equal(created.metadata.ai_project, 'default-ai-project');
    assert.equal(created.metadata.source, 'custom');
    assert.equal(created.metadata.size, 'print("hi")\n'.length + 'X = 1\n'.length);
    assert.equal(created.job_config.code_dir, code.code_dir);
    assert.equal(created.job_config.boot_file, code.boot_file);
    assert.equal(created.job_config.engine.engine_id, PY_ENGINE);
    assert.equal(created.job_config.engine.engine_name, 'Python');
    // One node, as in the spec's example and the official SDK's CodeTreeNode (not an array).
    assert.deepEqual(created.job_config.code_tree, { name: 'code/', children: [{ name: 'lib/', children: [{ name: 'util.py' }] }, { name: 'train.py' }] });
    assert.equal(created.metadata.is_valid, true, 'a boolean');
    assert.deepEqual(await t.client.training.getAlgorithm(created.metadata.id), created);
  });

  test('list: filter by name, paging and sorting', async () => {
    for (const n of ['list-b', 'list-a', 'list-c']) await t.client.training.createAlgorithm(request(n));
    const page = await t.client.training.listAlgorithms({ searches: 'name:list-', limit: 2, sort_by: 'name', order: 'asc' });
    assert.ok(Value.Check(ListAlgorithmsResponse, page));
    assert.equal(page.count, 3);
    assert.ok(page.total >= 3);
    assert.deepEqual(
      page.items.map((a) => a.metadata.name),
      ['list-a', 'list-b'],
    );
    const next = await t.client.training.listAlgorithms({ searches: 'name:list-', limit: 2, offset: 2, sort_by: 'name', order: 'asc' });
    assert.deepEqual(
      next.items.map((a) => a.metadata.name),
      ['list-c'],
    );
    const newest = await t.client.training.listAlgorithms({ searches: 'name:LIST', limit: 1 });
    assert.equal(newest.items[0]!.metadata.name, 'list-c');
    assert.equal(newest.sort_by, 'create_time');
    assert.equal(newest.order, 'desc');
    assert.equal((await t.client.training.listAlgorithms({ searches: 'name:%' })).count, 0);
    await assert.rejects(t.client.training.listAlgorithms({ searches: 'owner:me' }), apiFailure(400, 'ModelArts.0104', 'searches'));
    await assert.rejects(t.client.training.listAlgorithms({ limit: 51 }), apiFailure(400, 'ModelArts.0104', 'limit'));
  });

  test('update and delete', async () => {
    const a = await t.client.training.createAlgorithm(request('to-update'));
    const updated = await t.client.training.updateAlgorithm(a.metadata.id, {
      metadata: { name: 'updated', description: 'new' },
      job_config: { ...code, engine: { engine_name: 'Node.js' }, boot_file: putObject(t, 'algo/code/train.js', 'console.log(1)\n') },
    });
    assert.equal(updated.metadata.name, 'updated');
    assert.equal(updated.job_config.engine.engine_name, 'Node.js');
    assert.equal(updated.metadata.create_time, a.metadata.create_time);
    assert.deepEqual(updated.job_config.parameters, []);
    assert.deepEqual(await t.client.training.getAlgorithm(a.metadata.id), updated);
    const res = await t.client.http.raw('DELETE', '/v2/{project_id}/algorithms/{algorithm_id}', { params: { algorithm_id: a.metadata.id } });
    assert.equal(res.status, 202);
    await assert.rejects(t.client.training.getAlgorithm(a.metadata.id), apiFailure(404, 'ModelArts.2755'));
    await assert.rejects(t.client.training.deleteAlgorithm(a.metadata.id), apiFailure(404, 'ModelArts.2755'));
  });

  test('bad input: each a 4xx naming the problem, nothing stored', async () => {
    const before = (await t.client.training.listAlgorithms()).total;
    const cases: [Record<string, unknown>, number, string, string][] = [
      [{ code_dir: undefined }, 400, 'ModelArts.0104', 'code_dir'],
      [{ code_dir: `/${BUCKET}/missing/`, boot_file: `/${BUCKET}/missing/train.py` }, 400, 'ModelArts.4312', 'code_dir'],
      [{ boot_file: `/${BUCKET}/algo/code/nope.py` }, 400, 'ModelArts.4312', 'boot_file'],
      [{ boot_file: `/${BUCKET}/elsewhere/train.py` }, 400, 'ModelArts.0104', 'inside'],
      [{ code_dir: `/${BUCKET}/algo/../algo/code/` }, 400, 'ModelArts.0104', 'code_dir'],
      [{ engine: { engine_id: 'pytorch-1.8' } }, 400, 'ModelArts.0104', 'engine_id'],
      [{ engine: { engine_name: 'TensorFlow', engine_version: '2.1' } }, 400, 'ModelArts.0104', 'engine_name'],
      [{ engine: { image_url: 'swr/me/img:1' } }, 400, 'ModelArts.4907', 'container runtime'],
      [{ command: 'sh run.sh' }, 400, 'ModelArts.4907', 'command'],
      [{ engine: { engine_name: 'Node.js' } }, 400, 'ModelArts.0104', 'boot_file'],
      [{ parameters: [{ name: 'a', value: 'x', constraint: { type: 'Integer' } }] }, 400, 'ModelArts.0104', 'integer'],
      [{ parameters: [{ name: 'a', value: '5', constraint: { valid_type: 'Range', valid_range: ['0', '1'] } }] }, 400, 'ModelArts.0104', '[0, 1]'],
      [{ parameters: [{ name: 'a' }, { name: 'a' }] }, 400, 'ModelArts.0104', 'twice'],
      [{ inputs: [{ name: 'x' }], outputs: [{ name: 'x' }] }, 400, 'ModelArts.0104', 'twice'],
    ];
    for (const [extra, status, codeId, text] of cases) {
      await assert.rejects(t.client.training.createAlgorithm(request('bad', extra)), apiFailure(status, codeId, text), JSON.stringify(extra));
    }
    for (const name of ['', 'a'.repeat(65), 'bad name', 'bad/name']) {
      await assert.rejects(t.client.training.createAlgorithm(request(name)), apiFailure(400, 'ModelArts.0104', 'name'));
    }
    assert.equal((await t.client.training.listAlgorithms()).total, before);
  });

  test("advanced_config.auto_search is kept as the algorithm's search template", async () => {
    const autoSearch = {
      reward_attrs: [{ name: 'acc', mode: 'max', regex: 'acc=([0-9.]+)' }],
      search_params: [{ name: 'lr', param_type: 'continuous', lower_bound: '0.1', upper_bound: '0.9' }],
    };
    const a = await t.client.training.createAlgorithm({ ...request('with-search'), advanced_config: { auto_search: autoSearch } });
    assert.deepEqual(a.advanced_config, { auto_search: autoSearch });
    assert.deepEqual((await t.client.training.getAlgorithm(a.metadata.id)).advanced_config, { auto_search: autoSearch });
  });

  test('delete answers 202 with {} (the Node.js SDK fails on a null body)', async () => {
    const a = await t.client.training.createAlgorithm(request('to-delete'));
    const res = await t.client.http.raw('DELETE', '/v2/{project_id}/algorithms/{algorithm_id}', { params: { algorithm_id: a.metadata.id } });
    assert.equal(res.status, 202);
    assert.equal(res.text, '{}');
    assert.deepEqual(res.json, {});
  });

  test('resource_requirements: sent as values (the request table, the SDK) or value, answered as value', async () => {
    const sdk = await t.client.training.createAlgorithm({
      ...request('req-values'),
      resource_requirements: [{ key: 'flavor_type', values: ['CPU'], operator: 'in' }],
    });
    assert.deepEqual(sdk.resource_requirements, [{ key: 'flavor_type', value: ['CPU'], operator: 'in' }]);
    assert.deepEqual((await t.client.training.getAlgorithm(sdk.metadata.id)).resource_requirements, sdk.resource_requirements);
    const echoed = await t.client.training.createAlgorithm({
      ...request('req-value'),
      resource_requirements: [{ key: 'host_distributed_mode', value: ['singular'] }],
    });
    assert.deepEqual(echoed.resource_requirements, [{ key: 'host_distributed_mode', value: ['singular'], operator: 'in' }]);
    const cases: [Record<string, unknown>, string][] = [
      [{ key: 'flavor_type', values: ['CPU'], value: ['GPU'] }, 'not both'],
      [{ key: 'flavor_type', values: ['TPU'] }, 'resource_requirements[0].values'],
      [{ key: 'flavor_type', value: ['TPU'] }, 'resource_requirements[0].value'],
      [{ values: ['CPU'] }, 'resource_requirements[0].key'],
      [{ key: 'flavor_type', values: Array.from({ length: 11 }, () => 'CPU') }, 'values'],
    ];
    for (const [requirement, text] of cases) {
      await assert.rejects(
        t.client.training.createAlgorithm({ ...request('req-bad'), resource_requirements: [requirement as never] }),
        apiFailure(400, 'ModelArts.0104', text),
        JSON.stringify(requirement),
      );
    }
  });

  test('auto_search discrete_values: an array (as the SDK sends) is answered as the String of the tables', async () => {
    const a = await t.client.training.createAlgorithm({
      ...request('discrete'),
      advanced_config: {
        auto_search: {
          search_params: [
            { name: 'lr', param_type: 'discrete', discrete_values: ['0.1', '0.2'] },
            { name: 'bs', param_type: 'discrete', discrete_values: '8,16' },
          ],
        },
      },
    });
    assert.deepEqual(
      a.advanced_config.auto_search?.search_params?.map((p) => p.discrete_values),
      ['0.1,0.2', '8,16'],
    );
  });

  test('job_config is optional: an algorithm without code is kept, not valid, and refused by jobs until updated', async () => {
    const bare = await t.client.training.createAlgorithm({ metadata: { name: 'no-code', description: 'later' } });
    assert.equal(bare.metadata.is_valid, false);
    assert.equal(bare.job_config.code_dir, '');
    assert.equal(bare.job_config.boot_file, '');
    assert.deepEqual(bare.job_config.engine, {});
    assert.equal(bare.job_config.code_tree, undefined);
    assert.equal(bare.metadata.size, 0);
    await assert.rejects(
      t.client.training.createJob({ metadata: { name: 'j' }, algorithm: { id: bare.metadata.id }, spec: { resource: { flavor_id: 'modelarts.vm.cpu.1u' } } }),
      apiFailure(400, 'ModelArts.0104', 'body.algorithm.id'),
    );
    // An engine alone (no code) is checked, and still not valid.
    const engineOnly = await t.client.training.createAlgorithm({ metadata: { name: 'engine-only' }, job_config: { engine: { engine_id: PY_ENGINE } } });
    assert.equal(engineOnly.metadata.is_valid, false);
    assert.equal(engineOnly.job_config.engine.engine_id, PY_ENGINE);

    const withCode = await t.client.training.updateAlgorithm(bare.metadata.id, { job_config: request('x').job_config });
    assert.equal(withCode.metadata.is_valid, true);
    assert.equal(withCode.metadata.name, 'no-code', 'metadata left out keeps its values');
    assert.equal(withCode.metadata.description, 'later');
    assert.equal(withCode.job_config.boot_file, code.boot_file);
    assert.equal(withCode.job_config.code_tree?.name, 'code/');

    // An update without job_config keeps the code.
    const renamed = await t.client.training.updateAlgorithm(bare.metadata.id, { metadata: { name: 'renamed', description: 'd2' } });
    assert.equal(renamed.metadata.name, 'renamed');
    assert.equal(renamed.metadata.description, 'd2');
    assert.deepEqual(renamed.job_config, withCode.job_config);
    assert.equal(renamed.metadata.size, withCode.metadata.size);
    assert.equal(renamed.metadata.is_valid, true);
    await assert.rejects(
      t.client.training.updateAlgorithm(bare.metadata.id, { metadata: { description: 'no name' } as never }),
      apiFailure(400, 'ModelArts.0104', 'name'),
    );
  });

  test('group_by puts equal values together, sort_by orders within; an unknown field is a 400', async () => {
    const member = await t.newMember('algo-grouper');
    // By name the owners interleave: a1 (admin), a2 (member), b1 (member), b2 (admin).
    const names: [AtelierClient, string][] = [
      [t.client, 'grp-a1'],
      [member.client, 'grp-a2'],
      [member.client, 'grp-b1'],
      [t.client, 'grp-b2'],
    ];
    for (const [client, name] of names) await client.training.createAlgorithm(request(name));
    const grouped = await t.client.training.listAlgorithms({ searches: 'name:grp-', group_by: 'user_name', sort_by: 'name', order: 'asc' });
    assert.equal(grouped.group_by, 'user_name');
    const users = grouped.items.map((a) => a.metadata.user_name);
    assert.deepEqual(users, [...users].sort(), 'grouped by user_name');
    assert.equal(new Set(users).size, 2);
    for (const user of new Set(users)) {
      const inGroup = grouped.items.filter((a) => a.metadata.user_name === user).map((a) => a.metadata.name);
      assert.deepEqual(inGroup, [...inGroup].sort(), 'sorted by name within the group');
    }
    const admin = grouped.items.find((a) => a.metadata.name === 'grp-a1')!.metadata.user_name;
    const adminFirst = users[0] === admin;
    assert.deepEqual(
      grouped.items.map((a) => a.metadata.name),
      adminFirst ? ['grp-a1', 'grp-b2', 'grp-a2', 'grp-b1'] : ['grp-a2', 'grp-b1', 'grp-a1', 'grp-b2'],
    );
    const descending = await t.client.training.listAlgorithms({ searches: 'name:grp-', group_by: 'user_name', sort_by: 'name', order: 'desc' });
    assert.deepEqual(
      descending.items.map((a) => a.metadata.name),
      adminFirst ? ['grp-b1', 'grp-a2', 'grp-b2', 'grp-a1'] : ['grp-b2', 'grp-a1', 'grp-b1', 'grp-a2'],
    );
    const plain = await t.client.training.listAlgorithms({ searches: 'name:grp-', sort_by: 'name', order: 'asc' });
    assert.deepEqual(
      plain.items.map((a) => a.metadata.name),
      ['grp-a1', 'grp-a2', 'grp-b1', 'grp-b2'],
    );
    assert.equal(plain.group_by, '');
    assert.equal((await t.client.training.listAlgorithms({ searches: 'name:grp-', group_by: '' })).group_by, '');
    await assert.rejects(t.client.training.listAlgorithms({ group_by: 'colour' as never }), apiFailure(400, 'ModelArts.0104', 'group_by'));
  });

  test('paging bounds: a huge offset or limit is a 400 naming the field, never a 500', async () => {
    for (const offset of ['9007199254740993', '1e20', '10000001', '-1', '1.5']) {
      const res = await t.client.http.raw('GET', '/v2/{project_id}/algorithms', { query: { offset } });
      assert.equal(res.status, 400, `offset=${offset}: ${res.text}`);
      assert.equal((res.json as { error_code: string }).error_code, 'ModelArts.0104');
      assert.match((res.json as { error_msg: string }).error_msg, /offset/);
    }
    for (const limit of ['1e20', '0', '51']) {
      const res = await t.client.http.raw('GET', '/v2/{project_id}/algorithms', { query: { limit } });
      assert.equal(res.status, 400, `limit=${limit}`);
      assert.match((res.json as { error_msg: string }).error_msg, /limit/);
    }
    assert.equal((await t.client.training.listAlgorithms({ offset: 10_000_000 })).items.length, 0, 'the largest offset is served');
  });

  test('request bounds: oversized arrays and strings are 400s naming the field, nothing stored', async () => {
    const before = (await t.client.training.listAlgorithms()).total;
    const many = <T>(n: number, item: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => item(i));
    const cases: [Record<string, unknown>, string][] = [
      [{ parameters: many(101, (i) => ({ name: `p${i}` })) }, 'parameters'],
      [{ inputs: many(21, (i) => ({ name: `i${i}` })) }, 'inputs'],
      [{ outputs: many(21, (i) => ({ name: `o${i}` })) }, 'outputs'],
      [{ parameters: [{ name: 'p', constraint: { valid_range: many(101, (i) => String(i)) } }] }, 'valid_range'],
      [{ parameters: [{ name: 'p', value: 'v'.repeat(4097) }] }, 'value'],
      [{ inputs: [{ name: 'i', remote_constraints: many(11, () => ({ data_type: 'obs' })) }] }, 'remote_constraints'],
      [{ inputs: [{ name: 'i', remote_constraints: [{ attributes: [Object.fromEntries(many(21, (i) => [`k${i}`, 'v']))] }] }] }, 'attributes'],
      [{ engine: { engine_id: 'e'.repeat(129) } }, 'engine_id'],
    ];
    for (const [extra, field] of cases) {
      await assert.rejects(t.client.training.createAlgorithm(request('bounded', extra)), apiFailure(400, 'ModelArts.0104', field), field);
    }
    const search = { search_params: many(21, (i) => ({ name: `s${i}` })) };
    await assert.rejects(
      t.client.training.createAlgorithm({ ...request('bounded'), advanced_config: { auto_search: search } }),
      apiFailure(400, 'ModelArts.0104', 'search_params'),
    );
    await assert.rejects(
      t.client.training.createAlgorithm({ ...request('bounded'), resource_requirements: many(11, () => ({ key: 'flavor_type' as const, values: ['CPU'] })) }),
      apiFailure(400, 'ModelArts.0104', 'resource_requirements'),
    );
    assert.equal((await t.client.training.listAlgorithms()).total, before);
  });

  test("another project's algorithms are invisible", async () => {
    const a = await t.client.training.createAlgorithm(request('mine'));
    await assert.rejects(other.training.getAlgorithm(a.metadata.id), apiFailure(404, 'ModelArts.2755'));
    await assert.rejects(other.training.updateAlgorithm(a.metadata.id, request('x')), apiFailure(404, 'ModelArts.2755'));
    await assert.rejects(other.training.deleteAlgorithm(a.metadata.id), apiFailure(404, 'ModelArts.2755'));
    assert.equal((await other.training.listAlgorithms()).total, 0);
    await assert.rejects(
      other.training.createJob({ metadata: { name: 'j' }, algorithm: { id: a.metadata.id }, spec: { resource: { flavor_id: 'modelarts.vm.cpu.1u' } } }),
      apiFailure(400, 'ModelArts.2755'),
    );
    assert.ok(await t.client.training.getAlgorithm(a.metadata.id));
  });
});
