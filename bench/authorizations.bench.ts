// The signed-request path: a signed AK/SK GET /v2/{project_id}/authorizations through Atelier against
// a bare Fastify route returning the same bytes, each server in its own process (bench/serve.ts) on
// this machine, in one run. Prints requests/s of both and their ratio (target >= 0.6).
//   npx tsx bench/authorizations.bench.ts     (BENCH_SECONDS, BENCH_ROUNDS, BENCH_CONNECTIONS change the load;
//   BENCH_SETTLE_MS the pause after each round)
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import type { PreparedRequest } from '#src/client/index.ts';

const DURATION = Number(process.env.BENCH_SECONDS ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
// A pause after each round: a server's after-load work (garbage collection, heap shrinking) would
// otherwise run during the next round, which measures the other server.
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 1500);

interface Started<T> {
  child: ChildProcess;
  info: T;
}

async function startServer<T>(...args: string[]): Promise<Started<T>> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'serve.ts'), ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  return { child, info: JSON.parse(first) as T };
}

interface Measured {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

async function load(url: string, headers: Record<string, string>, duration = DURATION): Promise<Measured> {
  const r = await autocannon({ url, headers, connections: CONNECTIONS, duration });
  await sleep(SETTLE_MS);
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx };
}

/** The round with the median requests/s. */
const median = (rounds: Measured[]): Measured => [...rounds].sort((a, b) => a.rps - b.rps)[Math.floor(rounds.length / 2)]!;

const tmp = mkdtempSync(join(tmpdir(), 'atelier-bench-run-'));
const servers: ChildProcess[] = [];
try {
  const atelier = await startServer<{ port: number; signed: PreparedRequest; body: string }>('atelier');
  servers.push(atelier.child);
  const bytesFile = join(tmp, 'body.json');
  writeFileSync(bytesFile, atelier.info.body);
  const bare = await startServer<{ port: number }>('bare', bytesFile);
  servers.push(bare.child);

  const { signed } = atelier.info;
  console.log(
    `autocannon: ${CONNECTIONS} connections, ${ROUNDS} alternating rounds of ${DURATION} s each (medians shown), body ${Buffer.byteLength(atelier.info.body)} bytes`,
  );
  console.log(`${SETTLE_MS} ms pause after each round\n`);
  const bareUrl = signed.url.replace(`:${atelier.info.port}/`, `:${bare.info.port}/`);
  // Warm-up, then rounds taking turns, so a slow spell of the machine weighs on both servers.
  await load(bareUrl, signed.headers, 2);
  await load(signed.url, signed.headers, 2);
  const bareRounds: Measured[] = [];
  const ourRounds: Measured[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    bareRounds.push(await load(bareUrl, signed.headers));
    ourRounds.push(await load(signed.url, signed.headers));
  }
  const base = median(bareRounds);
  const ours = median(ourRounds);
  const row = (name: string, r: Measured) =>
    `${name.padEnd(28)} ${r.rps.toFixed(0).padStart(8)} req/s   p50 ${r.p50} ms   p99 ${r.p99} ms   errors ${r.errors}`;
  console.log(row('bare Fastify, same bytes', base));
  console.log(row('Atelier, AK/SK signed', ours));
  // Each Atelier round against the bare round just before it: the machine's speed drifts over a
  // run, and a pair of neighbouring rounds sees the same spell of it.
  const ratios = ourRounds.map((r, i) => r.rps / bareRounds[i]!.rps);
  const ratio = [...ratios].sort((a, b) => a - b)[Math.floor(ratios.length / 2)]!;
  console.log(`\nratio per round ${ratios.map((r) => r.toFixed(2)).join(' ')}`);
  console.log(`ratio ${ratio.toFixed(2)}, the median (target >= 0.6)${ratio >= 0.6 ? '' : '  BELOW TARGET'}`);
} finally {
  for (const s of servers) s.kill('SIGTERM');
  rmSync(tmp, { recursive: true, force: true });
}
