// GET /v2/{project_id}/authorizations answers from a per-project cache on SQLite: every write must
// show in the next list, whatever the sort and page, and only in its own project.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import SQLite from 'better-sqlite3';
import { Value } from 'typebox/value';
import type { AtelierClient } from '#src/client/index.ts';
import { FOREIGN_WRITES_POLL_MS } from '#src/db/database.ts';
import { ListAuthorizationsResponse } from '#src/modules/authorizations/schemas.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';

describe('authorization list cache', () => {
  let t: TestApp;
  let member: { client: AtelierClient; userId: string };
  before(async () => {
    t = await startTestApp();
    member = await t.newMember('cache-user');
    await t.client.authorizations.createAgency();
  });
  after(() => t.close());

  const names = async (query: Parameters<AtelierClient['authorizations']['list']>[0] = {}) =>
    (await t.client.authorizations.list(query)).auth.map((a) => `${a.user_name}:${a.content}`);

  test('every sort and page shows each write at once', async () => {
    const shapes = [
      {},
      { sort_by: 'user_name', order: 'asc' },
      { sort_by: 'user_name', order: 'desc' },
      { limit: 1, offset: 1, sort_by: 'user_name', order: 'asc' },
    ] as const;
    for (const q of shapes) assert.deepEqual(await names(q), []);

    await t.client.authorizations.create({ user_id: 'all', content: 'modelarts_agency' });
    assert.deepEqual(await names(shapes[1]), ['admin:modelarts_agency', 'cache-user:modelarts_agency']);
    assert.deepEqual(await names(shapes[2]), ['cache-user:modelarts_agency', 'admin:modelarts_agency']);
    assert.deepEqual(await names(shapes[3]), ['cache-user:modelarts_agency']);

    await member.client.authorizations.delete();
    for (const q of shapes.slice(1, 3)) assert.deepEqual(await names(q), ['admin:modelarts_agency']);
    assert.deepEqual(await names(shapes[3]), []);

    await t.client.authorizations.createAgency({ agency_name_suffix: 'two' });
    await t.client.authorizations.create({ user_id: member.userId, content: 'ma_agency_two' });
    assert.deepEqual(await names(shapes[1]), ['admin:modelarts_agency', 'cache-user:ma_agency_two']);
  });

  test('a repeated list is the same answer, in the shape of the schema', async () => {
    const first = await t.client.authorizations.list();
    const second = await t.client.authorizations.list();
    assert.ok(Value.Check(ListAuthorizationsResponse, second));
    assert.deepEqual(second, first);
    assert.equal(second.total_count, second.auth.length);
  });

  test('a page answered from the cache is sent as the same bytes and media type as when it was read', async () => {
    await t.client.authorizations.create({ user_id: 'all', content: 'modelarts_agency' });
    const replies = [];
    for (let i = 0; i < 3; i++) replies.push(await t.client.http.raw('GET', '/v2/{project_id}/authorizations'));
    for (const r of replies) {
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('content-type'), 'application/json; charset=utf-8');
      assert.equal(r.text, replies[0]!.text);
    }
    assert.ok(Value.Check(ListAuthorizationsResponse, JSON.parse(replies[0]!.text)));
  });

  test("another project's writes neither show here nor disturb this project's list", async () => {
    const before = await names();
    const other = await t.newTenant('cache-tenant');
    await other.authorizations.createAgency();
    await other.authorizations.list();
    await other.authorizations.create({ user_id: 'all', content: 'modelarts_agency' });
    assert.deepEqual(
      (await other.authorizations.list()).auth.map((a) => a.user_name),
      ['cache-tenant-admin'],
    );
    assert.deepEqual(await names(), before);
    await other.authorizations.delete({ user_id: 'all' });
    assert.deepEqual(await other.authorizations.list(), { total_count: 0, auth: [] });
    assert.deepEqual(await names(), before);
  });

  test('lists racing with writes end on the written state', async () => {
    await t.client.authorizations.delete({ user_id: 'all' });
    for (let round = 0; round < 5; round++) {
      const content = round % 2 === 0 ? 'modelarts_agency' : 'ma_agency_two';
      await Promise.all([
        t.client.authorizations.list(),
        t.client.authorizations.create({ user_id: 'all', content }),
        t.client.authorizations.list({ sort_by: 'user_name', order: 'asc' }),
        t.client.authorizations.list(),
      ]);
      assert.deepEqual(await names({ sort_by: 'user_name', order: 'asc' }), [`admin:${content}`, `cache-user:${content}`]);
      assert.deepEqual((await names()).sort(), [`admin:${content}`, `cache-user:${content}`]);
    }
  });

  test('a row written by another process (same SQLite file) shows within the poll interval', async (c) => {
    if (!t.config.databaseUrl.startsWith('sqlite:')) return c.skip('the list is not cached on PostgreSQL');
    await t.client.authorizations.delete({ user_id: 'all' });
    assert.deepEqual(await names(), []);
    const other = new SQLite(t.config.databaseUrl.slice('sqlite:'.length));
    try {
      other
        .prepare('insert into authorizations (project_id, user_id, user_name, type, content, secret_enc, create_time) values (?, ?, ?, ?, ?, ?, ?)')
        .run(t.creds.project_id, member.userId, 'cache-user', 'agency', 'modelarts_agency', null, Date.now());
    } finally {
      other.close();
    }
    await sleep(FOREIGN_WRITES_POLL_MS + 5);
    assert.deepEqual(await names(), ['cache-user:modelarts_agency']);
  });
});
