// Keystone's /v3/users for an admin of the account: list, create, show, reset a password, delete.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { iamOperations as ops } from '#src/auth/iam-operations.ts';
import { tokenOperations } from '#src/auth/token-operations.ts';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';
import { otherAccount, tokenClient, workerClient } from './iam-helpers.ts';

let t: TestApp;
let adminId: string;
before(async () => {
  t = await startTestApp();
  adminId = (await t.atelier.context.identity.user(t.creds.domain_name, t.creds.user_name)).id;
});
after(() => t.close());

const addToMainProject = async (userId: string) => {
  const { identity } = t.atelier.context;
  await identity.addMember(await identity.project(t.creds.domain_name, t.creds.project_id), (await identity.userById(userId))!);
};

test('an admin creates a user, who signs in; the admin resets the password (old tokens end) and deletes the user', async () => {
  const domainId = (await t.atelier.context.identity.domain(t.creds.domain_name)).id;
  const made = await t.client.http.op(ops.KeystoneCreateUser, { body: { user: { name: 'uma', password: 'first-password', domain_id: domainId } } });
  assert.equal(made.user.name, 'uma');
  assert.equal(made.user.domain_id, domainId);
  assert.equal(made.user.role, 'user');
  assert.equal(made.user.enabled, true);
  assert.match(made.user.links.self, new RegExp(`/v3/users/${made.user.id}$`));
  assert.deepEqual((await t.client.http.op(ops.KeystoneShowUser, { params: { user_id: made.user.id } })).user, made.user);
  const listed = await t.client.http.op(ops.KeystoneListUsers);
  assert.ok(listed.users.some((u) => u.id === made.user.id));
  assert.ok(listed.users.some((u) => u.id === adminId && u.role === 'admin'));
  assert.deepEqual(
    (await t.client.http.op(ops.KeystoneListUsers, { query: { name: 'uma' } })).users.map((u) => u.id),
    [made.user.id],
  );

  await addToMainProject(made.user.id);
  const uma = await tokenClient(t, t.creds.domain_name, 'uma', 'first-password', t.creds.project_id);
  await uma.http.op(tokenOperations.KeystoneListAuthProjects);

  const reset = await t.client.http.op(ops.KeystoneUpdateUserByAdmin, { params: { user_id: made.user.id }, body: { user: { password: 'second-password' } } });
  assert.equal(reset.user.id, made.user.id);
  await assert.rejects(uma.http.op(tokenOperations.KeystoneListAuthProjects), apiFailure(401, 'ModelArts.0203'));
  await assert.rejects(tokenClient(t, t.creds.domain_name, 'uma', 'first-password', t.creds.project_id), apiFailure(401, 'ModelArts.0208'));
  const again = await tokenClient(t, t.creds.domain_name, 'uma', 'second-password', t.creds.project_id);

  await t.client.http.op(ops.KeystoneDeleteUser, { params: { user_id: made.user.id } });
  await assert.rejects(again.http.op(tokenOperations.KeystoneListAuthProjects), apiFailure(401, 'ModelArts.0203'));
  await assert.rejects(t.client.http.op(ops.KeystoneShowUser, { params: { user_id: made.user.id } }), apiFailure(404, 'ModelArts.4338'));
  await assert.rejects(t.client.http.op(ops.KeystoneDeleteUser, { params: { user_id: made.user.id } }), apiFailure(404, 'ModelArts.4338'));
});

test('an admin may make another admin, who then manages users', async () => {
  const made = await t.client.http.op(ops.KeystoneCreateUser, { body: { user: { name: 'ada', password: 'password-123', role: 'admin' } } });
  assert.equal(made.user.role, 'admin');
  await addToMainProject(made.user.id);
  const ada = await tokenClient(t, t.creds.domain_name, 'ada', 'password-123', t.creds.project_id);
  assert.ok((await ada.http.op(ops.KeystoneListUsers)).users.some((u) => u.name === 'ada'));
  // Not their own user, though: the account would lose an admin by its own request.
  await assert.rejects(ada.http.op(ops.KeystoneDeleteUser, { params: { user_id: made.user.id } }), apiFailure(409, 'ModelArts.0107'));
  await t.client.http.op(ops.KeystoneDeleteUser, { params: { user_id: made.user.id } });
});

