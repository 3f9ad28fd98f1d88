// Clients the IAM API tests act as: the account's admin (AK/SK), a plain user, a labeling team
// member's identity, and another account's admin.
import { AtelierClient } from '#src/client/index.ts';
import type { TestApp } from '../helpers/app.ts';

export async function tokenClient(t: TestApp, domain: string, user: string, password: string, projectId: string): Promise<AtelierClient> {
  const { token, body } = await t.client.iam.issueToken({ domain, user, password, project: { id: projectId } });
  return new AtelierClient(t.url, { kind: 'token', token, projectId: body.token.project.id });
}

/** A signed-in labeling team member of the main account (a worker identity), with a token. */
export async function workerClient(t: TestApp, email: string): Promise<AtelierClient> {
  const { identity } = t.atelier.context;
  const domain = await identity.domain(t.creds.domain_name);
  const worker = await identity.workerIdentity(domain.id, email);
  await identity.setWorkerPassword(worker.id, 'password-123');
  await identity.addMember(await identity.project(t.creds.domain_name, t.creds.project_id), worker);
  return tokenClient(t, t.creds.domain_name, email, 'password-123', t.creds.project_id);
}

/** Another account (domain) with its admin, as an AK/SK client, and the admin's user id. */
export async function otherAccount(t: TestApp, name: string): Promise<{ client: AtelierClient; userId: string; domainId: string }> {
  const client = await t.newTenant(name);
  const { identity } = t.atelier.context;
  const user = await identity.user(name, `${name}-admin`);
  return { client, userId: user.id, domainId: user.domain_id };
}
