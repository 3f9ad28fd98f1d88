// GET /v3/auth/projects: the projects a token's user may use, in Keystone's shape.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { AtelierClient } from '#src/client/index.ts';
import { tokenOperations as ops } from '#src/auth/token-operations.ts';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

const tokenClient = async (user: string, password: string, project: { name?: string; id?: string }) => {
  const { token, body } = await t.client.iam.issueToken({ domain: t.creds.domain_name, user, password, project });
  return new AtelierClient(t.url, { kind: 'token', token, projectId: body.token.project.id });
};

test("a user's token lists exactly the projects the user is a member of, sorted by name", async () => {
  const { identity } = t.atelier.context;
  const user = await identity.createUser(t.creds.domain_name, 'pia', 'password-123', 'user');
  const b = await identity.createProject(t.creds.domain_name, 'pia-b');
  const a = await identity.createProject(t.creds.domain_name, 'pia-a');
  await identity.createProject(t.creds.domain_name, 'pia-not-mine');
  await identity.addMember(b, user);
  await identity.addMember(a, user);
  const c = await tokenClient('pia', 'password-123', { name: 'pia-b' });
  const answer = await c.http.op(ops.KeystoneListAuthProjects);
  assert.deepEqual(
    answer.projects.map((p) => [p.name, p.id, p.domain_id, p.enabled]),
    [
      ['pia-a', a.id, a.domain_id, true],
      ['pia-b', b.id, b.domain_id, true],
    ],
  );
  assert.match(answer.projects[0]!.links.self, new RegExp(`/v3/projects/${a.id}$`));
  assert.match(answer.links.self, /\/v3\/auth\/projects$/);
  assert.equal(answer.links.next, null);

  // Leaving a project takes it off the list.
  await identity.removeMember(a.id, user.id);
  const after = await c.http.op(ops.KeystoneListAuthProjects);
  assert.deepEqual(
    after.projects.map((p) => p.name),
    ['pia-b'],
  );
});

test("another account's projects never appear", async () => {
  const other = await t.newTenant('piaother');
  const mine = await t.client.http.op(ops.KeystoneListAuthProjects);
  assert.ok(mine.projects.some((p) => p.id === t.creds.project_id));
  const theirs = await other.http.op(ops.KeystoneListAuthProjects);
  assert.equal(theirs.projects.length, 1);
  assert.ok(!theirs.projects.some((p) => p.id === t.creds.project_id));
  assert.ok(!mine.projects.some((p) => p.id === theirs.projects[0]!.id));
});

test("a labeling team member's identity sees only its token's project", async () => {
  const { identity } = t.atelier.context;
  const domain = await identity.domain(t.creds.domain_name);
  const worker = await identity.workerIdentity(domain.id, 'wes@example.com');
  await identity.setWorkerPassword(worker.id, 'password-123');
  const one = await identity.createProject(t.creds.domain_name, 'wes-one');
  const two = await identity.createProject(t.creds.domain_name, 'wes-two');
  await identity.addMember(one, worker);
  await identity.addMember(two, worker);
  const c = await tokenClient('wes@example.com', 'password-123', { id: two.id });
  const answer = await c.http.op(ops.KeystoneListAuthProjects);
  assert.deepEqual(
    answer.projects.map((p) => p.id),
    [two.id],
  );
});

test('no credentials or an unknown token: 401', async () => {
  const res = await fetch(`${t.url}/v3/auth/projects`);
  assert.equal(res.status, 401);
  assert.equal(((await res.json()) as { error_code: string }).error_code, 'ModelArts.0205');
  const unknown = new AtelierClient(t.url, { kind: 'token', token: 'not-a-token', projectId: t.creds.project_id });
  await assert.rejects(unknown.http.op(ops.KeystoneListAuthProjects), apiFailure(401, 'ModelArts.0203'));
});
