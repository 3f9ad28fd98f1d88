// Shared by the load benchmarks (bench/datasets-read.bench.ts, bench/mixed-load.bench.ts): the
// server in its own process (bench/load-server.ts) with its event-loop delay and RSS on request,
// signed requests sent over keep-alive sockets as an SDK does, seeding through the samples port,
// and the figures printed next to their targets.
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { AtelierClient, RequestOptions } from '#src/client/index.ts';
import type { DataManagement } from '../test/helpers/data-management.ts';
import type { DatasetRecord } from '#src/modules/datasets/dataset-directory.ts';
import type { NewSample } from '#src/formats/sample-records.ts';

export const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The 1-minute load average: on a shared 2-core machine the figures move with it. */
export const load = () => `load average ${loadavg()[0]!.toFixed(2)}`;
export const line = (what: string, value: string, target: string, ok: boolean | undefined) =>
  console.log(`${ok === undefined ? 'INFO' : ok ? 'PASS' : 'FAIL'}  ${what.padEnd(58)} ${value.padStart(16)}   target ${target}`);

/** Nearest-rank percentile of unsorted values. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const sorted = Float64Array.from(xs).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
export const median = (xs: readonly number[]) => percentile(xs, 50);
/** Math.max without spreading (a spread of 100,000 values overflows the stack). */
export const highest = (xs: readonly number[]) => xs.reduce((a, b) => (b > a ? b : a), -Infinity);
/** "median (min-max)" of several runs. */
export const spread = (xs: readonly number[], digits = 1) =>
  `${median(xs).toFixed(digits)} (${Math.min(...xs).toFixed(digits)}-${Math.max(...xs).toFixed(digits)})`;

export interface ServerStats {
  rssMb: number;
  heapMb: number;
  /** Event-loop delay since the previous stats call, in ms. */
  loop: { p50: number; p99: number; max: number; mean: number };
  /** CPU time the server used since the previous stats call, in ms (user + system). */
  cpuMs: number;
}

export interface BenchServer {
  port: number;
  child: ChildProcess;
  stats(): Promise<ServerStats>;
  stop(): Promise<void>;
}

/**
 * Starts bench/load-server.ts on `dataDir` (a data directory made by buildApp) in its own process.
 * `env` joins the server's environment (ATELIER_* settings, UV_THREADPOOL_SIZE); `nodeArgs` go to
 * node (e.g. --cpu-prof).
 */
export async function startServer(dataDir: string, env: Record<string, string> = {}, nodeArgs: string[] = []): Promise<BenchServer> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', join(import.meta.dirname, 'load-server.ts'), dataDir], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, ...env },
  });
  const waiting = new Map<string, (m: unknown) => void>();
  child.on('message', (m: { kind: string }) => {
    const w = waiting.get(m.kind);
    waiting.delete(m.kind);
    w?.(m);
  });
  const next = <T>(kind: string) => new Promise<T>((resolve) => waiting.set(kind, resolve as (m: unknown) => void));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const ready = await Promise.race([next<{ port: number }>('ready'), exited.then((code) => Promise.reject(new Error(`bench server exited with ${code}`)))]);
  return {
    port: ready.port,
    child,
    stats: () => {
      const r = next<ServerStats & { kind: string }>('stats');
      child.send({ kind: 'stats' });
      return r;
    },
    stop: async () => {
      if (child.exitCode !== null) return;
      child.send({ kind: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * Adds `count` image samples to a dataset through the samples port (importSamples in batches of
 * 10,000): two in three labeled with one of `labels`. Sources need not exist: reads never open them.
 */
export async function seedSamples(data: DataManagement, record: DatasetRecord, count: number, labels: readonly string[], prefix: string): Promise<void> {
  const BATCH = 10_000;
  for (let start = 0; start < count; start += BATCH) {
    const batch: NewSample[] = [];
    for (let i = start; i < Math.min(count, start + BATCH); i++) {
      batch.push({
        source: `${prefix}${Math.floor(i / 1000)}/img-${i}.jpg`,
        name: `img-${i}.jpg`,
        size: 10_000 + (i % 1000),
        sampleTime: 1_700_000_000_000 + i,
        ...(i % 3 === 0 ? {} : { labels: [{ name: labels[i % labels.length]!, type: 0, annotated_by: 'human' }] }),
      });
    }
    await data.samples.importSamples(record, batch);
  }
}

export interface Reply {
  status: number;
  body: Buffer;
}

/**
 * Sends requests the way an SDK does: each signed anew (AK/SK, its own X-Sdk-Date) by the typed
 * client, over keep-alive sockets (one per concurrent caller, up to `sockets`).
 */
export class Sender {
  readonly agent: http.Agent;

  constructor(
    private readonly client: AtelierClient,
    sockets: number,
    private readonly timeoutMs = 10_000,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
  }

  send(method: string, path: string, opts: RequestOptions = {}): Promise<Reply> {
    const req = this.client.http.prepare(method, path, opts);
    const url = new URL(req.url);
    return new Promise((resolve, reject) => {
      const r = http.request(
        { method, host: url.hostname, port: url.port, path: url.pathname + url.search, headers: req.headers, agent: this.agent, timeout: this.timeoutMs },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
          res.on('error', reject);
        },
      );
      r.on('timeout', () => r.destroy(new TimeoutError()));
      r.on('error', reject);
      r.end(req.body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

export class TimeoutError extends Error {
  constructor() {
    super('timed out');
  }
}
