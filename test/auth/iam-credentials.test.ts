// IAM's permanent access keys over HTTP: a user's own, an admin's over the account's users, the
// limit of two per user, and a key made here signing requests.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { AtelierClient } from '#src/client/index.ts';
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

test('a user creates a key (the secret only then), lists it without the secret, signs with it, and deletes it', async () => {
  const { identity } = t.atelier.context;
  const user = await identity.createUser(t.creds.domain_name, 'kim', 'password-123', 'user');
  await identity.addMember(await identity.project(t.creds.domain_name, t.creds.project_id), user);
  const kim = await tokenClient(t, t.creds.domain_name, 'kim', 'password-123', t.creds.project_id);

  const made = await kim.http.op(ops.CreatePermanentAccessKey, { body: { credential: { user_id: user.id, description: 'laptop' } } });
  assert.equal(made.credential.user_id, user.id);
  assert.equal(made.credential.description, 'laptop');
  assert.equal(made.credential.status, 'active');
  assert.match(made.credential.access, /^[A-Z0-9]{20}$/);
  assert.ok(made.credential.secret.length >= 30);
  assert.ok(Math.abs(Date.parse(made.credential.create_time) - Date.now()) < 60_000);

  const listed = await kim.http.op(ops.ListPermanentAccessKeys, { query: { user_id: user.id } });
  assert.deepEqual(listed.credentials, [
    { access: made.credential.access, status: 'active', user_id: user.id, description: 'laptop', create_time: made.credential.create_time },
  ]);
  assert.ok(!JSON.stringify(listed).includes(made.credential.secret));
  // Left out, user_id means the caller's own.
  assert.deepEqual(await kim.http.op(ops.ListPermanentAccessKeys), listed);

  // The new key signs requests (AK/SK), through the typed client.
  const signed = new AtelierClient(t.url, { kind: 'aksk', ak: made.credential.access, sk: made.credential.secret, projectId: t.creds.project_id });
  const projects = await signed.http.op(tokenOperations.KeystoneListAuthProjects);
  assert.deepEqual(
    projects.projects.map((p) => p.id),
    [t.creds.project_id],
  );
  assert.equal((await signed.http.op(ops.ListPermanentAccessKeys)).credentials.length, 1);

  await kim.http.op(ops.DeletePermanentAccessKey, { params: { access_key: made.credential.access } });
  assert.deepEqual((await kim.http.op(ops.ListPermanentAccessKeys)).credentials, []);
  await assert.rejects(signed.http.op(tokenOperations.KeystoneListAuthProjects), apiFailure(401, 'ModelArts.0208'));
  await assert.rejects(kim.http.op(ops.DeletePermanentAccessKey, { params: { access_key: made.credential.access } }), apiFailure(404, 'ModelArts.4338'));
});

test('a user holds at most two keys: the third is refused with 409 and nothing is stored', async () => {
  const { identity } = t.atelier.context;
  const user = await identity.createUser(t.creds.domain_name, 'lee', 'password-123', 'user');
  await identity.addMember(await identity.project(t.creds.domain_name, t.creds.project_id), user);
  const lee = await tokenClient(t, t.creds.domain_name, 'lee', 'password-123', t.creds.project_id);
  const body = { credential: { user_id: user.id } };
  await lee.http.op(ops.CreatePermanentAccessKey, { body });
  await lee.http.op(ops.CreatePermanentAccessKey, { body });
  await assert.rejects(lee.http.op(ops.CreatePermanentAccessKey, { body }), apiFailure(409, 'ModelArts.0107', 'delete one first'));
  const keys = (await lee.http.op(ops.ListPermanentAccessKeys)).credentials;
  assert.equal(keys.length, 2);
  assert.deepEqual(
    keys.map((k) => k.description),
    ['', ''],
  );

  // Five creates at once for a user with no key: two are made, three refused.
  const kira = await identity.createUser(t.creds.domain_name, 'kira', 'password-123', 'user');
  await identity.addMember(await identity.project(t.creds.domain_name, t.creds.project_id), kira);
  const asKira = await tokenClient(t, t.creds.domain_name, 'kira', 'password-123', t.creds.project_id);
  const raced = await Promise.allSettled(
    Array.from({ length: 5 }, () => asKira.http.op(ops.CreatePermanentAccessKey, { body: { credential: { user_id: kira.id } } })),
  );
  assert.equal(raced.filter((r) => r.status === 'fulfilled').length, 2);
  assert.equal((await asKira.http.op(ops.ListPermanentAccessKeys)).credentials.length, 2);
});