test('the identity rules: a taken name is 409, a bad name or short password a 400 naming the field; nothing is stored', async () => {
  await t.client.http.op(ops.KeystoneCreateUser, { body: { user: { name: 'vic', password: 'password-123' } } });
  await assert.rejects(
    t.client.http.op(ops.KeystoneCreateUser, { body: { user: { name: 'vic', password: 'password-123' } } }),
    apiFailure(409, 'ModelArts.0107', 'already exists'),
  );
  await assert.rejects(
    t.client.http.op(ops.KeystoneCreateUser, { body: { user: { name: 'bad name', password: 'password-123' } } }),
    apiFailure(400, 'ModelArts.0104', 'body.user'),
  );
  await assert.rejects(
    t.client.http.op(ops.KeystoneCreateUser, { body: { user: { name: 'shorty', password: 'short' } } }),
    apiFailure(400, 'ModelArts.0104', '8 characters'),
  );
  const vic = (await t.client.http.op(ops.KeystoneListUsers, { query: { name: 'vic' } })).users[0]!;
  await assert.rejects(
    t.client.http.op(ops.KeystoneUpdateUserByAdmin, { params: { user_id: vic.id }, body: { user: { password: 'short' } } }),
    apiFailure(400, 'ModelArts.0104', 'body.user.password'),
  );
  const names = (await t.client.http.op(ops.KeystoneListUsers)).users.map((u) => u.name);
  assert.ok(!names.includes('bad name') && !names.includes('shorty'));
  for (const [body, field] of [
    [{}, 'user'],
    [{ user: { name: 'x' } }, 'password'],
    [{ user: { name: 'x', password: 'password-123', role: 'worker' } }, 'role'],
    [{ user: { name: 'x'.repeat(65), password: 'password-123' } }, 'name'],
    [{ user: { name: 'x', password: 'password-123', enabled: false } }, 'enabled'],
  ] as const) {
    const res = await t.client.http.raw('POST', '/v3/users', { body });
    assert.equal(res.status, 400, res.text);
    assert.ok(res.text.includes(field), `${res.text} names ${field}`);
  }
  const res = await t.client.http.raw('PATCH', `/v3/users/${vic.id}`, { body: { user: { name: 'renamed' } } });
  assert.equal(res.status, 400, res.text);
});

test('a plain user is refused every users API (403)', async () => {
  const member = await t.newMember('pat');
  await assert.rejects(member.client.http.op(ops.KeystoneListUsers), apiFailure(403, 'ModelArts.0108'));
  await assert.rejects(
    member.client.http.op(ops.KeystoneCreateUser, { body: { user: { name: 'sneak', password: 'password-123' } } }),
    apiFailure(403, 'ModelArts.0108'),
  );
  await assert.rejects(member.client.http.op(ops.KeystoneShowUser, { params: { user_id: adminId } }), apiFailure(403, 'ModelArts.0108'));
  await assert.rejects(
    member.client.http.op(ops.KeystoneUpdateUserByAdmin, { params: { user_id: adminId }, body: { user: { password: 'password-123' } } }),
    apiFailure(403, 'ModelArts.0108'),
  );
  await assert.rejects(member.client.http.op(ops.KeystoneDeleteUser, { params: { user_id: adminId } }), apiFailure(403, 'ModelArts.0108'));
  assert.equal((await t.client.http.op(ops.KeystoneListUsers, { query: { name: 'sneak' } })).users.length, 0);
});

test("another account's users are invisible (404); its domain_id cannot be named", async () => {
  const b = await otherAccount(t, 'usersother');
  await assert.rejects(t.client.http.op(ops.KeystoneShowUser, { params: { user_id: b.userId } }), apiFailure(404, 'ModelArts.4338'));
  await assert.rejects(
    t.client.http.op(ops.KeystoneUpdateUserByAdmin, { params: { user_id: b.userId }, body: { user: { password: 'password-123' } } }),
    apiFailure(404, 'ModelArts.4338'),
  );
  await assert.rejects(t.client.http.op(ops.KeystoneDeleteUser, { params: { user_id: b.userId } }), apiFailure(404, 'ModelArts.4338'));
  await assert.rejects(
    t.client.http.op(ops.KeystoneCreateUser, { body: { user: { name: 'intruder', password: 'password-123', domain_id: b.domainId } } }),
    apiFailure(404, 'ModelArts.4338'),
  );
  const theirs = await b.client.http.op(ops.KeystoneListUsers);
  assert.deepEqual(
    theirs.users.map((u) => u.id),
    [b.userId],
  );
  assert.ok(!(await t.client.http.op(ops.KeystoneListUsers)).users.some((u) => u.id === b.userId));
});

test('labeling team identities are not managed here: refused as callers (403) and not found as users (404)', async () => {
  const worker = await workerClient(t, 'uw@example.com');
  await assert.rejects(worker.http.op(ops.KeystoneListUsers), apiFailure(403, 'ModelArts.4600'));
  const w = await t.atelier.context.identity.user(t.creds.domain_name, 'uw@example.com');
  await assert.rejects(t.client.http.op(ops.KeystoneShowUser, { params: { user_id: w.id } }), apiFailure(404, 'ModelArts.4338'));
  assert.ok(!(await t.client.http.op(ops.KeystoneListUsers)).users.some((u) => u.id === w.id));
});
