// The command line as a user runs it: first start, credentials file, restart, admin commands.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
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

    const { stdout } = await cli('project', 'remove-member', '--domain', 'atelier', '--project', 'team-c', '--user', 'carol');
    assert.deepEqual(JSON.parse(stdout), { result: 'ok' });
    // The server sees another process's write within its cache bounds (5 s at most).
    const deadline = Date.now() + 15_000;
    let status = 200;
    while (Date.now() < deadline && (status = (await carol.http.raw('GET', '/v1/{project_id}/quotas')).status) === 200)
      await new Promise((r) => setTimeout(r, 100));
    assert.equal(status, 403);

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

  test('stops on SIGTERM', async () => {
    await stop();
    const res = await fetch(`${url}/health`).catch(() => undefined);
    assert.equal(res, undefined);
  });
});
