// The command line as a user runs it: first start, credentials file, restart, admin commands.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AtelierClient } from '#src/client/index.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'atelier.mjs');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

describe('atelier command line', () => {
  let dataDir: string;
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;
  let server: ChildProcess | undefined;
  let url: string;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'atelier-cli-'));
    db = await createTestDatabase();
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    env = { ...process.env, ATELIER_DATA_DIR: dataDir, ATELIER_PORT: String(port), ATELIER_DATABASE_URL: db.url, ATELIER_LOG_LEVEL: 'warn' };
  });
  after(async () => {
    server?.kill('SIGKILL');
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Starts `atelier serve`, waits for /health, returns what it printed so far. */
  async function start(): Promise<string> {
    const child = spawn(process.execPath, [BIN, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    server = child;
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`server exited: ${out}`);
      const ok = await fetch(`${url}/health`)
        .then((r) => r.status === 200)
        .catch(() => false);
      if (ok) return out;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`server did not become healthy: ${out}`);
  }

  async function stop(): Promise<void> {
    const child = server!;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    server = undefined;
  }

  const cli = (...args: string[]) => run(process.execPath, [BIN, ...args], { env });

  test('first start bootstraps and prints the credential once; the file is 0600', async () => {
    const out = await start();
    const creds = JSON.parse(readFileSync(join(dataDir, 'credentials.json'), 'utf8')) as Record<string, string>;
    assert.equal(statSync(join(dataDir, 'credentials.json')).mode & 0o777, 0o600);
    assert.match(creds.project_id!, /^[0-9a-f]{32}$/);
    assert.ok(creds.ak && creds.sk);
    assert.ok(out.includes(creds.project_id!) && out.includes(creds.ak!), 'printed');
    const client = new AtelierClient(url, { kind: 'aksk', ak: creds.ak!, sk: creds.sk!, projectId: creds.project_id! });
    assert.deepEqual(await client.authorizations.list(), { total_count: 0, auth: [] });
  });

  test('`atelier call` sends a signed request with the bootstrap credential', async () => {
    const { project_id } = JSON.parse(readFileSync(join(dataDir, 'credentials.json'), 'utf8')) as Record<string, string>;
    const { stdout } = await cli('call', 'POST', `/v2/${project_id}/agency`, '--body', '{"agency_name_suffix":"cli"}');
    assert.match(stdout, /HTTP 200/);
    assert.match(stdout, /ma_agency_cli/);
  });

  test('a restart reuses the credential and prints nothing secret', async () => {
    const before = readFileSync(join(dataDir, 'credentials.json'), 'utf8');
    await stop();
    const out = await start();
    assert.equal(readFileSync(join(dataDir, 'credentials.json'), 'utf8'), before);
    const creds = JSON.parse(before) as Record<string, string>;
    assert.ok(!out.includes(creds.sk!), 'SK not printed again');
    const client = new AtelierClient(url, { kind: 'aksk', ak: creds.ak!, sk: creds.sk!, projectId: creds.project_id! });
    assert.equal((await client.authorizations.list()).total_count, 0);
  });

  test('admin commands create users, projects and credentials that work at once', async () => {
    await cli('user', 'create', '--domain', 'atelier', '--name', 'bob', '--password', 'password-123');
    const project = JSON.parse((await cli('project', 'create', '--domain', 'atelier', '--name', 'team-b', '--user', 'bob')).stdout) as { id: string };
    const key = JSON.parse((await cli('credential', 'create', '--domain', 'atelier', '--user', 'bob')).stdout) as { ak: string; sk: string };
    const bob = new AtelierClient(url, { kind: 'aksk', ak: key.ak, sk: key.sk, projectId: project.id });
    assert.equal((await bob.resourceConfig.quotas()).quotas.resources.length, 2);
    const creds = JSON.parse(readFileSync(join(dataDir, 'credentials.json'), 'utf8')) as Record<string, string>;
    const res = await bob.http.withAuth({ kind: 'aksk', ak: key.ak, sk: key.sk, projectId: creds.project_id! }).raw('GET', '/v1/{project_id}/quotas');
    assert.equal(res.status, 403, 'bob is not a member of the bootstrap project');

    const users = JSON.parse((await cli('user', 'list')).stdout) as Array<{ name: string }>;
    assert.deepEqual(users.map((u) => u.name).sort(), ['admin', 'bob']);
    const keys = JSON.parse((await cli('credential', 'list')).stdout) as Array<{ ak: string }>;
    assert.ok(keys.some((k) => k.ak === key.ak));
    assert.ok(!JSON.stringify(keys).includes(key.sk), 'SKs are never listed');
    await cli('credential', 'delete', '--ak', key.ak);
    await new Promise((r) => setTimeout(r, 5100)); // the server caches AK lookups for 5 s
    assert.equal((await bob.http.raw('GET', '/v1/{project_id}/quotas')).status, 401);
  });

  test('`atelier call` signs a query written into the path as a query', async () => {
    const { project_id } = JSON.parse(readFileSync(join(dataDir, 'credentials.json'), 'utf8')) as Record<string, string>;
    for (const path of [`/v2/${project_id}/datasets?limit=1`, `/v2/{project_id}/datasets?offset=0&limit=2`]) {
      const { stdout } = await cli('call', 'GET', path);
      assert.match(stdout, /^HTTP 200/, path);
      assert.match(stdout, /"total_number"/);
    }
    // The query is really applied: a limit out of range is the API's 400, not a signature failure.
    await assert.rejects(cli('call', 'GET', `/v2/${project_id}/datasets?limit=0`), (e: { code: number; stdout: string }) => {
      assert.equal(e.code, 1);
      assert.match(e.stdout, /HTTP 400/);
      assert.match(e.stdout, /limit/);
      return true;
    });
  });

  test('project remove-member takes a user out of a project, and the server refuses them', async () => {
    await cli('user', 'create', '--domain', 'atelier', '--name', 'carol', '--password', 'password-123');
    const project = JSON.parse((await cli('project', 'create', '--domain', 'atelier', '--name', 'team-c', '--user', 'carol')).stdout) as { id: string };
    const key = JSON.parse((await cli('credential', 'create', '--domain', 'atelier', '--user', 'carol')).stdout) as { ak: string; sk: string };
    const carol = new AtelierClient(url, { kind: 'aksk', ak: key.ak, sk: key.sk, projectId: project.id });
    assert.equal((await carol.http.raw('GET', '/v1/{project_id}/quotas')).status, 200);
    const anonymous = new AtelierClient(url, { kind: 'none', projectId: project.id });
    const issued = await anonymous.iam.issueToken({ domain: 'atelier', user: 'carol', password: 'password-123', project: { id: project.id } });
    const carolByToken = new AtelierClient(url, { kind: 'token', token: issued.token, projectId: project.id });
    assert.equal((await carolByToken.http.raw('GET', '/v1/{project_id}/quotas')).status, 200);

    const { stdout } = await cli('project', 'remove-member', '--domain', 'atelier', '--project', 'team-c', '--user', 'carol');
    assert.deepEqual(JSON.parse(stdout), { result: 'ok' });
    // The server sees another process's write within its cache bounds (5 s at most).
    const deadline = Date.now() + 15_000;
    let status = 200;
    while (Date.now() < deadline && (status = (await carol.http.raw('GET', '/v1/{project_id}/quotas')).status) === 200)
      await new Promise((r) => setTimeout(r, 100));
    assert.equal(status, 403);
    // Her token for the project ended with the membership.
    while (Date.now() < deadline && (status = (await carolByToken.http.raw('GET', '/v1/{project_id}/quotas')).status) === 200)
      await new Promise((r) => setTimeout(r, 100));
    assert.equal(status, 401);

    await assert.rejects(
      cli('project', 'remove-member', '--domain', 'atelier', '--project', 'team-c', '--user', 'carol'),
      (e: { code: number; stderr: string }) => {
        assert.equal(e.code, 2);
        assert.match(e.stderr, /not a member/);
        return true;
      },
    );
    await assert.rejects(cli('project', 'remove-member', '--domain', 'atelier', '--project', 'team-c'), (e: { code: number; stderr: string }) => {
      assert.equal(e.code, 2);
      assert.match(e.stderr, /--user is required/);
      return true;
    });
  });

  test('bad admin input exits 2 with a message', async () => {
    await assert.rejects(cli('user', 'create', '--domain', 'atelier', '--name', 'bad name!'), (e: { code: number; stderr: string }) => {
      assert.equal(e.code, 2);
      assert.match(e.stderr, /user name/);
      return true;
    });
    await assert.rejects(cli('frobnicate', 'now'), (e: { code: number }) => e.code === 2);
  });

  const creds = () => JSON.parse(readFileSync(join(dataDir, 'credentials.json'), 'utf8')) as Record<string, string>;
  const fails = (code: number, pattern: RegExp) => (e: { code: number; stderr: string }) => {
    assert.equal(e.code, code, e.stderr);
    assert.match(e.stderr, pattern);
    assert.doesNotMatch(e.stderr, /\n\s+at /, 'no stack trace');
    return true;
  };

  test('commands say on stderr which data directory and database they use; stdout stays JSON', async () => {
    const { stdout, stderr } = await cli('user', 'list');
    assert.ok(Array.isArray(JSON.parse(stdout)));
    assert.ok(stderr.includes(`data directory ${dataDir}`), stderr);
    assert.match(stderr, /database (sqlite:|postgres)/);
    assert.doesNotMatch(stderr, /:[^:@/]+@/, 'a database password is not printed');
  });

  test('no command but serve creates a data directory or a database', async () => {
    const missing = join(dataDir, 'no-such-dir');
    await assert.rejects(
      run(process.execPath, [BIN, 'user', 'list'], { env: { ...env, ATELIER_DATA_DIR: missing } }),
      fails(2, /no data directory at .*ATELIER_DATA_DIR/),
    );
    await assert.rejects(run(process.execPath, [BIN, 'domain', 'create', '--name', 'x', '--data-dir', missing]), fails(2, /no data directory/));
    assert.equal(existsSync(missing), false);
    const empty = mkdtempSync(join(tmpdir(), 'atelier-cli-empty-'));
    try {
      const noDb = { ...env, ATELIER_DATA_DIR: empty, ATELIER_DATABASE_URL: '' };
      await assert.rejects(run(process.execPath, [BIN, 'user', 'list'], { env: noDb }), fails(2, /no database at .*atelier\.db/));
      await assert.rejects(run(process.execPath, [BIN, 'bucket', 'list'], { env: noDb }), fails(2, /no database/));
      assert.deepEqual(readdirSync(empty), []);
      await assert.rejects(
        run(process.execPath, [BIN, 'call', 'GET', '/v2/{project_id}/datasets'], { env: noDb }),
        fails(2, /no credentials file at .*credentials\.json/),
      );
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  test('`atelier call` uses the endpoint recorded in credentials.json', async () => {
    assert.equal(creds().endpoint, url);
    // --port / ATELIER_PORT point elsewhere: the recorded endpoint wins.
    const { stdout, stderr } = await run(process.execPath, [BIN, 'call', 'GET', '/v2/{project_id}/authorizations'], { env: { ...env, ATELIER_PORT: '1' } });
    assert.match(stdout, /^HTTP 200/);
    assert.ok(stderr.includes(url), stderr);
    // --endpoint wins over the file.
    await assert.rejects(
      cli('call', 'GET', '/v2/{project_id}/authorizations', '--endpoint', 'http://127.0.0.1:1'),
      fails(2, /no Atelier server answers at http:\/\/127\.0\.0\.1:1/),
    );
  });

  test('`atelier call` signs queries with several parameters and characters that need encoding', async () => {
    for (const query of [
      'limit=2&offset=0&search_content=a%20b',
      'search_content=%E4%B8%AD%E6%96%87&limit=3',
      "search_content=x*y~z_(1)!'&limit=1",
      'search_content=a+b&limit=1&offset=0',
      'limit=1&search_content=%2F%3F%26%3D',
    ]) {
      const { stdout } = await cli('call', 'GET', `/v2/{project_id}/datasets?${query}`);
      assert.match(stdout, /^HTTP 200/, query);
    }
  });

  test('credential create prints the project id; --profile saves it for `call`, --ak/--sk act as another user', async () => {
    await cli('user', 'create', '--domain', 'atelier', '--name', 'gus', '--password', 'password-123');
    const project = JSON.parse((await cli('project', 'create', '--domain', 'atelier', '--name', 'team-g', '--user', 'gus')).stdout) as { id: string };
    const { stdout, stderr } = await cli('credential', 'create', '--domain', 'atelier', '--user', 'gus', '--profile', 'gus');
    const key = JSON.parse(stdout) as { ak: string; sk: string; project_id: string; projects: Array<{ id: string; name: string }> };
    assert.equal(key.project_id, project.id);
    assert.deepEqual(key.projects, [{ id: project.id, name: 'team-g' }]);
    assert.match(stderr, /profile gus/);
    assert.equal(statSync(join(dataDir, 'profiles', 'gus.json')).mode & 0o777, 0o600);

    const asGus = await cli('call', 'GET', '/v1/{project_id}/quotas', '--profile', 'gus');
    assert.match(asGus.stdout, /^HTTP 200/);
    assert.ok(asGus.stderr.includes(key.ak) && asGus.stderr.includes(project.id), asGus.stderr);
    const direct = await cli('call', 'GET', '/v1/{project_id}/quotas', '--ak', key.ak, '--sk', key.sk, '--project', project.id);
    assert.match(direct.stdout, /^HTTP 200/);
    // Gus in the bootstrap project (the default project of --ak/--sk): not a member.
    await assert.rejects(cli('call', 'GET', '/v1/{project_id}/quotas', '--ak', key.ak, '--sk', key.sk), (e: { code: number; stdout: string }) => {
      assert.equal(e.code, 1);
      assert.match(e.stdout, /^HTTP 403/);
      return true;
    });
    await assert.rejects(cli('call', 'GET', '/v1/{project_id}/quotas', '--profile', 'nobody'), fails(2, /no profile nobody/));
    await assert.rejects(cli('call', 'GET', '/v1/{project_id}/quotas', '--ak', key.ak), fails(2, /--ak and --sk go together/));
    // Two projects: the id is named with --project, or listed.
    await cli('project', 'create', '--domain', 'atelier', '--name', 'team-g2', '--user', 'gus');
    const two = JSON.parse((await cli('credential', 'create', '--domain', 'atelier', '--user', 'gus')).stdout) as { project_id?: string; projects: unknown[] };
    assert.equal(two.project_id, undefined);
    assert.equal(two.projects.length, 2);
    const named = JSON.parse((await cli('credential', 'create', '--domain', 'atelier', '--user', 'gus', '--project', 'team-g2')).stdout) as {
      project_id: string;
    };
    assert.notEqual(named.project_id, project.id);
  });

  /** Polls until the server gives `want` (another process's identity change is seen within 5 s). */
  async function until(want: number, probe: () => Promise<number>): Promise<void> {
    const deadline = Date.now() + 15_000;
    let got = await probe();
    while (got !== want && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      got = await probe();
    }
    assert.equal(got, want);
  }

  test('user reset-password and user delete: what they take away no longer lets anyone in', async () => {
    await cli('user', 'create', '--domain', 'atelier', '--name', 'hal', '--password', 'password-123');
    const project = JSON.parse((await cli('project', 'create', '--domain', 'atelier', '--name', 'team-h', '--user', 'hal')).stdout) as { id: string };
    const key = JSON.parse((await cli('credential', 'create', '--domain', 'atelier', '--user', 'hal')).stdout) as { ak: string; sk: string };
    const anon = new AtelierClient(url, { kind: 'none', projectId: project.id });
    const login = (password: string) =>
      anon.iam.issueToken({ domain: 'atelier', user: 'hal', password, project: { name: 'team-h' } }).then(
        (r) => r.token,
        () => undefined,
      );
    const token = await login('password-123');
    assert.ok(token);
    const byToken = new AtelierClient(url, { kind: 'token', token, projectId: project.id });
    const byKey = new AtelierClient(url, { kind: 'aksk', ak: key.ak, sk: key.sk, projectId: project.id });
    const quotas = async (c: AtelierClient) => (await c.http.raw('GET', '/v1/{project_id}/quotas')).status;

    const reset = JSON.parse((await cli('user', 'reset-password', '--domain', 'atelier', '--name', 'hal')).stdout) as { password: string };
    assert.ok(reset.password.length >= 16);
    assert.equal(await quotas(byToken), 401, 'tokens end with the old password');
    assert.equal(await login('password-123'), undefined);
    assert.ok(await login(reset.password));

    const deleted = JSON.parse((await cli('user', 'delete', '--domain', 'atelier', '--name', 'hal')).stdout) as { deleted: string; name: string };
    assert.deepEqual([deleted.deleted, deleted.name], ['user', 'hal']);
    await until(401, () => quotas(byKey));
    assert.equal(await login(reset.password), undefined);
    const keys = JSON.parse((await cli('credential', 'list')).stdout) as Array<{ ak: string }>;
    assert.ok(!keys.some((k) => k.ak === key.ak));
    await assert.rejects(cli('user', 'delete', '--domain', 'atelier', '--name', 'hal'), fails(2, /no user hal/));
  });

  test('project delete: refused while the project holds work, then it goes with its memberships', async () => {
    await cli('user', 'create', '--domain', 'atelier', '--name', 'ivy', '--password', 'password-123');
    const project = JSON.parse((await cli('project', 'create', '--domain', 'atelier', '--name', 'team-i', '--user', 'ivy')).stdout) as { id: string };
    await cli('credential', 'create', '--domain', 'atelier', '--user', 'ivy', '--profile', 'ivy');
    const { stdout } = await cli('call', 'POST', '/v2/{project_id}/agency', '--profile', 'ivy', '--body', '{"agency_name_suffix":"ivy"}');
    assert.match(stdout, /^HTTP 200/);
    mkdirSync(join(dataDir, 'obs', 'ivy-data', 'in'), { recursive: true });
    const body = {
      workspace_id: '0',
      description: '',
      dataset_name: 'ivy-d',
      dataset_type: 0,
      data_sources: [{ data_type: 0, data_path: '/ivy-data/in/' }],
      work_path: '/ivy-data/out/',
      work_path_type: 0,
    };
    const created = await cli('call', 'POST', '/v2/{project_id}/datasets', '--profile', 'ivy', '--body', JSON.stringify(body));
    const datasetId = (JSON.parse(created.stdout.replace(/^HTTP \d+\n/, '')) as { dataset_id: string }).dataset_id;
    await assert.rejects(
      cli('project', 'delete', '--domain', 'atelier', '--project', 'team-i'),
      fails(2, /still holds .*datasets: 1; delete those through the API first/),
    );
    assert.match((await cli('call', 'DELETE', `/v2/{project_id}/datasets/${datasetId}`, '--profile', 'ivy')).stdout, /^HTTP 20/);
    const deleted = JSON.parse((await cli('project', 'delete', '--domain', 'atelier', '--project', 'team-i')).stdout) as { deleted: string; id: string };
    assert.deepEqual(deleted, { deleted: 'project', id: project.id, name: 'team-i' });
    await until(403, async () => {
      const r = await cli('call', 'GET', '/v1/{project_id}/quotas', '--profile', 'ivy').catch((e: { stdout: string }) => e);
      return Number(/^HTTP (\d+)/.exec(r.stdout)?.[1]);
    });
    const projects = JSON.parse((await cli('project', 'list')).stdout) as Array<{ name: string }>;
    assert.ok(!projects.some((p) => p.name === 'team-i'));

    await assert.rejects(cli('project', 'delete', '--domain', 'atelier', '--project', 'team-i'), fails(2, /no project team-i/));
  });

  test('stops on SIGTERM', async () => {
    await stop();
    const res = await fetch(`${url}/health`).catch(() => undefined);
    assert.equal(res, undefined);
  });

  test('`atelier call` with the server down says so plainly', async () => {
    await assert.rejects(cli('call', 'GET', '/v2/{project_id}/authorizations'), fails(2, /no Atelier server answers at .*connection refused.*atelier serve/));
    await assert.rejects(cli('service', 'list'), fails(2, /no Atelier server answers/));
  });
});
