// Signed GETs through 1 and then 3 `atelier serve` replicas on one PostgreSQL database, on loopback.
// autocannon spreads its connections over the replicas (a client-side round robin: a proxy in the
// way would be what the machine measures). Throughput on a machine with few cores says little, so
// this prints the CPU time the replicas spend per request (the sum over their processes of user and
// system time, from /proc, divided by the requests answered): with replicas sharing nothing but the
// database, it should not grow with their count.
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
const dataDir = mkdtempSync(join(tmpdir(), 'atelier-bench-replicas-'));
const dbName = `atelier_bench_${process.pid}`;
const admin = new pg.Client({ connectionString: ADMIN_URL });
await admin.connect();
await admin.query(`CREATE DATABASE ${dbName}`);
const dbUrl = new URL(ADMIN_URL);
dbUrl.pathname = `/${dbName}`;

async function startReplica(): Promise<{ url: string; pid: number }> {
  const port = await freePort();
  const child = spawn(process.execPath, [BIN, 'serve'], {
    env: { ...process.env, ATELIER_DATA_DIR: dataDir, ATELIER_DATABASE_URL: dbUrl.toString(), ATELIER_PORT: String(port), ATELIER_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error('a replica exited');
    if (
      await fetch(`${url}/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return { url, pid: child.pid! };
    await sleep(100);
  }
  throw new Error('a replica did not start');
}

/** Transactions committed in the bench database so far (the statistics lag by up to a second, hence the pause after a round). */
async function transactions(): Promise<number> {
  const r = await admin.query<{ n: string }>('select xact_commit::text as n from pg_stat_database where datname = $1', [dbName]);
  return Number(r.rows[0]?.n ?? 0);
}

interface Round {
  rps: number;
  requests: number;
  cpuMsPerRequest: number;
  /** Database transactions (all replicas, background work included) per request. */
  dbPerRequest: number;
  errors: number;
}

async function round(
  replicas: { url: string; pid: number }[],
  path: string,
  headers: Record<string, string>,
  rate: number | undefined,
  duration = DURATION,
): Promise<Round> {
  const before = replicas.map((r) => cpuMs(r.pid));
  const xactBefore = await transactions();
  // autocannon takes several URLs and spreads the connections over them; its typings know only one.
  const urls = replicas.map((r) => `${r.url}${path}`) as unknown as string;
  const result = await autocannon({ url: urls, headers, connections: CONNECTIONS, duration, ...(rate ? { overallRate: rate } : {}) });
  const spent = replicas.reduce((sum, r, i) => sum + cpuMs(r.pid) - before[i]!, 0);
  const xacts = (await transactions()) - xactBefore;
  await sleep(1000);
  const requests = result.requests.total;
  return {
    rps: result.requests.average,
    requests,
    cpuMsPerRequest: spent / Math.max(1, requests),
    dbPerRequest: xacts / Math.max(1, requests),
    errors: result.errors + result.non2xx,
  };
}

const median = (rounds: Round[], key: keyof Round) => [...rounds].map((r) => r[key]).sort((a, b) => a - b)[Math.floor(rounds.length / 2)]!;

try {
  const first = await startReplica();
  const creds = JSON.parse(readFileSync(join(dataDir, 'credentials.json'), 'utf8')) as { ak: string; sk: string; project_id: string };
  const client = new AtelierClient(first.url, { kind: 'aksk', ak: creds.ak, sk: creds.sk, projectId: creds.project_id });
  await client.authorizations.createAgency();
  await client.authorizations.create({ user_id: 'all', content: 'modelarts_agency' });
  // One signature serves the run: X-Sdk-Date stays inside the 15-minute window.
  const signed = new AtelierClient(`http://${HOST}`, { kind: 'aksk', ak: creds.ak, sk: creds.sk, projectId: creds.project_id }).http.prepare(
    'GET',
    '/v2/{project_id}/authorizations',
  );
  const path = new URL(signed.url).pathname;
  const headers = { ...signed.headers, host: HOST };
  const check = await new Promise<number | undefined>((resolve, reject) =>
    get(`${first.url}${path}`, { headers }, (res) => resolve(res.resume().statusCode)).on('error', reject),
  );
  if (check !== 200) throw new Error(`the signed request failed: ${check}`);

  const all = [first, await startReplica(), await startReplica()];
  console.log(
    `${availableParallelism()} cores; autocannon ${CONNECTIONS} connections, ${ROUNDS} rounds of ${DURATION} s, 1 and 3 replicas taking turns (medians shown)`,
  );
  console.log(
    `full load, then ${RATE} req/s per replica (a node answers fewer requests per wake-up when less loaded, so the same rate per process is compared)\n`,
  );
  // Each replica alone first, so all three have compiled their hot paths before anything is measured.
  for (const r of all) await round([r], path, headers, undefined, WARM_UP_S);
  const idleBefore = all.map((r) => cpuMs(r.pid));
  await sleep(5000);
  const idle = all.reduce((sum, r, i) => sum + cpuMs(r.pid) - idleBefore[i]!, 0) / 5 / all.length;
  const sets = { '1 replica': all.slice(0, 1), '3 replicas': all };
  const results = new Map<string, Round[]>();
  const add = (key: string, r: Round) => results.set(key, [...(results.get(key) ?? []), r]);
  for (let i = 0; i < ROUNDS; i++) {
    for (const [name, set] of Object.entries(sets)) {
      add(`${name}, full load`, await round(set, path, headers, undefined));
      add(`${name}, ${RATE * set.length} req/s`, await round(set, path, headers, RATE * set.length));
    }
  }
  for (const [label, rounds] of results) {
    console.log(
      `${label.padEnd(26)} ${median(rounds, 'rps').toFixed(0).padStart(6)} req/s   CPU ${median(rounds, 'cpuMsPerRequest').toFixed(3)} ms/request   DB ${median(rounds, 'dbPerRequest').toFixed(3)} tx/request` +
        `   (${rounds.map((r) => r.cpuMsPerRequest.toFixed(3)).join(' ')})   errors ${rounds.reduce((sum, r) => sum + r.errors, 0)}`,
    );
  }
  console.log(`idle: ${idle.toFixed(1)} ms CPU per second per replica (reconciler passes, task polling)`);
  const ratio = (a: string, b: string) => (median(results.get(a)!, 'cpuMsPerRequest') / median(results.get(b)!, 'cpuMsPerRequest')).toFixed(2);
  console.log(
    `\nCPU per request, 3 replicas / 1 replica: full load ${ratio('3 replicas, full load', '1 replica, full load')}, ` +
      `${RATE} req/s per replica ${ratio(`3 replicas, ${RATE * 3} req/s`, `1 replica, ${RATE} req/s`)}`,
  );
} finally {
  for (const c of children) c.kill('SIGTERM');
  await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : undefined)));
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
  rmSync(dataDir, { recursive: true, force: true });
}
