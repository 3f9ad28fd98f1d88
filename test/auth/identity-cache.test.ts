// Signed requests are served from a cache of access keys and memberships: revocations must still
// take effect at once in this process, and within the poll interval from another process.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import SQLite from 'better-sqlite3';
import { IdentityService } from '#src/auth/identity-service.ts';
import { IdentityStore } from '#src/auth/identity-store.ts';
import { SecretBox, loadMasterKey } from '#src/auth/secret-box.ts';
import { AtelierClient } from '#src/client/index.ts';
import { systemClock } from '#src/core/time.ts';
import { FOREIGN_WRITES_POLL_MS, openDatabase } from '#src/db/database.ts';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';

describe('identity cache', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  const identity = () => t.atelier.context.identity;
  const sqliteFile = () => (t.config.databaseUrl.startsWith('sqlite:') ? t.config.databaseUrl.slice('sqlite:'.length) : undefined);

  async function newKeyClient(): Promise<{ client: AtelierClient; ak: string }> {
    const admin = await identity().user(t.creds.domain_name, t.creds.user_name);
    const { ak, sk } = await identity().createAccessKey(admin);
    return { client: new AtelierClient(t.url, { kind: 'aksk', ak, sk, projectId: t.creds.project_id }), ak };
  }

  test('a deleted access key stops working at once, refused like an unknown one', async () => {
    const { client, ak } = await newKeyClient();
    for (let i = 0; i < 3; i++) assert.equal((await client.authorizations.list()).total_count, 0);
    assert.ok(identity().cachedAccessKeyOwner(ak), 'the key is cached now');
    assert.equal(await identity().deleteAccessKey(ak), true);
    await assert.rejects(client.authorizations.list(), apiFailure(401, 'ModelArts.0208', 'access key is unknown'));
    assert.equal((await t.client.authorizations.list()).total_count, 0, 'other keys still work');
  });

  test('a removed membership stops working at once', async () => {
    const member = await t.newMember('leaving-user');
    await member.client.authorizations.list();
    assert.ok(identity().cachedMembership(t.creds.project_id, member.userId));
    assert.equal(await identity().removeMember(t.creds.project_id, member.userId), true);
    await assert.rejects(member.client.authorizations.list(), apiFailure(403, 'ModelArts.0210'));
    assert.equal(await identity().removeMember(t.creds.project_id, member.userId), false);
  });

  test('a key deleted by another process (the CLI, same SQLite file) stops working within the poll interval', async (c) => {
    const file = sqliteFile();
    if (!file) return c.skip('PostgreSQL: other replicas are covered by the cache age, not by a change signal');
    const { client, ak } = await newKeyClient();
    await client.authorizations.list();
    const other = new SQLite(file);
    try {
      assert.equal(other.prepare('delete from access_keys where ak = ?').run(ak).changes, 1);
    } finally {
      other.close();
    }
    await sleep(FOREIGN_WRITES_POLL_MS + 5);
    await assert.rejects(client.authorizations.list(), apiFailure(401, 'ModelArts.0208', 'access key is unknown'));
  });

  test('a key created by another process works at once (an unknown key is remembered, but a new key is a new name)', async () => {
    const ak = 'NOTYETCREATED0000001';
    const early = new AtelierClient(t.url, { kind: 'aksk', ak, sk: 'x'.repeat(40), projectId: t.creds.project_id });
    await assert.rejects(early.authorizations.list(), apiFailure(401, 'ModelArts.0208', 'access key is unknown'));

    // Another process: its own connection and identity service over the same database and master key.
    const database = openDatabase(t.config.databaseUrl);
    try {
      const secrets = new SecretBox(loadMasterKey(t.config.dataDir, t.config.masterKey));
      const elsewhere = new IdentityService(new IdentityStore(database.db), secrets, systemClock, 60_000, database);
      const admin = await elsewhere.user(t.creds.domain_name, t.creds.user_name);
      const { ak: newAk, sk } = await elsewhere.createAccessKey(admin);
      const client = new AtelierClient(t.url, { kind: 'aksk', ak: newAk, sk, projectId: t.creds.project_id });
      assert.equal((await client.authorizations.list()).total_count, 0);
    } finally {
      await database.close();
    }
  });
});
