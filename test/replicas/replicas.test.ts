// Three `atelier serve` processes on one PostgreSQL database and one S3 store (s3rver), behind a
// round-robin proxy: a dataset import, a version publish and a training job run on one replica,
// which is killed with SIGKILL; the others take the job and both tasks over, and all of it completes
// once, with nothing lost or doubled. The replicas
// share one data directory: with the local executor a training job's folder, logs and exit codes
// live there, and the replica that takes over a dead one's job reads them to adopt it; the master
// key in it must be the same for all anyway.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { createProxyServer } from 'http-proxy-3';
import pg from 'pg';
import { AtelierClient } from '#src/client/index.ts';
import { ApiClientError } from '#src/client/http-client.ts';
import { IDENTITY_CACHE_MS } from '#src/auth/identity-service.ts';
import { iamOperations as iam } from '#src/auth/iam-operations.ts';
import { dataTransferOperations as transfer } from '#src/modules/data-transfer/operations.ts';
import { createObjectStore, type ObjectStore } from '#src/storage/index.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { createBody, eventually, PNG } from '../datasets/fixtures.ts';
import { CPU1, PY_ENGINE } from '../training-jobs/helpers.ts';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'atelier.mjs');
const onPostgres = (process.env.ATELIER_TEST_DATABASE_URL ?? '').startsWith('postgres');
const SKIP = onPostgres ? false : 'several replicas need a shared PostgreSQL: set ATELIER_TEST_DATABASE_URL=postgres://...';
const BUCKET = 'replica-bkt';
const FILES = 1200;
const LEASE_S = 3;

const SCRIPT = `
import os, sys, time, uuid
args = dict(a[2:].split("=", 1) for a in sys.argv[1:])
print("run started", flush=True)
with open(os.path.join(args["train_url"], "run-%s.txt" % uuid.uuid4().hex), "w") as f:
    f.write("one run")
time.sleep(float(args.get("sleep", "0")))
print("run ended", flush=True)
`;

/** The pids above `pid` in the process tree, nearest first. */
function ancestors(pid: number): number[] {
  const out: number[] = [];
  for (let p = pid; p > 1;) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      p = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      out.push(p);
    } catch {
      break;
    }
  }
  return out;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

interface Replica {
  port: number;
  url: string;
  child: ChildProcess;
  output: string;
  /** Taken out of the proxy's rotation (as a load balancer's health check would). */
  down: boolean;
}

