import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import assert from 'node:assert/strict';
import { buildApp, type AtelierApp, type BuildOptions } from '#src/app.ts';
import { responseCheckFromEnv, violationLines } from '#src/http/response-check.ts';
import { ExampleRecorder } from '#src/http/example-recorder.ts';
import { bootstrap, type BootstrapCredentials } from '#src/bootstrap.ts';
import { loadConfig, type Config } from '#src/config.ts';
import { AtelierClient, ApiClientError } from '#src/client/index.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';

export interface TestApp {
  url: string;
  atelier: AtelierApp;
  config: Config;
  creds: BootstrapCredentials;
  /** AK/SK client of the bootstrap admin in the bootstrap project. */
  client: AtelierClient;
  /** A user, project and AK/SK of a new account (another tenant). */
  newTenant(name: string): Promise<AtelierClient>;
  /** A non-admin user in the bootstrap project. */
  newMember(name: string): Promise<{ client: AtelierClient; userId: string }>;
  close(): Promise<void>;
}

/** Starts Atelier on a free loopback port with a fresh data directory and database, bootstrapped. */
export async function startTestApp(env: Record<string, string> = {}, options: BuildOptions = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'atelier-test-'));
  let database: TestDatabase | undefined;
  try {
    database = await createTestDatabase();
    const config = loadConfig({
      ATELIER_DATA_DIR: dataDir,
      ATELIER_DATABASE_URL: database.url,
      ATELIER_LOG_LEVEL: process.env.ATELIER_TEST_LOG_LEVEL ?? 'silent',
      ATELIER_PORT: '0',
      ...env,
    });
    const responseCheck = options.responseCheck ?? responseCheckFromEnv(process.env.ATELIER_TEST_RESPONSE_CHECK ?? 'fail');
    // npm run openapi:examples runs the suite with this set, to take the API reference's examples from it.
    const recordDir = process.env.ATELIER_TEST_RECORD_EXAMPLES;
    const exampleRecorder = options.exampleRecorder ?? (recordDir ? new ExampleRecorder(recordDir) : undefined);
    const atelier = await buildApp(config, { ...options, ...(responseCheck ? { responseCheck } : {}), ...(exampleRecorder ? { exampleRecorder } : {}) });
    await atelier.app.listen({ host: '127.0.0.1', port: 0 });
    const port = (atelier.app.server.address() as AddressInfo).port;
    const url = `http://127.0.0.1:${port}`;
    const creds = await bootstrap(atelier.context);
    assert.ok(creds, 'a fresh database bootstraps');
    const client = new AtelierClient(url, { kind: 'aksk', ak: creds.ak, sk: creds.sk, projectId: creds.project_id });
    const { identity } = atelier.context;
    const db = database;
    return {
      url,
      atelier,
      config,
      creds,
      client,
      async newTenant(name) {
        const domain = await identity.createDomain(name);
        const user = await identity.createUser(domain.name, `${name}-admin`, 'password-123', 'admin');
        const project = await identity.createProject(domain.name, `${name}-project`);
        await identity.addMember(project, user);
        const { ak, sk } = await identity.createAccessKey(user);
        return new AtelierClient(url, { kind: 'aksk', ak, sk, projectId: project.id });
      },
      async newMember(name) {
        const user = await identity.createUser(creds.domain_name, name, 'password-123', 'user');
        const project = await identity.project(creds.domain_name, creds.project_id);
        await identity.addMember(project, user);
        const { ak, sk } = await identity.createAccessKey(user);
        return { client: new AtelierClient(url, { kind: 'aksk', ak, sk, projectId: project.id }), userId: user.id };
      },
      async close() {
        await atelier.close();
        // Workloads outlive a server on purpose (a restart adopts them); a test's end is final.
        spawnSync('pkill', ['-KILL', '-f', dataDir]);
        exampleRecorder?.flush();
        if (responseCheck && !options.responseCheck && responseCheck.violations.length > 0) {
          process.stderr.write(`response check:\n  ${violationLines(responseCheck.violations).join('\n  ')}\n`);
        }
        await db.drop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
}

/**
 * A second app on the same data directory and database, as after a restart (close the first one
 * before), with its background work started and a client of the bootstrap credential.
 */
export async function restartedApp(t: TestApp): Promise<{ atelier: AtelierApp; client: AtelierClient }> {
  const atelier = await buildApp(t.config);
  await atelier.recover();
  await atelier.app.listen({ host: '127.0.0.1', port: 0 });
  atelier.startBackground();
  const url = `http://127.0.0.1:${(atelier.app.server.address() as AddressInfo).port}`;
  return { atelier, client: new AtelierClient(url, { kind: 'aksk', ak: t.creds.ak, sk: t.creds.sk, projectId: t.creds.project_id }) };
}

/** For assert.rejects: the call failed with this HTTP status and ModelArts error code. */
export function apiFailure(status: number, code: string, msgIncludes?: string) {
  return (err: unknown): boolean => {
    assert.ok(err instanceof ApiClientError, `expected an API error, got ${String(err)}`);
    assert.equal(err.status, status, `status (${err.errorCode}: ${err.errorMsg})`);
    assert.equal(err.errorCode, code, `error code (${err.errorMsg})`);
    assert.equal(typeof err.errorMsg, 'string');
    assert.ok(err.requestId, 'X-Request-Id on errors');
    if (msgIncludes) assert.ok(err.errorMsg?.includes(msgIncludes), `"${err.errorMsg}" mentions "${msgIncludes}"`);
    return true;
  };
}
