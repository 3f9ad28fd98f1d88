// Keystone's /v3/projects for an admin of the account: list, create, members, delete (refused while
// the project holds work, with the CLI's message).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { AtelierClient } from '#src/client/index.ts';
import { iamOperations as ops } from '#src/auth/iam-operations.ts';
import { tokenOperations } from '#src/auth/token-operations.ts';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';
import { otherAccount, tokenClient, workerClient } from './iam-helpers.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

const member = (iam_project_id: string, user_id: string) => ({ params: { iam_project_id, user_id, role_id: 'member' as const } });

test('an admin creates a project, adds a member who signs in to it, lists and removes members, and deletes it', async () => {
  const made = await t.client.http.op(ops.KeystoneCreateProject, { body: { project: { name: 'proj-one' } } });
  assert.equal(made.project.name, 'proj-one');
  assert.match(made.project.id, /^[0-9a-f]{32}$/);
  assert.ok((await t.client.http.op(ops.KeystoneListProjects)).projects.some((p) => p.id === made.project.id));
  assert.deepEqual((await t.client.http.op(ops.KeystoneListProjectUsers, { params: { iam_project_id: made.project.id } })).users, []);

  const user = await t.client.http.op(ops.KeystoneCreateUser, { body: { user: { name: 'quinn', password: 'password-123' } } });
  await t.client.http.op(ops.KeystoneAssignProjectRoleToUser, member(made.project.id, user.user.id));
  // Again is fine: the user is a member once.
  await t.client.http.op(ops.KeystoneAssignProjectRoleToUser, member(made.project.id, user.user.id));
  const users = await t.client.http.op(ops.KeystoneListProjectUsers, { params: { iam_project_id: made.project.id } });
  assert.deepEqual(
    users.users.map((u) => u.name),
    ['quinn'],
  );
  const quinn = await tokenClient(t, t.creds.domain_name, 'quinn', 'password-123', made.project.id);
  assert.deepEqual(
    (await quinn.http.op(tokenOperations.KeystoneListAuthProjects)).projects.map((p) => p.id),
    [made.project.id],
  );

  await t.client.http.op(ops.KeystoneRemoveProjectRoleFromUser, member(made.project.id, user.user.id));
  // Their token in the project ended with the membership.
  await assert.rejects(quinn.http.op(tokenOperations.KeystoneListAuthProjects), apiFailure(401, 'ModelArts.0203'));
  await assert.rejects(t.client.http.op(ops.KeystoneRemoveProjectRoleFromUser, member(made.project.id, user.user.id)), apiFailure(404, 'ModelArts.4338'));

  await t.client.http.op(ops.KeystoneDeleteProject, { params: { iam_project_id: made.project.id } });
  assert.ok(!(await t.client.http.op(ops.KeystoneListProjects)).projects.some((p) => p.id === made.project.id));
  await assert.rejects(t.client.http.op(ops.KeystoneDeleteProject, { params: { iam_project_id: made.project.id } }), apiFailure(404, 'ModelArts.6650'));
});

test('a project that holds work is not deleted (409, the CLI message); nor the one the request acts in', async () => {
  const made = await t.client.http.op(ops.KeystoneCreateProject, { body: { project: { name: 'proj-busy' } } });
  const { identity } = t.atelier.context;
  const admin = await identity.user(t.creds.domain_name, t.creds.user_name);
  await t.client.http.op(ops.KeystoneAssignProjectRoleToUser, member(made.project.id, admin.id));
  const inBusy = new AtelierClient(t.url, { kind: 'aksk', ak: t.creds.ak, sk: t.creds.sk, projectId: made.project.id });
  // Some work of the project's own: a network.
  const net = await inBusy.http.raw('POST', '/v1/{project_id}/networks', {
    body: { apiVersion: 'v1', kind: 'Network', metadata: { labels: { 'os.modelarts/name': 'busy-net' } }, spec: { cidr: '192.168.0.0/16' } },
  });
  assert.ok(net.status < 300, net.text);
  const why = `project proj-busy still holds`;
  await assert.rejects(t.client.http.op(ops.KeystoneDeleteProject, { params: { iam_project_id: made.project.id } }), apiFailure(409, 'ModelArts.0107', why));
  assert.ok((await t.client.http.op(ops.KeystoneListProjects)).projects.some((p) => p.id === made.project.id));
  await assert.rejects(t.client.http.op(ops.KeystoneDeleteProject, { params: { iam_project_id: t.creds.project_id } }), apiFailure(409, 'ModelArts.0107'));
});

