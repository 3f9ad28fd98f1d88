// Notebook instances, measured in one run on this machine:
// - create -> RUNNING (median of BENCH_STARTS) against a bare jupyter-server of the same runtime
//   started by hand to its first /api answer (target: at most 1.5x);
// - GET /api/contents through the proxy against Jupyter directly (target: at least 0.7 of its rate);
// - a kernel execute_request round trip over the proxied WebSocket against direct (target: at most
//   2 ms more at p50);
// - 20 instances exist at once: made in batches as the pool admits them (memory is never
//   over-committed), each stopped after it ran; no process of a stopped one is left.
//   npx tsx bench/notebooks.bench.ts   (BENCH_SECONDS, BENCH_STARTS, BENCH_MANY change the load)
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import WebSocket from 'ws';
import { findJupyterRuntime, freePort } from '#src/runtime/notebooks/index.ts';
import { startTestApp } from '../test/helpers/app.ts';
import { FLAVOR, notebookEnv, RUNTIME_DIR, startKernel, waitFor, waitGone, builtInImage } from '../test/notebooks/helpers.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const STARTS = Number(process.env.BENCH_STARTS ?? 5);
const MANY = Number(process.env.BENCH_MANY ?? 20);

const AUTOCANNON = createRequire(import.meta.url).resolve('autocannon/autocannon.js');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A bare jupyter-server of the same runtime, by hand: ms from spawn to its first /api answer. */
async function bareStart(): Promise<{ ms: number; port: number; token: string; stop: () => void }> {
  const runtime = await findJupyterRuntime(RUNTIME_DIR, '');
  if (!runtime) throw new Error('no Jupyter runtime: run atelier notebook prepare');
  const root = mkdtempSync(join(tmpdir(), 'bare-jupyter-'));
  const port = await freePort();
  const token = randomUUID();
  const t0 = performance.now();
  const child = spawn(
    runtime.server[0]!,
    [
      ...runtime.server.slice(1),
      '--ServerApp.ip=127.0.0.1',
      `--ServerApp.port=${port}`,
      `--ServerApp.token=${token}`,
      '--ServerApp.open_browser=False',
      `--ServerApp.root_dir=${root}`,
      '--allow-root',
    ],
    { stdio: 'ignore', detached: true, env: { ...process.env, HOME: root, JUPYTER_RUNTIME_DIR: root } },
  );
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/api`, { headers: { authorization: `token ${token}` } }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await sleep(20);
  }
  const ms = performance.now() - t0;
  return {
    ms,
    port,
    token,
    stop: () => {
      process.kill(-child.pid!, 'SIGKILL');
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Requests/s of autocannon run in a process of its own, so the load does not take the proxy's CPU. */
async function rate(url: string, headers: Record<string, string>): Promise<number> {
  const args = [AUTOCANNON, '-j', '-c', '16', '-d', String(SECONDS), ...Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}=${v}`]), url];
  const out = await new Promise<string>((resolve, reject) => {
    let text = '';
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    child.stdout.on('data', (d: Buffer) => (text += d.toString('utf8')));
    child.once('error', reject);
    child.once('exit', () => resolve(text));
  });
  const r = JSON.parse(out) as { requests: { average: number }; errors: number; non2xx: number };
  if (r.errors + r.non2xx > 0) throw new Error(`${url}: ${r.errors} errors, ${r.non2xx} non-2xx`);
  await sleep(500);
  return r.requests.average;
}

/** p50 of an execute_request round trip (request sent -> idle status), ms. */
async function roundTrip(wsUrl: string, headers: Record<string, string>, n = 200): Promise<number> {
  const ws = new WebSocket(wsUrl, { headers });
  await new Promise((res, rej) => {
    ws.once('open', res);
    ws.once('error', rej);
  });
  const times: number[] = [];
  for (let i = 0; i < n + 20; i++) {
    const id = randomUUID();
    const t0 = performance.now();
    await new Promise<void>((res) => {
      const onMessage = (data: Buffer) => {
        const m = JSON.parse(data.toString('utf8')) as { msg_type: string; parent_header: { msg_id?: string }; content: { execution_state?: string } };
        if (m.parent_header.msg_id === id && m.msg_type === 'status' && m.content.execution_state === 'idle') {
          ws.off('message', onMessage);
          res();
        }
      };
      ws.on('message', onMessage);
      ws.send(
        JSON.stringify({
          header: { msg_id: id, msg_type: 'execute_request', username: 'b', session: 'bench', date: new Date().toISOString(), version: '5.3' },
          parent_header: {},
          metadata: {},
          content: { code: '1', silent: false, store_history: false, user_expressions: {}, allow_stdin: false, stop_on_error: true },
          channel: 'shell',
        }),
      );
    });
    if (i >= 20) times.push(performance.now() - t0);
  }
  ws.close();
  return median(times);
}

