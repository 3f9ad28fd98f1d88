import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Value } from 'typebox/value';
import { ListAuthorizationsResponse } from '#src/modules/authorizations/schemas.ts';
import type { AtelierClient } from '#src/client/index.ts';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';
import { assertObjectBodies, recordBodies, routesTagged } from '../helpers/object-bodies.ts';

describe('authorization management (#159-162)', () => {
  let t: TestApp;
  let adminId: string;
  let member: { client: AtelierClient; userId: string };

  before(async () => {
    t = await startTestApp();
    adminId = (await t.atelier.context.identity.user(t.creds.domain_name, t.creds.user_name)).id;
    member = await t.newMember('iam-user01');
  });
  after(() => t.close());

  const total = async () => (await t.client.authorizations.list()).total_count;

  test('create agency: default name and suffix, as in the spec example', async () => {
    assert.deepEqual(await t.client.authorizations.createAgency(), { agency_name: 'modelarts_agency' });
    assert.deepEqual(await t.client.authorizations.createAgency({ agency_name_suffix: 'iam-user01' }), {
      agency_name: 'ma_agency_iam-user01',
    });
    // Creating it again is harmless.
    assert.deepEqual(await t.client.authorizations.createAgency({ agency_name_suffix: 'iam-user01' }), {
      agency_name: 'ma_agency_iam-user01',
    });
  });

  test('create agency: bad suffixes are refused naming the field', async () => {
    await assert.rejects(t.client.authorizations.createAgency({ agency_name_suffix: 'x'.repeat(51) }), apiFailure(400, 'ModelArts.0104', 'agency_name_suffix'));
    await assert.rejects(t.client.authorizations.createAgency({ agency_name_suffix: 'a/b' }), apiFailure(400, 'ModelArts.0104', 'agency_name_suffix'));
    const wrongType = await t.client.http.raw('POST', '/v2/{project_id}/agency', { body: { agency_name_suffix: 5 } });
    assert.equal(wrongType.status, 400);
  });

  test('configure an agency authorization and list it in the shape of the spec', async () => {
    assert.deepEqual(await t.client.authorizations.create({ user_id: adminId, type: 'agency', content: 'modelarts_agency' }), {
      result: 'true',
    });
    const list = await t.client.authorizations.list();
    assert.ok(Value.Check(ListAuthorizationsResponse, list));
    assert.equal(list.total_count, 1);
    const [row] = list.auth;
    assert.deepEqual(Object.keys(row!).sort(), ['content', 'create_time', 'type', 'user_id', 'user_name']);
    assert.equal(row!.user_id, adminId);
    assert.equal(row!.user_name, 'admin');
    assert.equal(row!.type, 'agency');
    assert.equal(row!.content, 'modelarts_agency');
    assert.ok(Math.abs(row!.create_time - Date.now()) < 60_000);
  });

  test('configuring the same user again updates the record', async () => {
    await t.client.authorizations.create({ user_id: adminId, type: 'agency', content: 'ma_agency_iam-user01' });
    const list = await t.client.authorizations.list();
    assert.equal(list.total_count, 1);
    assert.equal(list.auth[0]!.content, 'ma_agency_iam-user01');
  });

  test('documented errors: agency missing (6376), user id missing (6377), agency name blank (6378)', async () => {
    const before = await total();
    await assert.rejects(t.client.authorizations.create({ user_id: adminId, type: 'agency', content: 'no_such_agency' }), apiFailure(400, 'ModelArts.6376'));
    await assert.rejects(t.client.authorizations.create({ type: 'agency', content: 'modelarts_agency' }), apiFailure(400, 'ModelArts.6377'));
    await assert.rejects(t.client.authorizations.create({ user_id: adminId, content: '  ' }), apiFailure(400, 'ModelArts.6378'));
    assert.equal(await total(), before, 'nothing stored');
  });

  test('bad input: missing content, unknown type, wrong types, over-long strings, unknown user', async () => {
    const before = await total();
    const cases: Array<[unknown, string]> = [
      [{ user_id: adminId, type: 'agency' }, 'body.content is required'],
      [{ user_id: adminId, type: 'iam', content: 'modelarts_agency' }, 'body.type must be one of agency, credential'],
      [{ user_id: adminId, content: 42 }, 'body.content'],
      [{ user_id: 7, content: 'modelarts_agency' }, 'body.user_id'],
      [{ user_id: adminId, content: 'a'.repeat(257) }, 'body.content'],
      [{ user_id: 'f'.repeat(32), content: 'modelarts_agency' }, 'body.user_id'],
      [[], 'body'],
    ];
    for (const [body, msg] of cases) {
      const res = await t.client.http.raw('POST', '/v2/{project_id}/authorizations', { body });
      assert.equal(res.status, 400, JSON.stringify(body));
      const err = res.json as { error_code: string; error_msg: string };
      assert.equal(err.error_code, 'ModelArts.0104');
      assert.ok(err.error_msg.includes(msg), `"${err.error_msg}" names ${msg}`);
    }
    assert.equal(await total(), before, 'nothing stored');
  });

  test('credential authorizations check the AK/SK and never return the SK', async () => {
    await assert.rejects(t.client.authorizations.create({ type: 'credential', content: t.creds.ak, secret_key: 'wrong' }), apiFailure(400, 'ModelArts.6353'));
    await assert.rejects(t.client.authorizations.create({ type: 'credential', content: t.creds.ak }), apiFailure(400, 'ModelArts.0104', 'secret_key'));
    const memberKey = await t.atelier.context.identity.createAccessKey((await t.atelier.context.identity.userById(member.userId))!);
    await assert.rejects(
      t.client.authorizations.create({ type: 'credential', content: memberKey.ak, secret_key: memberKey.sk }),
      apiFailure(400, 'ModelArts.6354'),
    );
    await t.client.authorizations.create({ type: 'credential', content: t.creds.ak, secret_key: t.creds.sk });
    const list = await t.client.authorizations.list();
    const mine = list.auth.find((a) => a.user_id === adminId)!;
    assert.equal(mine.type, 'credential');
    assert.equal(mine.content, t.creds.ak);
    assert.ok(mine.secret_key && !mine.secret_key.includes(t.creds.sk.slice(0, 6)), 'SK masked');
  });

  test('user_id "all" authorizes every user of the account', async () => {
    await t.client.authorizations.create({ user_id: 'all', type: 'agency', content: 'modelarts_agency' });
    const list = await t.client.authorizations.list();
    assert.equal(list.total_count, 2);
    assert.deepEqual(list.auth.map((a) => a.user_name).sort(), ['admin', 'iam-user01']);
    assert.ok(list.auth.every((a) => a.content === 'modelarts_agency'));
  });

  test('list: sort and paging (offset counts pages) and their bounds', async () => {
    const asc = await t.client.authorizations.list({ sort_by: 'user_name', order: 'asc' });
    assert.deepEqual(
      asc.auth.map((a) => a.user_name),
      ['admin', 'iam-user01'],
    );
    const desc = await t.client.authorizations.list({ sort_by: 'user_name', order: 'desc' });
    assert.deepEqual(
      desc.auth.map((a) => a.user_name),
      ['iam-user01', 'admin'],
    );
    const page2 = await t.client.authorizations.list({ sort_by: 'user_name', order: 'asc', limit: 1, offset: 1 });
    assert.equal(page2.total_count, 2);
    assert.deepEqual(
      page2.auth.map((a) => a.user_name),
      ['iam-user01'],
    );
    const beyond = await t.client.authorizations.list({ limit: 1, offset: 5 });
    assert.deepEqual(beyond.auth, []);
    for (const query of [{ limit: 0 }, { limit: 1001 }, { offset: -1 }, { sort_by: 'content' }, { order: 'up' }, { limit: 'ten' }]) {
      const res = await t.client.http.raw('GET', '/v2/{project_id}/authorizations', { query });
      assert.equal(res.status, 400, JSON.stringify(query));
      assert.equal((res.json as { error_code: string }).error_code, 'ModelArts.0104');
    }
    // A huge offset is a 400 naming it, never a 500 (offset × limit would pass 2^53).
    for (const offset of ['9007199254740993', '1e20', '10000001']) {
      const res = await t.client.http.raw('GET', '/v2/{project_id}/authorizations', { query: { offset, limit: '1000' } });
      assert.equal(res.status, 400, `offset=${offset}: ${res.text}`);
      assert.equal((res.json as { error_code: string }).error_code, 'ModelArts.0104');
      assert.match((res.json as { error_msg: string }).error_msg, /offset/);
    }
    const limit = await t.client.http.raw('GET', '/v2/{project_id}/authorizations', { query: { limit: '1e20' } });
    assert.equal(limit.status, 400);
    assert.match((limit.json as { error_msg: string }).error_msg, /limit/);
    assert.deepEqual((await t.client.authorizations.list({ limit: 1000, offset: 10_000_000 })).auth, [], 'the largest page is served');
  });

  test('every 2xx body of the authorization routes is a JSON object', async () => {
    const routes = await routesTagged(t.url, ['Authorization Management']);
    const recorder = recordBodies(t.client);
    await t.client.authorizations.createAgency();
    await t.client.authorizations.create({ user_id: adminId, content: 'modelarts_agency' });
    await t.client.authorizations.list();
    await t.client.authorizations.delete({ user_id: adminId });
    await t.client.authorizations.create({ user_id: 'all', content: 'modelarts_agency' });
    assertObjectBodies(recorder, routes);
  });

  test('a non-admin user manages only their own authorization', async () => {
    await assert.rejects(member.client.authorizations.create({ user_id: adminId, content: 'modelarts_agency' }), apiFailure(403, 'ModelArts.0108'));
    await assert.rejects(member.client.authorizations.delete({ user_id: 'all' }), apiFailure(403, 'ModelArts.0108'));
    await member.client.authorizations.create({ user_id: member.userId, content: 'ma_agency_iam-user01' });
    assert.deepEqual(await member.client.authorizations.delete(), { result: 'true' });
    await assert.rejects(member.client.authorizations.delete(), apiFailure(400, 'ModelArts.0429'));
  });

  test("another tenant sees none of this project's authorizations", async () => {
    const other = await t.newTenant('tenant-x');
    assert.deepEqual(await other.authorizations.list(), { total_count: 0, auth: [] });
    await assert.rejects(other.authorizations.delete({ user_id: adminId }), apiFailure(400, 'ModelArts.0429'));
    assert.ok((await total()) >= 1, 'still there');
  });

  test('delete one user, then all', async () => {
    await t.client.authorizations.create({ user_id: 'all', content: 'modelarts_agency' });
    assert.deepEqual(await t.client.authorizations.delete({ user_id: member.userId }), { result: 'true' });
    assert.equal(await total(), 1);
    await assert.rejects(t.client.authorizations.delete({ user_id: member.userId }), apiFailure(400, 'ModelArts.0429'));
    assert.deepEqual(await t.client.authorizations.delete({ user_id: 'all' }), { result: 'true' });
    assert.equal(await total(), 0);
    await assert.rejects(t.client.authorizations.delete({ user_id: 'all' }), apiFailure(400, 'ModelArts.0429'));
  });
});