test('the identity rules: a taken name is 409, a bad name a 400 naming the field; a bad role or id is a 400 or 404', async () => {
  await t.client.http.op(ops.KeystoneCreateProject, { body: { project: { name: 'proj-dup' } } });
  await assert.rejects(
    t.client.http.op(ops.KeystoneCreateProject, { body: { project: { name: 'proj-dup' } } }),
    apiFailure(409, 'ModelArts.0107', 'already exists'),
  );
  await assert.rejects(
    t.client.http.op(ops.KeystoneCreateProject, { body: { project: { name: 'no spaces' } } }),
    apiFailure(400, 'ModelArts.0104', 'body.project.name'),
  );
  for (const [body, field] of [
    [{}, 'project'],
    [{ project: {} }, 'name'],
    [{ project: { name: 'p', description: 'x' } }, 'description'],
  ] as const) {
    const res = await t.client.http.raw('POST', '/v3/projects', { body });
    assert.equal(res.status, 400, res.text);
    assert.ok(res.text.includes(field), `${res.text} names ${field}`);
  }
  assert.ok(!(await t.client.http.op(ops.KeystoneListProjects)).projects.some((p) => p.name === 'no spaces'));
  const admin = await t.atelier.context.identity.user(t.creds.domain_name, t.creds.user_name);
  const res = await t.client.http.raw('PUT', `/v3/projects/${t.creds.project_id}/users/${admin.id}/roles/te_admin`);
  assert.equal(res.status, 400, res.text);
  assert.ok(res.text.includes('role_id'));
  await assert.rejects(t.client.http.op(ops.KeystoneAssignProjectRoleToUser, member('0'.repeat(32), admin.id)), apiFailure(404, 'ModelArts.6650'));
  await assert.rejects(t.client.http.op(ops.KeystoneAssignProjectRoleToUser, member(t.creds.project_id, 'nobody')), apiFailure(404, 'ModelArts.4338'));
});

test('a plain user is refused every projects API (403)', async () => {
  const m = await t.newMember('rae');
  const p = t.creds.project_id;
  await assert.rejects(m.client.http.op(ops.KeystoneListProjects), apiFailure(403, 'ModelArts.0108'));
  await assert.rejects(m.client.http.op(ops.KeystoneCreateProject, { body: { project: { name: 'rae-proj' } } }), apiFailure(403, 'ModelArts.0108'));
  await assert.rejects(m.client.http.op(ops.KeystoneListProjectUsers, { params: { iam_project_id: p } }), apiFailure(403, 'ModelArts.0108'));
  await assert.rejects(m.client.http.op(ops.KeystoneAssignProjectRoleToUser, member(p, m.userId)), apiFailure(403, 'ModelArts.0108'));
  await assert.rejects(m.client.http.op(ops.KeystoneRemoveProjectRoleFromUser, member(p, m.userId)), apiFailure(403, 'ModelArts.0108'));
  await assert.rejects(m.client.http.op(ops.KeystoneDeleteProject, { params: { iam_project_id: p } }), apiFailure(403, 'ModelArts.0108'));
});

test("another account's projects and users are invisible (404)", async () => {
  const b = await otherAccount(t, 'projother');
  const theirs = (await b.client.http.op(ops.KeystoneListProjects)).projects;
  assert.equal(theirs.length, 1);
  const theirProject = theirs[0]!.id;
  assert.ok(!(await t.client.http.op(ops.KeystoneListProjects)).projects.some((p) => p.id === theirProject));
  assert.ok(!theirs.some((p) => p.id === t.creds.project_id));
  const admin = await t.atelier.context.identity.user(t.creds.domain_name, t.creds.user_name);
  await assert.rejects(t.client.http.op(ops.KeystoneListProjectUsers, { params: { iam_project_id: theirProject } }), apiFailure(404, 'ModelArts.6650'));
  await assert.rejects(t.client.http.op(ops.KeystoneDeleteProject, { params: { iam_project_id: theirProject } }), apiFailure(404, 'ModelArts.6650'));
  await assert.rejects(t.client.http.op(ops.KeystoneAssignProjectRoleToUser, member(theirProject, admin.id)), apiFailure(404, 'ModelArts.6650'));
  await assert.rejects(t.client.http.op(ops.KeystoneAssignProjectRoleToUser, member(t.creds.project_id, b.userId)), apiFailure(404, 'ModelArts.4338'));
  await assert.rejects(b.client.http.op(ops.KeystoneRemoveProjectRoleFromUser, member(t.creds.project_id, admin.id)), apiFailure(404, 'ModelArts.6650'));
  await assert.rejects(
    t.client.http.op(ops.KeystoneCreateProject, { body: { project: { name: 'intrude', domain_id: b.domainId } } }),
    apiFailure(404, 'ModelArts.4338'),
  );
  // Their member list is unchanged.
  assert.deepEqual(
    (await b.client.http.op(ops.KeystoneListProjectUsers, { params: { iam_project_id: theirProject } })).users.map((u) => u.id),
    [b.userId],
  );
});

test("a labeling team member's identity is refused (403)", async () => {
  const worker = await workerClient(t, 'pw@example.com');
  await assert.rejects(worker.http.op(ops.KeystoneListProjects), apiFailure(403, 'ModelArts.4600'));
  await assert.rejects(worker.http.op(ops.KeystoneCreateProject, { body: { project: { name: 'w-proj' } } }), apiFailure(403, 'ModelArts.4600'));
});
