import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Value } from 'typebox/value';
import { PoolResources, PoolTagList, ProjectTagList } from '#src/modules/pool-tags/schemas.ts';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';

const BAD = 'ModelArts.50004000';
const SCHEMA = 'ModelArts.0104';
const NOT_FOUND = 'ModelArts.50015001';

describe('pool tags (#163-167)', () => {
  let t: TestApp;
  let network: string;
  /** A one-slice dedicated pool of the caller's project, made through CreatePool. */
  const addPool = async (displayName: string): Promise<string> => {
    const created = await t.client.pools.create({
      apiVersion: 'v2',
      kind: 'Pool',
      metadata: { labels: { 'os.modelarts/name': displayName } },
      spec: { type: 'Dedicate', scope: ['Train'], network: { name: network }, resources: [{ flavor: 'modelarts.vm.cpu.1u', count: '1' }] },
    });
    return created.metadata.name;
  };
  const removePool = (name: string) => t.client.pools.delete(name);

  before(async () => {
    t = await startTestApp({ ATELIER_LOCAL_POOL_CPU_OVERCOMMIT: '1' });
    network = (
      await t.client.networks.create({
        apiVersion: 'v1',
        kind: 'Network',
        metadata: { labels: { 'os.modelarts/name': 'tags-net' } },
        spec: { cidr: '192.168.0.0/24' },
      })
    ).metadata.name;
  });
  after(() => t.close());

  test('create, show, overwrite and delete a pool’s tags, in the spec’s shapes', async () => {
    const pool = await addPool('pool-tagged');
    // the spec's example request
    assert.equal(
      await t.client.poolTags.create(pool, {
        tags: [
          { key: 'test', value: 'service-gpu' },
          { key: 'model_version', value: '0.1' },
        ],
      }),
      undefined,
    );
    const shown = await t.client.poolTags.show(pool);
    assert.ok(Value.Check(PoolTagList, shown));
    assert.deepEqual(shown, {
      tags: [
        { key: 'test', value: 'service-gpu' },
        { key: 'model_version', value: '0.1' },
      ],
    });
    // same key overwrites; keys, values of any language, spaces inside, the allowed punctuation, an empty value
    await t.client.poolTags.create(pool, {
      tags: [
        { key: 'test', value: 'service-cpu' },
        { key: 'équipe: a.b=c+d-e@f_g', value: '' },
        { key: '团队', value: 'a/b c' },
      ],
    });
    assert.deepEqual((await t.client.poolTags.show(pool)).tags, [
      { key: 'test', value: 'service-cpu' },
      { key: 'model_version', value: '0.1' },
      { key: 'équipe: a.b=c+d-e@f_g', value: '' },
      { key: '团队', value: 'a/b c' },
    ]);

    // delete: by key, by key and value (a different value keeps the tag), unknown keys ignored
    await t.client.poolTags.delete(pool, { tags: [{ key: 'test' }, { key: 'model_version', value: '0.2' }, { key: 'nope' }] });
    assert.deepEqual(
      (await t.client.poolTags.show(pool)).tags.map((x) => x.key),
      ['model_version', 'équipe: a.b=c+d-e@f_g', '团队'],
    );
    await t.client.poolTags.delete(pool, { tags: [{ key: 'model_version', value: '0.1' }, { key: 'équipe: a.b=c+d-e@f_g' }, { key: '团队' }] });
    assert.deepEqual(await t.client.poolTags.show(pool), { tags: [] });
    await removePool(pool);
  });

  test('all keys of the project with their values, paged', async () => {
    const a = await addPool('pool-a');
    const b = await addPool('pool-b');
    await t.client.poolTags.create(a, {
      tags: [
        { key: 'model_version', value: '0.2' },
        { key: 'conda_version', value: '10.2' },
      ],
    });
    await t.client.poolTags.create(b, {
      tags: [
        { key: 'model_version', value: '0.1' },
        { key: 'conda_version', value: '11.0' },
      ],
    });
    const all = await t.client.poolTags.listAll();
    assert.ok(Value.Check(ProjectTagList, all));
    assert.deepEqual(all, {
      tags: [
        { key: 'model_version', values: ['0.1', '0.2'] },
        { key: 'conda_version', values: ['10.2', '11.0'] },
      ],
    });
    assert.deepEqual(await t.client.poolTags.listAll({ limit: 1, offset: 1 }), { tags: [{ key: 'conda_version', values: ['10.2', '11.0'] }] });
    for (const query of [{ limit: 0 }, { limit: 1001 }, { offset: -1 }]) {
      await assert.rejects(t.client.poolTags.listAll(query), apiFailure(400, SCHEMA), JSON.stringify(query));
    }
    // another project sees none of them
    const other = await t.newTenant('tags-other-a');
    assert.deepEqual(await other.poolTags.listAll(), { tags: [] });
    await removePool(a);
    await removePool(b);
  });

  test('pools by tag: AND of tags, any of the values, name match, count, paging', async () => {
    const gpu = await addPool('service-79ca');
    const cpu = await addPool('other-cpu');
    await t.client.poolTags.create(gpu, {
      tags: [
        { key: 'model_version', value: '0.1' },
        { key: 'gpu_type', value: 'v100' },
      ],
    });
    await t.client.poolTags.create(cpu, { tags: [{ key: 'model_version', value: '0.2' }] });

    const byTags = await t.client.poolTags.filter({ tags: [{ key: 'model_version', values: ['0.1', '0.2'] }] });
    assert.ok(Value.Check(PoolResources, byTags));
    assert.deepEqual(byTags, {
      total_count: 2,
      resources: [
        {
          resource_id: gpu,
          resource_name: 'service-79ca',
          tags: [
            { key: 'model_version', value: '0.1' },
            { key: 'gpu_type', value: 'v100' },
          ],
        },
        { resource_id: cpu, resource_name: 'other-cpu', tags: [{ key: 'model_version', value: '0.2' }] },
      ],
    });
    const both = await t.client.poolTags.filter({
      tags: [
        { key: 'model_version', values: [] },
        { key: 'gpu_type', values: ['v100'] },
      ],
    });
    assert.deepEqual(
      both.resources?.map((r) => r.resource_id),
      [gpu],
    );
    assert.deepEqual(await t.client.poolTags.filter({ tags: [{ key: 'gpu_type', values: ['t4'] }] }), { total_count: 0, resources: [] });
    // no condition: every pool of the project; the name match ignores case
    assert.equal((await t.client.poolTags.filter({})).total_count, 2);
    const named = await t.client.poolTags.filter({ matches: [{ key: 'resource_name', value: 'SERVICE' }] });
    assert.deepEqual(
      named.resources?.map((r) => r.resource_id),
      [gpu],
    );
    assert.deepEqual(await t.client.poolTags.filter({ action: 'count', matches: [{ key: 'resource_name', value: 'oth' }] }), { total_count: 1 });
    // paging: the query parameters, or the digit strings of the spec's example body
    const page = await t.client.poolTags.filter({}, { limit: 1, offset: 1 });
    assert.equal(page.total_count, 2);
    assert.deepEqual(
      page.resources?.map((r) => r.resource_id),
      [cpu],
    );
    const bodyPage = await t.client.poolTags.filter({ offset: '1', limit: '100' });
    assert.deepEqual(
      bodyPage.resources?.map((r) => r.resource_id),
      [cpu],
    );

    // another project: its own pools only
    const other = await t.newTenant('tags-other-b');
    assert.deepEqual(await other.poolTags.filter({}), { total_count: 0, resources: [] });
    await removePool(gpu);
    await removePool(cpu);
  });

  test('bad filters: unknown match key, unknown field, duplicate key, bad paging', async () => {
    const raw = (body: unknown, query = '') => t.client.http.raw('POST', `/v1/{project_id}/pools/resource-instances/filter${query}`, { body });
    const unknownMatch = await raw({ matches: [{ key: 'resource_id', value: 'x' }] });
    assert.equal(unknownMatch.status, 400);
    assert.match(JSON.stringify(unknownMatch.json), /matches/);
    const unknownField = await raw({ tags: [], sort: 'name' });
    assert.equal(unknownField.status, 400);
    assert.match(JSON.stringify(unknownField.json), /sort/);
    await assert.rejects(
      t.client.poolTags.filter({
        tags: [
          { key: 'a', values: [] },
          { key: 'a', values: ['x'] },
        ],
      }),
      apiFailure(400, BAD, 'tags[1].key'),
    );
    await assert.rejects(t.client.poolTags.filter({ limit: '0' }), apiFailure(400, BAD, 'limit'));
    await assert.rejects(t.client.poolTags.filter({ limit: '1001' }), apiFailure(400, BAD, 'limit'));
    await assert.rejects(t.client.poolTags.filter({}, { limit: 1001 }), apiFailure(400, SCHEMA));
    await assert.rejects(t.client.poolTags.filter({ offset: '-1' }), apiFailure(400, SCHEMA));
  });

  test('bad tags are refused and nothing is stored: too many, duplicate, empty or bad keys and values', async () => {
    const pool = await addPool('pool-strict');
    await t.client.poolTags.create(pool, { tags: Array.from({ length: 18 }, (_, i) => ({ key: `k${i}`, value: 'v' })) });
    // 18 + 3 new would be 21 (overwriting k0 does not count): refused, k0 keeps its value
    await assert.rejects(
      t.client.poolTags.create(pool, {
        tags: [
          { key: 'k0', value: 'changed' },
          { key: 'n1', value: 'v' },
          { key: 'n2', value: 'v' },
          { key: 'n3', value: 'v' },
        ],
      }),
      apiFailure(400, BAD, 'at most 20'),
    );
    const kept = await t.client.poolTags.show(pool);
    assert.equal(kept.tags.length, 18);
    assert.equal(kept.tags[0]?.value, 'v');
    await t.client.poolTags.create(pool, {
      tags: [
        { key: 'k0', value: 'changed' },
        { key: 'n1', value: 'v' },
        { key: 'n2', value: 'v' },
      ],
    });
    assert.equal((await t.client.poolTags.show(pool)).tags.length, 20);
    // more than 20 in one request
    await assert.rejects(
      t.client.poolTags.create(pool, { tags: Array.from({ length: 21 }, (_, i) => ({ key: `x${i}`, value: 'v' })) }),
      apiFailure(400, SCHEMA, 'tags'),
    );
    await t.client.poolTags.delete(pool, { tags: Array.from({ length: 20 }, (_, i) => ({ key: i < 18 ? `k${i}` : `n${i - 17}` })) });
    assert.deepEqual(await t.client.poolTags.show(pool), { tags: [] });

    await assert.rejects(
      t.client.poolTags.create(pool, {
        tags: [
          { key: 'same', value: '1' },
          { key: 'same', value: '2' },
        ],
      }),
      apiFailure(400, BAD, 'tags[1].key'),
    );
    await assert.rejects(t.client.poolTags.delete(pool, { tags: [{ key: 'same' }, { key: 'same' }] }), apiFailure(400, BAD, 'tags[1].key'));
    const badKeys = ['', ' lead', 'trail ', '_sys_x', 'a*b', 'a/b', 'x'.repeat(129)];
    for (const key of badKeys) {
      await assert.rejects(t.client.poolTags.create(pool, { tags: [{ key, value: 'v' }] }), apiFailure(400, SCHEMA, 'key'), JSON.stringify(key));
    }
    for (const value of ['a*b', 'a<b', 'x'.repeat(256)]) {
      await assert.rejects(t.client.poolTags.create(pool, { tags: [{ key: 'k', value }] }), apiFailure(400, SCHEMA, 'value'), value);
    }
    await assert.rejects(t.client.poolTags.create(pool, { tags: [] }), apiFailure(400, SCHEMA, 'tags'));
    assert.deepEqual(await t.client.poolTags.show(pool), { tags: [] });
    await removePool(pool);
  });

  test('an unknown pool, another project’s pool and a deleted pool are not found; a deleted pool’s tags go', async () => {
    const pool = await addPool('pool-gone');
    await t.client.poolTags.create(pool, { tags: [{ key: 'k', value: 'v' }] });
    const other = await t.newTenant('tags-other-c');
    await assert.rejects(other.poolTags.show(pool), apiFailure(404, NOT_FOUND, pool));
    await assert.rejects(other.poolTags.create(pool, { tags: [{ key: 'k', value: 'x' }] }), apiFailure(404, NOT_FOUND, pool));
    await assert.rejects(other.poolTags.delete(pool, { tags: [{ key: 'k' }] }), apiFailure(404, NOT_FOUND, pool));
    assert.deepEqual((await t.client.poolTags.show(pool)).tags, [{ key: 'k', value: 'v' }]);

    await removePool(pool);
    await assert.rejects(t.client.poolTags.show(pool), apiFailure(404, NOT_FOUND, pool));
    await assert.rejects(t.client.poolTags.create(pool, { tags: [{ key: 'k', value: 'v' }] }), apiFailure(404, NOT_FOUND));
    assert.deepEqual(await t.client.poolTags.listAll(), { tags: [] });
    // the rows go right after the pool (removal listener); allow the delete a moment to finish
    const rows = () => t.atelier.context.database.db.selectFrom('pool_tags').selectAll().where('pool_name', '=', pool).execute();
    for (let i = 0; i < 50 && (await rows()).length > 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(await rows(), []);
  });
});
