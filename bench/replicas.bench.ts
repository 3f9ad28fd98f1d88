// Signed GETs through 1 and then 3 `atelier serve` replicas on one PostgreSQL database, on loopback.
// Each replica gets its share of autocannon's connections (a client-side balance: a proxy in the
// way would be what the machine measures). Throughput on a machine with few cores says little, so
// this prints the CPU time the replicas spend per request (the sum over their processes of user and
// system time, from /proc, divided by the requests answered): with replicas sharing nothing but the
// database, it should not grow with their count. On a machine of few cores, three busy processes
// cost more CPU per request than one whatever they share (caches, scheduling), so the same rounds
// also run on three independent servers, each on its own database: what the replicas cost beyond
// them is what sharing the database and the store costs.
//   npx tsx bench/replicas.bench.ts   (ATELIER_BENCH_DATABASE_URL or ATELIER_TEST_DATABASE_URL: the
//   PostgreSQL server, default postgres://postgres@127.0.0.1:55432/postgres; BENCH_SECONDS,
//   BENCH_ROUNDS, BENCH_CONNECTIONS, BENCH_RATE change the load)
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import pg from 'pg';
import { AtelierClient } from '#src/client/index.ts';

const DURATION = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 12);
const RATE = Number(process.env.BENCH_RATE ?? 300);
const WARM_UP_S = 12;
const ADMIN_URL = process.env.ATELIER_BENCH_DATABASE_URL ?? process.env.ATELIER_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:55432/postgres';
const BIN = join(import.meta.dirname, '..', 'bin', 'atelier.mjs');
// A load balancer passes the Host the client signed; the replicas see that one, whatever their port.
const HOST = 'atelier.lb';
const TICKS_PER_SECOND = 100;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** User + system CPU of a process, ms (fields 14 and 15 of /proc/<pid>/stat, in clock ticks). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

const children: ChildProcess[] = [];
const dataDirs: string[] = [];
const dbNames: string[] = [];
const admin = new pg.Client({ connectionString: ADMIN_URL });
await admin.connect();

/** A data folder and a database of their own (the replicas share one). */
async function newSite(): Promise<{ dataDir: string; dbUrl: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'atelier-bench-replicas-'));
  const dbName = `atelier_bench_${process.pid}_${dbNames.length}`;
  dataDirs.push(dataDir);
  dbNames.push(dbName);
  await admin.query(`CREATE DATABASE ${dbName}`);
  const dbUrl = new URL(ADMIN_URL);
  dbUrl.pathname = `/${dbName}`;
  return { dataDir, dbUrl: dbUrl.toString() };
}

/** A server answering the signed GET; `path` and `headers` sign it with its site's credentials. */
interface Target {
  url: string;
  pid: number;
  path: string;
  headers: Record<string, string>;
}

