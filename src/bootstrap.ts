import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { AppContext } from './context.ts';
import { isUniqueViolation } from './db/driver-errors.ts';

export interface BootstrapCredentials {
  domain_name: string;
  user_name: string;
  password: string;
  project_name: string;
  project_id: string;
  ak: string;
  sk: string;
  endpoint: string;
}

export const credentialsFile = (dataDir: string): string => join(dataDir, 'credentials.json');

/**
 * On the first start (no domain yet) creates a domain, an admin user, a project and an AK/SK, and
 * writes them to <dataDir>/credentials.json (mode 0600). Returns them only when just created.
 */
export async function bootstrap(ctx: AppContext): Promise<BootstrapCredentials | undefined> {
  const { identity, config } = ctx;
  if (await identity.hasDomains()) return undefined;
  let creds: BootstrapCredentials;
  try {
    const domain = await identity.createDomain('atelier');
    const password = randomBytes(18).toString('base64url');
    const user = await identity.createUser(domain.name, 'admin', password, 'admin');
    const project = await identity.createProject(domain.name, 'default');
    await identity.addMember(project, user);
    const { ak, sk } = await identity.createAccessKey(user, 'bootstrap');
    creds = {
      domain_name: domain.name,
      user_name: user.name,
      password,
      project_name: project.name,
      project_id: project.id,
      ak,
      sk,
      endpoint: `http://${config.host}:${config.port}`,
    };
  } catch (e) {
    // Another replica bootstrapped the same database at the same moment.
    if (isUniqueViolation(e)) return undefined;
    throw e;
  }
  const file = credentialsFile(config.dataDir);
  if (existsSync(file)) throw new Error(`${file} exists but the database is new; move it away or point to the right database`);
  writeFileSync(file, `${JSON.stringify(creds, null, 2)}\n`, { mode: 0o600 });
  return creds;
}