function processesNaming(text: string): number {
  let n = 0;
  for (const pid of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text)) n++;
    } catch {
      // ended
    }
  }
  return n;
}

const t = await startTestApp(await notebookEnv({ ATELIER_LOCAL_POOL_CPU_OVERCOMMIT: '8' }));
try {
  const body = (name: string) => ({ name, flavor: FLAVOR, image_id: builtInImage().id, volume: { category: 'EVS' as const, ownership: 'MANAGED' as const } });

  // 1. create -> RUNNING, against a bare jupyter-server
  const bare: number[] = [];
  const ours: number[] = [];
  for (let i = 0; i < STARTS; i++) {
    const b = await bareStart();
    bare.push(b.ms);
    b.stop();
    const t0 = performance.now();
    const nb = await t.client.notebooks.create(body(`start-${i}`));
    await waitFor(t.client, nb.id, ['RUNNING']);
    ours.push(performance.now() - t0);
    await t.client.notebooks.delete(nb.id);
    await waitGone(t.client, nb.id);
  }
  const startRatio = median(ours) / median(bare);
  console.log(
    `create -> RUNNING: median ${median(ours).toFixed(0)} ms; bare jupyter-server to /api: ${median(bare).toFixed(0)} ms; ratio ${startRatio.toFixed(2)} (target <= 1.5)`,
  );

  // 2 and 3. one instance: contents throughput and kernel round trips, proxied and direct
  const nb = await t.client.notebooks.create(body('traffic'));
  const running = await waitFor(t.client, nb.id, ['RUNNING']);
  const row = await t.atelier.context.database.db.selectFrom('notebooks').selectAll().where('id', '=', nb.id).executeTakeFirstOrThrow();
  const direct = `http://127.0.0.1:${row.port}/v1/${t.client.projectId}/notebooks/${nb.id}/lab/`;
  const viaProxy = rate(`${running.url}api/contents`, { authorization: `token ${running.token}` });
  const proxied = await viaProxy;
  const straight = await rate(`${direct}api/contents`, { authorization: `token ${row.jupyter_token}` });
  console.log(
    `GET /api/contents: proxy ${proxied.toFixed(0)} req/s, direct ${straight.toFixed(0)} req/s, ratio ${(proxied / straight).toFixed(2)} (target >= 0.7)`,
  );
  const kernel = await startKernel(running.url, running.token);
  const wsPath = `api/kernels/${kernel}/channels`;
  const p50Proxy = await roundTrip(`${running.url.replace(/^http/, 'ws')}${wsPath}`, { authorization: `token ${running.token}` });
  const p50Direct = await roundTrip(`${direct.replace(/^http/, 'ws')}${wsPath}`, { authorization: `token ${row.jupyter_token}` });
  console.log(
    `execute_request round trip p50: proxy ${p50Proxy.toFixed(2)} ms, direct ${p50Direct.toFixed(2)} ms, added ${(p50Proxy - p50Direct).toFixed(2)} ms (target <= 2)`,
  );
  await t.client.notebooks.delete(nb.id);
  await waitGone(t.client, nb.id);

  // 4. MANY instances exist at once: run in batches the pool admits, each stopped after it ran
  const pool = t.atelier.context.localPool;
  const batch = Math.max(1, Math.min(Math.floor(pool.schedulable.cpu), Math.floor(pool.schedulable.memoryMb / 4096)));
  const t0 = performance.now();
  const many: { id: string }[] = [];
  while (many.length < MANY) {
    const made = await Promise.all(
      Array.from({ length: Math.min(batch, MANY - many.length) }, (_, i) => t.client.notebooks.create(body(`many-${many.length + i}`))),
    );
    await Promise.all(made.map((m) => waitFor(t.client, m.id, ['RUNNING'], 600_000)));
    for (const m of made) await t.client.notebooks.stop(m.id);
    await Promise.all(made.map((m) => waitFor(t.client, m.id, ['STOPPED'], 120_000)));
    many.push(...made);
  }
  const listed = await t.client.notebooks.list({ limit: 100 });
  const left = many.reduce((n, m) => n + processesNaming(m.id), 0);
  console.log(
    `${listed.total} instances exist (${batch} ran at a time), made in ${((performance.now() - t0) / 1000).toFixed(1)} s; all STOPPED with ${left} processes left (target 0: no CPU)`,
  );
  for (const m of many) await t.client.notebooks.delete(m.id);
  for (const m of many) await waitGone(t.client, m.id);
} finally {
  await t.close();
}