async function startServer(site: { dataDir: string; dbUrl: string }): Promise<{ url: string; pid: number }> {
  const port = await freePort();
  const child = spawn(process.execPath, [BIN, 'serve'], {
    env: { ...process.env, ATELIER_DATA_DIR: site.dataDir, ATELIER_DATABASE_URL: site.dbUrl, ATELIER_PORT: String(port), ATELIER_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error('a server exited');
    if (
      await fetch(`${url}/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return { url, pid: child.pid! };
    await sleep(100);
  }
  throw new Error('a server did not start');
}

/** Transactions committed in the bench's databases so far (the statistics lag by up to a second, hence the pause after a round). */
async function transactions(): Promise<number> {
  const r = await admin.query<{ n: string }>('select coalesce(sum(xact_commit), 0)::text as n from pg_stat_database where datname = any($1)', [dbNames]);
  return Number(r.rows[0]?.n ?? 0);
}

/** The signed GET of a site's first server, checked to answer 200. */
async function signedTarget(server: { url: string; pid: number }, dataDir: string): Promise<Target> {
  const creds = JSON.parse(readFileSync(join(dataDir, 'credentials.json'), 'utf8')) as { ak: string; sk: string; project_id: string };
  const client = new AtelierClient(server.url, { kind: 'aksk', ak: creds.ak, sk: creds.sk, projectId: creds.project_id });
  await client.authorizations.createAgency();
  await client.authorizations.create({ user_id: 'all', content: 'modelarts_agency' });
  // One signature serves the run: X-Sdk-Date stays inside the 15-minute window.
  const signed = new AtelierClient(`http://${HOST}`, { kind: 'aksk', ak: creds.ak, sk: creds.sk, projectId: creds.project_id }).http.prepare(
    'GET',
    '/v2/{project_id}/authorizations',
  );
  const target = { ...server, path: new URL(signed.url).pathname, headers: { ...signed.headers, host: HOST } };
  const check = await new Promise<number | undefined>((resolve, reject) =>
    get(`${server.url}${target.path}`, { headers: target.headers }, (res) => resolve(res.resume().statusCode)).on('error', reject),
  );
  if (check !== 200) throw new Error(`the signed request failed: ${check}`);
  return target;
}

interface Round {
  rps: number;
  requests: number;
  cpuMsPerRequest: number;
  /** Database transactions (all replicas, background work included) per request. */
  dbPerRequest: number;
  errors: number;
}

/** One load per server at once, CONNECTIONS and `rate` split evenly over them. */
async function round(targets: Target[], rate: number | undefined, duration = DURATION): Promise<Round> {
  const before = targets.map((r) => cpuMs(r.pid));
  const xactBefore = await transactions();
  const connections = Math.max(1, Math.round(CONNECTIONS / targets.length));
  const results = await Promise.all(
    targets.map((r) =>
      autocannon({ url: `${r.url}${r.path}`, headers: r.headers, connections, duration, ...(rate ? { overallRate: rate / targets.length } : {}) }),
    ),
  );
  const spent = targets.reduce((sum, r, i) => sum + cpuMs(r.pid) - before[i]!, 0);
  const xacts = (await transactions()) - xactBefore;
  await sleep(1000);
  const requests = results.reduce((sum, r) => sum + r.requests.total, 0);
  return {
    rps: results.reduce((sum, r) => sum + r.requests.average, 0),
    requests,
    cpuMsPerRequest: spent / Math.max(1, requests),
    dbPerRequest: xacts / Math.max(1, requests),
    errors: results.reduce((sum, r) => sum + r.errors + r.non2xx, 0),
  };
}

const median = (rounds: Round[], key: keyof Round) => [...rounds].map((r) => r[key]).sort((a, b) => a - b)[Math.floor(rounds.length / 2)]!;

try {
  const shared = await newSite();
  const first = await startServer(shared);
  const firstTarget = await signedTarget(first, shared.dataDir);
  const replicas = [firstTarget, ...(await Promise.all([startServer(shared), startServer(shared)])).map((r) => ({ ...firstTarget, ...r }))];
  const independent: Target[] = [];
  for (let i = 0; i < 3; i++) {
    const site = await newSite();
    independent.push(await signedTarget(await startServer(site), site.dataDir));
  }
  console.log(
    `${availableParallelism()} cores; autocannon ${CONNECTIONS} connections, ${ROUNDS} rounds of ${DURATION} s, 1 replica, 3 replicas and 3 independent servers taking turns (medians shown)`,
  );
  console.log(
    `full load, then ${RATE} req/s per process (a node answers fewer requests per wake-up when less loaded, so the same rate per process is compared)\n`,
  );
  const all = [...replicas, ...independent];
  // Each server alone first, so all have compiled their hot paths before anything is measured.
  for (const r of all) await round([r], undefined, WARM_UP_S);
  const idleBefore = all.map((r) => cpuMs(r.pid));
  await sleep(5000);
  const idleOf = (set: Target[]) => set.reduce((sum, r) => sum + cpuMs(r.pid) - idleBefore[all.indexOf(r)]!, 0) / 5 / set.length;
  const idle = { replicas: idleOf(replicas), independent: idleOf(independent) };
  const sets = { '1 replica': replicas.slice(0, 1), '3 replicas': replicas, '3 independent': independent };
  const results = new Map<string, Round[]>();
  const add = (key: string, r: Round) => results.set(key, [...(results.get(key) ?? []), r]);
  for (let i = 0; i < ROUNDS; i++) {
    // The order turns each round, so a drift of the machine weighs on every set alike.
    const order = Object.entries(sets);
    for (const [name, set] of [...order.slice(i % order.length), ...order.slice(0, i % order.length)]) {
      add(`${name}, full load`, await round(set, undefined));
      add(`${name}, ${RATE * set.length} req/s`, await round(set, RATE * set.length));
    }
  }
  for (const [label, rounds] of results) {
    console.log(
      `${label.padEnd(29)} ${median(rounds, 'rps').toFixed(0).padStart(6)} req/s   CPU ${median(rounds, 'cpuMsPerRequest').toFixed(3)} ms/request   DB ${median(rounds, 'dbPerRequest').toFixed(3)} tx/request` +
        `   (${rounds.map((r) => r.cpuMsPerRequest.toFixed(3)).join(' ')})   errors ${rounds.reduce((sum, r) => sum + r.errors, 0)}`,
    );
  }
  console.log(
    `idle: ${idle.replicas.toFixed(1)} ms CPU per second per replica, ${idle.independent.toFixed(1)} per independent server (reconciler passes, task polling, leases)`,
  );
  const ratio = (a: string, b: string) => (median(results.get(a)!, 'cpuMsPerRequest') / median(results.get(b)!, 'cpuMsPerRequest')).toFixed(2);
  const perProcess = `${RATE} req/s per process`;
  console.log(
    `\nCPU per request, 3 replicas / 1 replica: full load ${ratio('3 replicas, full load', '1 replica, full load')}, ` +
      `${perProcess} ${ratio(`3 replicas, ${RATE * 3} req/s`, `1 replica, ${RATE} req/s`)}`,
  );
  console.log(
    `CPU per request, 3 replicas / 3 independent servers (the cost of sharing): full load ${ratio('3 replicas, full load', '3 independent, full load')}, ` +
      `${perProcess} ${ratio(`3 replicas, ${RATE * 3} req/s`, `3 independent, ${RATE * 3} req/s`)}`,
  );
} finally {
  for (const c of children) c.kill('SIGTERM');
  await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : undefined)));
  for (const name of dbNames) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
}
