// The identity service's life-cycle methods (delete a user or a project, reset a password): what
// they remove can no longer be used to get in, through HTTP, at once.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AtelierClient } from '#src/client/index.ts';
import { IdentityError } from '#src/auth/identity-service.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { createBody } from '../datasets/fixtures.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

const login = (user: string, password: string, project: string) =>
  t.client.iam.issueToken({ domain: t.creds.domain_name, user, password, project: { name: project } }).then(
    (r) => r.token,
    () => undefined,
  );

/** A user in a new project of the bootstrap domain, with an access key and a token. */
async function member(name: string, projectName: string) {
  const { identity } = t.atelier.context;
  const user = await identity.createUser(t.creds.domain_name, name, 'password-123', 'user');
  const project = await identity.createProject(t.creds.domain_name, projectName);
  await identity.addMember(project, user);
  const { ak, sk } = await identity.createAccessKey(user);
  const token = await login(name, 'password-123', projectName);
  assert.ok(token);
  return {
    project,
    keyClient: new AtelierClient(t.url, { kind: 'aksk', ak, sk, projectId: project.id }),
    tokenClient: new AtelierClient(t.url, { kind: 'token', token, projectId: project.id }),
  };
}

const status = async (c: AtelierClient) => (await c.http.raw('GET', '/v1/{project_id}/quotas')).status;

test('deleting a user ends their access keys, tokens and memberships', async () => {
  const { identity } = t.atelier.context;
  const m = await member('dora', 'dora-p');
  assert.equal(await status(m.keyClient), 200);
  assert.equal(await status(m.tokenClient), 200);

  const deleted = await identity.deleteUser(t.creds.domain_name, 'dora');
  assert.equal(deleted.name, 'dora');
  assert.equal(await status(m.keyClient), 401);
  assert.equal(await status(m.tokenClient), 401);
  assert.equal(await login('dora', 'password-123', 'dora-p'), undefined);
  assert.ok(!(await identity.listAccessKeys()).some((k) => k.user_name === 'dora'));
  // A new user of the same name gets nothing of the old one's.
  const again = await identity.createUser(t.creds.domain_name, 'dora', 'password-456', 'user');
  assert.equal(await identity.isMember(m.project.id, again.id), false);
  await assert.rejects(identity.deleteUser(t.creds.domain_name, 'nobody'), IdentityError);
});

test('resetting a password: the old one and its tokens stop working, the new one works', async () => {
  const { identity } = t.atelier.context;
  const m = await member('erin', 'erin-p');
  await assert.rejects(identity.resetPassword(t.creds.domain_name, 'erin', 'short'), /at least 8/);
  await identity.resetPassword(t.creds.domain_name, 'erin', 'new-password-1');
  assert.equal(await status(m.tokenClient), 401);
  assert.equal(await login('erin', 'password-123', 'erin-p'), undefined);
  assert.ok(await login('erin', 'new-password-1', 'erin-p'));
  assert.equal(await status(m.keyClient), 200, 'access keys are not the password');
});

test('deleting a project: refused while it holds work, then it goes with its memberships and tokens', async () => {
  const { identity } = t.atelier.context;
  const m = await member('fay', 'fay-p');
  await m.keyClient.http.call('POST', '/v2/{project_id}/agency', { body: { agency_name_suffix: 'fay' } });
  mkdirSync(join(t.config.dataDir, 'obs', 'fay-bucket', 'in'), { recursive: true });
  const { dataset_id: datasetId } = await m.keyClient.datasets.create(createBody('fay-d', '/fay-bucket/in/', '/fay-bucket/out/'));
  await assert.rejects(identity.deleteProject(t.creds.domain_name, 'fay-p'), /still holds .*datasets: 1/);
  assert.equal(await status(m.keyClient), 200);

  await m.keyClient.datasets.delete(datasetId);
  const p = await identity.deleteProject(t.creds.domain_name, m.project.id);
  assert.equal(p.name, 'fay-p');
  assert.equal(await identity.projectById(m.project.id), undefined);
  assert.equal(await status(m.tokenClient), 401);
  assert.equal(await status(m.keyClient), 403, "the key is the user's; the project is gone");
  assert.equal(await login('fay', 'password-123', 'fay-p'), undefined);
  // The same id, made again, is a new empty project nobody is a member of.
  await identity.createProject(t.creds.domain_name, 'fay-p2', m.project.id);
  assert.equal(await status(m.keyClient), 403);
});
