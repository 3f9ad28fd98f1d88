// A Python model that sleeps, freezes or reports its counters on request, and ways to watch its
// model server from outside: its processes and the TCP connections it holds.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { request } from 'node:http';
import type { AtelierClient } from '#src/client/index.ts';
import type { TestApp } from '../helpers/app.ts';
import { eventually, importModel, putPackage } from '../models/fixtures.ts';

export const small = { specification: 'custom', custom_spec: { cpu: 0.1, memory: 128 } };

const SLEEPY = `import ctypes
import threading
import time

from model_service.python_model_service import XgSklServingBaseService

_lock = threading.Lock()
_counts = {"started": 0, "finished": 0}


def hang():
    # libc's sleep called with the GIL held: no thread of the server runs again, not even /health.
    ctypes.PyDLL(None).sleep(3600)


class SleepyService(XgSklServingBaseService):
    """{"sleep": s} answers after s seconds; {"freeze": true} hangs the whole server now, and
    {"freeze_later": s} after s seconds (answering first); {"stats": true} reports the requests
    that arrived and finished."""

    def __init__(self, model_path):
        self.model_path = model_path
        time.sleep(LOAD_SECONDS)

    def _inference(self, data):
        if data.get("stats"):
            with _lock:
                return dict(_counts, in_progress=_counts["started"] - _counts["finished"])
        if data.get("freeze"):
            hang()
        if data.get("freeze_later"):
            threading.Timer(float(data["freeze_later"]), hang).start()
            return {"echo": "freezing"}
        with _lock:
            _counts["started"] += 1
        try:
            time.sleep(float(data.get("sleep", 0)))
        finally:
            with _lock:
                _counts["finished"] += 1
        return {"echo": data.get("tag", "ok")}
`;

/** The sleepy model's package; `health` goes to config.json; loading takes `loadSeconds`. */
export function sleepyPackage(opts: { health?: Record<string, string>; loadSeconds?: number } = {}) {
  return {
    'model/config.json': JSON.stringify({ model_type: 'Scikit_Learn', model_algorithm: 'sleepy', ...(opts.health ? { health: opts.health } : {}) }),
    'model/model.m': '{}',
    'model/customize_service.py': SLEEPY.replace('LOAD_SECONDS', String(opts.loadSeconds ?? 0)),
  };
}

export type Stats = { started: number; finished: number; in_progress: number };

/** Imports the sleepy model, deploys one instance of it and waits until the service runs. */
export async function deploySleepy(t: TestApp, name: string, opts: Parameters<typeof sleepyPackage>[0] = {}): Promise<string> {
  const modelId = await importModel(t.client, await putPackage(t, `${name}-models`, name, sleepyPackage(opts)), name, '1.0.0', 'Scikit_Learn');
  const { service_id } = await t.client.services.create({
    service_name: name,
    infer_type: 'real-time',
    config: [{ model_id: modelId, weight: 100, instance_count: 1, ...small }],
  });
  await running(t.client, service_id);
  return service_id;
}

export async function running(client: AtelierClient, id: string, timeoutMs = 60_000) {
  return eventually(
    `service ${id} running`,
    async () => {
      const s = await client.services.show(id);
      if (s.status === 'failed') throw new Error(`service failed: ${s.error_msg}`);
      return s.status === 'running' ? s : undefined;
    },
    timeoutMs,
  );
}

/**
 * A prediction on a connection of its own (node:http, no keep-alive), so the test can drop it
 * (abort) before the answer and no idle connection stays behind.
 */
export function sendPrediction(
  client: AtelierClient,
  serviceId: string,
  body: unknown,
  signal?: AbortSignal,
): Promise<{ status: number; body: { error_code?: string; error_msg?: string } }> {
  const prepared = client.http.prepare('POST', '/v1/infers/{service_id}', { params: { service_id: serviceId }, body });
  return new Promise((resolve, reject) => {
    const req = request(prepared.url, { method: prepared.method, headers: prepared.headers, agent: false, ...(signal ? { signal } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { error_code?: string } }),
      );
    });
    req.on('error', reject);
    req.end(prepared.body);
  });
}

/** Pids of the model server processes started for this data directory (found by their command line). */
export function modelServerPids(dataDir: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      if (cmd.includes('model_server.py') && cmd.includes(dataDir)) pids.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** TCP connections the model server processes hold in state ESTABLISHED (a dropped one is in CLOSE_WAIT). */
export function establishedConnections(pids: number[]): number {
  const inodes = new Set<string>();
  for (const pid of pids) {
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        try {
          const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
          if (m) inodes.add(m[1]!);
        } catch {
          // closed meanwhile
        }
      }
    } catch {
      // gone meanwhile
    }
  }
  const counted = new Set<string>();
  for (const pid of pids) {
    let table: string;
    try {
      table = readFileSync(`/proc/${pid}/net/tcp`, 'utf8');
    } catch {
      continue;
    }
    for (const line of table.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      const inode = cols[9];
      if (cols[3] === '01' && inode && inodes.has(inode)) counted.add(inode);
    }
  }
  return counted.size;
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
