// Restart safety: the server is killed (SIGKILL) while jobs run or wait; the next start reconciles
// every non-terminal job: running processes are adopted, vanished ones fail with a reason, queued
// jobs keep their place.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { AtelierClient } from '#src/client/index.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { ended, phaseIs, waitForJob, PY_ENGINE } from './helpers.ts';

const BUCKET = 'restart-bucket';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

describe('restart safety of training jobs', () => {
  let dataDir: string;
  let db: TestDatabase;
  let server: ChildProcess | undefined;
  let client: AtelierClient;

  const start = async (): Promise<AtelierClient> => {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/main.ts',
        'serve',
        '--data-dir',
        dataDir,
        '--database-url',
        db.url,
        '--port',
        String(port),
        '--log-level',
        'warn',
        '--local-pool-cpu-overcommit',
        '1',
      ],
      {
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    server = child;
    const url = `http://127.0.0.1:${port}`;
    const until = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) assert.fail(`the server exited with ${child.exitCode}`);
      const ok = await fetch(`${url}/health`).then(
        (r) => r.status < 500,
        () => false,
      );
      if (ok && existsSync(join(dataDir, 'credentials.json'))) break;
      if (Date.now() > until) assert.fail('the server did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    const creds = JSON.parse(readFileSync(join(dataDir, 'credentials.json'), 'utf8')) as { ak: string; sk: string; project_id: string };
    return new AtelierClient(url, { kind: 'aksk', ak: creds.ak, sk: creds.sk, projectId: creds.project_id });
  };

  const kill = async () => {
    const s = server!;
    const gone = new Promise((r) => s.once('exit', r));
    s.kill('SIGKILL');
    await gone;
    server = undefined;
  };

  const put = (key: string, body: string) => {
    const file = join(dataDir, 'obs', BUCKET, key);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, body);
  };

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'atelier-restart-'));
    db = await createTestDatabase();
    put(
      'code/sleepy.py',
      'import sys, time\nprint("started", flush=True)\ntime.sleep(float(sys.argv[1].split("=")[1]))\nprint("woke up", flush=True)\nopen(sys.argv[2].split("=")[1] + "/done.txt", "w").write("ok")\n',
    );
    client = await start();
  });
  after(async () => {
    if (server) await kill();
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const job = async (name: string, seconds: number, nodes = 1, flavor = 'modelarts.vm.cpu.1u') =>
    (
      await client.training.createJob({
        metadata: { name },
        algorithm: {
          code_dir: `/${BUCKET}/code/`,
          boot_file: `/${BUCKET}/code/sleepy.py`,
          engine: { engine_id: PY_ENGINE },
          parameters: [{ name: 'sleep', value: String(seconds) }],
          outputs: [{ name: 'train_url', remote: { obs: { obs_url: `/${BUCKET}/out/${name}/` } } }],
        },
        spec: { resource: { flavor_id: flavor, node_count: nodes } },
      })
    ).metadata.id;

  test('a job running when the server is killed is adopted and completes; a queued job keeps its place', async () => {
    const flavors = (await client.training.flavors()).flavors;
    const whole = flavors.reduce((a, b) => (b.flavor_info.cpu!.core_num * b.max_num >= a.flavor_info.cpu!.core_num * a.max_num ? b : a));
    const running = await job('adopted', 3, whole.max_num, whole.flavor_id);
    const queued = await job('queued', 0);
    await waitForJob(client, running, phaseIs('Running'));
    // The scheduler sees the second job a moment after its create; it must then queue, not run.
    await waitForJob(client, queued, (j) => j.status.secondary_phase === 'Queuing', 10_000);
    // Wait for the script itself, so the kill comes mid-run rather than mid-staging.
    const until = Date.now() + 15_000;
    while (!(await client.training.logPreview(running)).content.includes('started') && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    await kill();
    client = await start();
    const done = await waitForJob(client, running, ended, 30_000);
    assert.equal(done.status.phase, 'Completed', JSON.stringify(done.status));
    const log = (await client.training.logPreview(running)).content;
    assert.match(log, /server restarted; job adopted/);
    assert.match(log, /woke up/);
    assert.equal(readFileSync(join(dataDir, 'obs', BUCKET, 'out/adopted/done.txt'), 'utf8'), 'ok');
    const q = await waitForJob(client, queued, ended, 30_000);
    assert.equal(q.status.phase, 'Completed');
    assert.ok(Number(q.status.start_time) >= Number(done.status.start_time) + done.status.duration - 50, 'the queued job started once the pool was free');
  });

  test('a job whose processes vanished while the server was down ends Failed with a reason', async () => {
    const id = await job('vanished', 30);
    await waitForJob(client, id, phaseIs('Running'));
    const until = Date.now() + 15_000;
    while (!(await client.training.logPreview(id)).content.includes('started') && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    await kill();
    const [pid] = readFileSync(join(dataDir, 'training', 'jobs', id, 'tasks', 'worker-0', 'pid'), 'utf8').split(' ');
    process.kill(-Number(pid), 'SIGKILL');
    client = await start();
    const done = await waitForJob(client, id, ended, 30_000);
    assert.equal(done.status.phase, 'Failed');
    assert.equal(done.status.task_statuses?.[0]?.message, 'the process ended without an exit status');
  });
});