test("a plain user cannot touch a colleague's keys (403); an admin manages the account's users' keys", async () => {
  const member = await t.newMember('mo');
  const other = await t.newMember('ned');
  const nedKeys = await t.client.http.op(ops.ListPermanentAccessKeys, { query: { user_id: other.userId } });
  assert.equal(nedKeys.credentials.length, 1);
  const nedKey = nedKeys.credentials[0]!.access;

  await assert.rejects(member.client.http.op(ops.ListPermanentAccessKeys, { query: { user_id: other.userId } }), apiFailure(403, 'ModelArts.0108'));
  await assert.rejects(
    member.client.http.op(ops.CreatePermanentAccessKey, { body: { credential: { user_id: other.userId } } }),
    apiFailure(403, 'ModelArts.0108'),
  );
  await assert.rejects(member.client.http.op(ops.DeletePermanentAccessKey, { params: { access_key: nedKey } }), apiFailure(403, 'ModelArts.0108'));

  // The admin (the bootstrap user) lists every key of the account without user_id, and makes and deletes one of ned's.
  const all = await t.client.http.op(ops.ListPermanentAccessKeys);
  assert.ok(all.credentials.some((k) => k.access === nedKey));
  assert.ok(all.credentials.some((k) => k.user_id === adminId));
  const made = await t.client.http.op(ops.CreatePermanentAccessKey, { body: { credential: { user_id: other.userId, description: 'for ned' } } });
  assert.equal(made.credential.user_id, other.userId);
  await t.client.http.op(ops.DeletePermanentAccessKey, { params: { access_key: made.credential.access } });
  await t.client.http.op(ops.DeletePermanentAccessKey, { params: { access_key: nedKey } });
  await assert.rejects(other.client.http.op(tokenOperations.KeystoneListAuthProjects), apiFailure(401, 'ModelArts.0208'));
});

test("another account's users and keys are invisible (404), even to its admin", async () => {
  const b = await otherAccount(t, 'keysother');
  const theirKey = (await b.client.http.op(ops.ListPermanentAccessKeys)).credentials[0]!.access;
  await assert.rejects(t.client.http.op(ops.ListPermanentAccessKeys, { query: { user_id: b.userId } }), apiFailure(404, 'ModelArts.4338'));
  await assert.rejects(t.client.http.op(ops.CreatePermanentAccessKey, { body: { credential: { user_id: b.userId } } }), apiFailure(404, 'ModelArts.4338'));
  await assert.rejects(t.client.http.op(ops.DeletePermanentAccessKey, { params: { access_key: theirKey } }), apiFailure(404, 'ModelArts.4338'));
  await assert.rejects(b.client.http.op(ops.ListPermanentAccessKeys, { query: { user_id: adminId } }), apiFailure(404, 'ModelArts.4338'));
  const mine = await b.client.http.op(ops.ListPermanentAccessKeys);
  assert.ok(mine.credentials.every((k) => k.user_id === b.userId));
  // A plain user naming another account's user gets 404 too, not 403.
  const member = await t.newMember('oz');
  await assert.rejects(member.client.http.op(ops.ListPermanentAccessKeys, { query: { user_id: b.userId } }), apiFailure(404, 'ModelArts.4338'));
});

test('bad input is a 400 naming the field, and nothing is stored', async () => {
  const before = (await t.client.http.op(ops.ListPermanentAccessKeys)).credentials.length;
  const bad = async (body: unknown, field: string) => {
    const res = await t.client.http.raw('POST', '/v3.0/OS-CREDENTIAL/credentials', { body });
    assert.equal(res.status, 400, res.text);
    assert.equal((res.json as { error_code: string }).error_code, 'ModelArts.0104');
    assert.ok(res.text.includes(field), `${res.text} names ${field}`);
  };
  await bad({}, 'credential');
  await bad({ credential: {} }, 'user_id');
  await bad({ credential: { user_id: adminId, description: 'x'.repeat(256) } }, 'description');
  await bad({ credential: { user_id: adminId, extra: 1 } }, 'extra');
  await bad({ credential: { user_id: 'u'.repeat(65) } }, 'user_id');
  assert.equal((await t.client.http.op(ops.ListPermanentAccessKeys)).credentials.length, before);
  await assert.rejects(t.client.http.op(ops.DeletePermanentAccessKey, { params: { access_key: 'NOSUCHKEY' } }), apiFailure(404, 'ModelArts.4338'));
});

test("a labeling team member's identity is refused (403), and no credentials is 401", async () => {
  const worker = await workerClient(t, 'kw@example.com');
  await assert.rejects(worker.http.op(ops.ListPermanentAccessKeys), apiFailure(403, 'ModelArts.4600'));
  await assert.rejects(worker.http.op(ops.CreatePermanentAccessKey, { body: { credential: { user_id: adminId } } }), apiFailure(403, 'ModelArts.4600'));
  const res = await fetch(`${t.url}/v3.0/OS-CREDENTIAL/credentials`);
  assert.equal(res.status, 401);
});
