// What an account sees of its own resources: every GET route (and the reads flow.ts marks) with
// its ids, answered to the account itself. Two snapshots taken before anything else happens tell
// which fields move on their own (durations of a running job, CPU usage of a running instance);
// those are left out when a later snapshot is compared.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Account } from './accounts.ts';
import { FLOW, type Ids } from './flow.ts';
import type { FlowContext } from './flow.ts';
import { send, type Route } from './routes.ts';

/** "<request> <json path>" -> value, for every leaf of every answer. */
export type Snapshot = Map<string, string>;

const SIGNED_PARAMS = /([?&](?:expires|signature)=)[^&]*/gi;

function flatten(prefix: string, v: unknown, out: Snapshot): void {
  if (Array.isArray(v)) {
    out.set(`${prefix}#length`, String(v.length));
    v.forEach((x, i) => flatten(`${prefix}[${i}]`, x, out));
  } else if (typeof v === 'object' && v !== null) {
    const keys = Object.keys(v).sort();
    out.set(`${prefix}#keys`, keys.join(','));
    for (const k of keys) flatten(`${prefix}.${k}`, (v as Record<string, unknown>)[k], out);
  } else {
    // A signed link is signed anew on every read: its expiry and signature are not the resource's state.
    out.set(prefix, JSON.stringify(typeof v === 'string' ? v.replace(SIGNED_PARAMS, '$1*') : v));
  }
}

/** The routes a snapshot reads: GETs, and the non-GET reads flow.ts marks. */
export function snapshotRoutes(routes: Route[]): Route[] {
  return routes.filter((r) => !r.hidden && (r.method === 'GET' || FLOW[r.operationId]?.snapshot === true));
}

export async function takeSnapshot(acct: Account, routes: Route[], ctx: FlowContext, ids: Ids): Promise<Snapshot> {
  const out: Snapshot = new Map();
  for (const route of snapshotRoutes(routes)) {
    const calls = FLOW[route.operationId]?.calls(ctx) ?? [{}];
    for (const [i, call] of calls.entries()) {
      const key = `${route.operationId}#${i}`;
      try {
        const s = await send(acct.client, route, call, ids);
        out.set(`${key} status`, String(s.status));
        flatten(key, s.json ?? s.text, out);
      } catch (e) {
        // A route the flows cannot call yet (a path parameter without a seeded resource).
        out.set(`${key} not sent`, e instanceof Error ? e.message : String(e));
      }
    }
  }
  return out;
}

/** Keys whose values differ between two snapshots of an unchanged account. */
export function movingKeys(a: Snapshot, b: Snapshot): Set<string> {
  const moving = new Set<string>();
  for (const k of new Set([...a.keys(), ...b.keys()])) if (a.get(k) !== b.get(k)) moving.add(k);
  return moving;
}

// Fields that move by themselves while a job runs or an instance serves, even if two quick
// snapshots happen to agree on them: durations, resource usage, per-minute metric samples; and the
// host-wide free capacity of the local pool (ListClusters' allocatable_*), which every account's
// workloads share, so another account's own jobs legitimately move it; and the seconds left of an
// old-API instance's auto_stop (remain_time), which counts down; and the time of a pool's latest
// resource sample (ShowPoolRuntimeMetrics' table.*.timestamp), which the sampling loop moves on.
const SELF_MOVING = /(duration|usage|util|cpu_memory|latency|\.metrics\[|\.value\[|update_time|\.events\[|allocatable_|remain_time|\.table\.\w+\.timestamp)/i;

/** The differences between two snapshots, leaving out the moving keys: "<key>: <before> -> <after>". */
export function snapshotChanges(before: Snapshot, after: Snapshot, moving: Set<string>): string[] {
  const changes: string[] = [];
  for (const k of new Set([...before.keys(), ...after.keys()])) {
    if (moving.has(k) || SELF_MOVING.test(k)) continue;
    if (before.get(k) !== after.get(k)) changes.push(`${k}: ${before.get(k) ?? '(absent)'} -> ${after.get(k) ?? '(absent)'}`);
  }
  return changes;
}

/** "<relative path> <sha256>" of every file under a folder (a bucket of the fs object store). */
export function treeDigest(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string): void => {
    let names: string[];
    try {
      names = readdirSync(d).sort();
    } catch {
      return;
    }
    for (const name of names) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p, `${rel}${name}/`);
      else out.push(`${rel}${name} ${createHash('sha256').update(readFileSync(p)).digest('hex')}`);
    }
  };
  walk(dir, '');
  return out;
}