describe('several replicas on one PostgreSQL and one S3 store', { skip: SKIP }, () => {
  let db: TestDatabase;
  let sql: pg.Client;
  let dataDir: string;
  let s3dir: string;
  let s3: S3rver;
  let raw: ObjectStore;
  let env: NodeJS.ProcessEnv;
  const replicas: Replica[] = [];
  let proxyServer: Server;
  let client: AtelierClient;
  let creds: { ak: string; sk: string; project_id: string };

  async function startReplica(): Promise<Replica> {
    const port = await freePort();
    const child = spawn(process.execPath, [BIN, 'serve'], { env: { ...env, ATELIER_PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
    const r: Replica = { port, url: `http://127.0.0.1:${port}`, child, output: '', down: false };
    child.stdout?.on('data', (d: Buffer) => (r.output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (r.output += d.toString()));
    replicas.push(r);
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`replica on ${port} exited: ${r.output}`);
      const ok = await fetch(`${r.url}/health`)
        .then((res) => res.status === 200)
        .catch(() => false);
      if (ok) return r;
      assert.ok(Date.now() < deadline, `replica on ${port} did not answer /health: ${r.output}`);
      await new Promise((res) => setTimeout(res, 100));
    }
  }

  const clientOf = (url: string, ak = creds.ak, sk = creds.sk) => new AtelierClient(url, { kind: 'aksk', ak, sk, projectId: creds.project_id });
  const query = async <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) => (await sql.query<T>(text, values)).rows;

  before(async () => {
    db = await createTestDatabase();
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    dataDir = mkdtempSync(join(tmpdir(), 'atelier-replicas-'));
    s3dir = mkdtempSync(join(tmpdir(), 'atelier-replicas-s3-'));
    s3 = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: s3dir });
    const { port: s3port } = (await s3.run()) as { port: number };
    const endpoint = `http://127.0.0.1:${s3port}`;
    raw = createObjectStore({
      kind: 's3',
      endpoint,
      region: 'us-east-1',
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
      forcePathStyle: true,
      bucketMap: {},
    });
    env = {
      ...process.env,
      ATELIER_DATA_DIR: dataDir,
      ATELIER_DATABASE_URL: db.url,
      ATELIER_OBJECT_STORE: 's3',
      ATELIER_S3_ENDPOINT: endpoint,
      ATELIER_S3_ACCESS_KEY: 'S3RVER',
      ATELIER_S3_SECRET_KEY: 'S3RVER',
      ATELIER_LOG_LEVEL: 'warn',
      ATELIER_RECONCILE_LEASE: String(LEASE_S),
      ATELIER_TASK_LEASE: String(LEASE_S),
    };
    // The first start bootstraps the database; the others find it done.
    await startReplica();
    await Promise.all([startReplica(), startReplica()]);
    creds = JSON.parse(readFileSync(join(dataDir, 'credentials.json'), 'utf8')) as typeof creds;

    // The test's load balancer: round robin over the replicas in rotation.
    const proxy = createProxyServer({});
    let next = 0;
    proxy.on('error', (_err, _req, res) => {
      if (res && 'writeHead' in res && !res.headersSent) res.writeHead(502).end();
    });
    proxyServer = createHttpServer((req, res) => {
      const live = replicas.filter((r) => !r.down);
      const target = live[next++ % live.length]!;
      proxy.web(req, res, { target: target.url });
    });
    await new Promise<void>((resolve) => proxyServer.listen(0, '127.0.0.1', resolve));
    client = clientOf(`http://127.0.0.1:${(proxyServer.address() as AddressInfo).port}`);
  });

  after(async () => {
    const running = replicas.filter((r) => r.child.exitCode === null && r.child.signalCode === null);
    const exited = running.map((r) => new Promise((res) => r.child.once('exit', res)));
    for (const r of running) r.child.kill('SIGTERM');
    const forced = setTimeout(() => running.forEach((r) => r.child.kill('SIGKILL')), 20_000);
    await Promise.all(exited);
    clearTimeout(forced);
    proxyServer?.closeAllConnections();
    proxyServer?.close();
    await sql?.end();
    await raw?.close();
    await s3?.close();
    await db?.drop();
    rmSync(s3dir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('an import, a version publish and a training job finish once although a replica is killed', async (t) => {
    await raw.ensureBucket(BUCKET);
    await raw.put(BUCKET, 'start/first.png', PNG);
    for (let i = 0; i < FILES; i += 50) {
      await Promise.all(
        Array.from({ length: 50 }, (_, j) => raw.put(BUCKET, `more/${(i + j) % 2 ? 'cat' : 'dog'}/f${String(i + j).padStart(5, '0')}.png`, PNG)),
      );
    }
    await raw.put(BUCKET, 'code/train.py', SCRIPT);

    t.diagnostic(`${FILES} files in the store`);
    // One dataset takes the import; another, already holding the files, is published (a dataset
    // refuses an import while it publishes).
    const published = (await client.datasets.create(createBody('published', `/${BUCKET}/more/`, `/${BUCKET}/pub-out/`))).dataset_id;
    const { dataset_id } = await client.datasets.create(createBody('replicated', `/${BUCKET}/start/`, `/${BUCKET}/out/`));
    await eventually(
      'dataset to publish ready',
      () => client.datasets.describe(published),
      (d) => d.status === 1 && d.total_sample_count === FILES,
      60_000,
    );
    await eventually(
      'dataset ready',
      () => client.datasets.describe(dataset_id),
      (d) => d.status === 1,
      60_000,
    );

    // Three pieces of work at once. The proxy's round robin sends every third request to the same
    // replica: the job, the import and the publish all go to one (two other calls between them), which
    // starts the job's process and claims both tasks at once (an enqueue wakes the local worker).
    const between = async () => {
      for (let i = 0; i < replicas.length - 1; i++) await client.datasets.describe(dataset_id);
    };
    const job = await client.training.createJob({
      kind: 'job',
      metadata: { name: 'replicated-job', description: 'runs while a replica dies' },
      algorithm: {
        code_dir: `/${BUCKET}/code/`,
        boot_file: `/${BUCKET}/code/train.py`,
        engine: { engine_id: PY_ENGINE },
        parameters: [{ name: 'sleep', value: '6' }],
        outputs: [{ name: 'train_url', remote: { obs: { obs_url: `/${BUCKET}/job-out/` } } }],
      },
      spec: { resource: { flavor_id: CPU1, node_count: 1 } },
    });
    const jobId = job.metadata.id;

    // The victim: the replica that launched the job's process (its ancestor), killed while the job
    // runs and while it holds the import and publish tasks, which the others must take again.
    const [launched] = await eventually(
      'the job process started',
      () => query<{ processes: string }>('select processes from training_jobs where id = $1', [jobId]),
      (rows) => (JSON.parse(rows[0]?.processes ?? '[]') as unknown[]).length > 0,
      30_000,
    );
    const jobPid = (JSON.parse(launched!.processes) as { pid: number }[])[0]!.pid;
    const victim = replicas.find((r) => ancestors(jobPid).includes(r.child.pid!));
    assert.ok(victim, `the job's process ${jobPid} descends from a replica`);
    await between();
    const { task_id } = await client.http.op(transfer.ImportTask, { params: { dataset_id }, body: { import_path: `/${BUCKET}/more/` } });
    await between();
    const { version_id } = await client.datasets.createVersion(published, { version_name: 'V001' });
    const held = await query<{ id: string; name: string }>(`select id, name from tasks where status = 'running' and lease_owner like $1`, [
      `%:${victim.port}/%`,
    ]);
    victim.down = true;
    victim.child.kill('SIGKILL');
    await new Promise((res) => victim.child.once('exit', res));
    const victimPort = victim.port;
    const killedAt = Date.now();
    t.diagnostic(`killed replica ${victimPort}, which ran the job and the tasks [${held.map((h) => h.name).join(', ')}]`);

    const imported = await eventually(
      'the import finished',
      () => client.datasets.describeImportTask(dataset_id, task_id),
      (x) => x.status === 'COMPLETED' || x.status === 'FAILED',
      90_000,
    );
    assert.equal(imported.status, 'COMPLETED', imported.error_msg);
    assert.equal(imported.imported_sample_count, FILES, 'every file imported, none twice');
    const version = await eventually(
      'the version published',
      () => client.datasets.describeVersion(published, version_id),
      (v) => v.status !== 0,
      90_000,
    );
    assert.equal(version.status, 1, `version status ${version.status}`);
    const done = await eventually(
      'the job ended',
      () => client.training.getJob(jobId),
      (j) => ['Completed', 'Failed', 'Terminated', 'Abnormal'].includes(j.status.phase),
      90_000,
    );
    assert.equal(done.status.phase, 'Completed', JSON.stringify(done.status));
    t.diagnostic(`everything done ${Math.round((Date.now() - killedAt) / 1000)} s after the kill`);

    // Counted in the database and the store: nothing lost, nothing doubled.
    const [samples] = await query<{ n: number; distinct: number }>(
      'select count(*)::int as n, count(distinct source)::int as distinct from samples where dataset_id = $1',
      [dataset_id],
    );
    assert.deepEqual(samples, { n: FILES + 1, distinct: FILES + 1 });
    assert.equal((await client.datasets.describe(dataset_id)).total_sample_count, FILES + 1);
    assert.equal(version.total_sample_count, FILES, 'the version holds every sample once');
    const versions = await client.datasets.listVersions(published);
    assert.equal(versions.versions.length, 1, 'one version');
    assert.equal((await query(`select id from tasks where status not in ('succeeded') and status <> 'cancelled'`)).length, 0, 'no task left over or failed');
    const runs = (await raw.list(BUCKET, { prefix: 'job-out/' })).objects.filter((o) => /run-[0-9a-f]+\.txt$/.test(o.key));
    assert.equal(runs.length, 1, 'the job ran once, not twice');
    const [jobRow] = await query<{ processes: string }>('select processes from training_jobs where id = $1', [jobId]);
    assert.equal((JSON.parse(jobRow!.processes) as unknown[]).length, 1, 'one process launched');

    // The dead replica's tasks and reconcilers are someone else's now.
    for (const h of held) {
      const [retaken] = await query<{ status: string; attempts: number }>('select status, attempts from tasks where id = $1', [h.id]);
      assert.deepEqual(retaken, { status: 'succeeded', attempts: 2 }, `the dead replica's task ${h.name} was taken again once, and finished`);
    }
    // Its leases are taken over once they expire, at a live replica's next pass of each reconciler (a loaded machine
    // can delay that pass past the time the work above took).
    const leases = await eventually(
      `no lease held by the killed replica (port ${victimPort})`,
      () => query<{ name: string; owner: string }>('select name, owner from leases'),
      (rows) => rows.every((o) => !o.owner.endsWith(`:${victimPort}`)),
      6 * LEASE_S * 1000,
    );
    assert.ok(leases.length > 0);
  });

  test("an access key deleted through one replica is refused by the others within the identity cache's bound", async () => {
    const live = replicas.filter((r) => !r.down);
    const own = await client.http.op(iam.ListPermanentAccessKeys, {});
    const userId = own.credentials[0]!.user_id;
    const made = await client.http.op(iam.CreatePermanentAccessKey, { body: { credential: { user_id: userId, description: 'short-lived' } } });
    const { access, secret } = made.credential;
    // Every replica has the key in its cache before it goes.
    for (const r of live) assert.ok(Array.isArray((await clientOf(r.url, access, secret).datasets.list()).datasets));
    await clientOf(live[0]!.url).http.op(iam.DeletePermanentAccessKey, { params: { access_key: access } });
    const deletedAt = Date.now();
    await Promise.all(
      live.map(async (r) => {
        for (;;) {
          const refused = await clientOf(r.url, access, secret)
            .datasets.list()
            .then(() => false)
            .catch((e: unknown) => e instanceof ApiClientError && e.status === 401);
          if (refused) return;
          assert.ok(Date.now() - deletedAt < IDENTITY_CACHE_MS + 1000, `replica ${r.port} still accepts the key`);
          await new Promise((res) => setTimeout(res, 50));
        }
      }),
    );
  });

  test("each live replica's /health and /metrics answer", async () => {
    for (const r of replicas.filter((x) => !x.down)) {
      const health = await fetch(`${r.url}/health`);
      assert.equal(health.status, 200);
      const metrics = await fetch(`${r.url}/metrics`);
      assert.equal(metrics.status, 200);
      assert.match(await metrics.text(), /^# (HELP|TYPE) /m);
    }
  });
});
