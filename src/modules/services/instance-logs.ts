// The logs of a service's Python model server instances. Each instance writes <id>.log in the
// service's folder (the server's stdout and stderr, see runtime/serving/python-instance.ts); beside
// it Atelier writes <id>.json, which model and when. The sandboxed instance sees neither file.
import { writeFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readTail } from '#src/runtime/local/log-tail.ts';
import { INSTANCE_LOG_MAX_BYTES, type InstanceLog, type InstanceLogsQuery } from './instance-log-schemas.ts';

export interface InstanceMeta {
  instance_id: string;
  model_id: string;
  model_name: string;
  model_version: string;
  started_at: number;
}

export const instanceLogFile = (serviceDir: string, instanceId: string) => join(serviceDir, `${instanceId}.log`);
const metaFile = (serviceDir: string, instanceId: string) => join(serviceDir, `${instanceId}.json`);

/** Records which model an instance serves and when it started, for the instance-logs API. */
export function writeInstanceMeta(serviceDir: string, meta: InstanceMeta): void {
  writeFileSync(metaFile(serviceDir, meta.instance_id), JSON.stringify(meta));
}

function isMeta(v: unknown): v is InstanceMeta {
  if (typeof v !== 'object' || v === null) return false;
  const m = v as Record<string, unknown>;
  return (
    typeof m.instance_id === 'string' &&
    typeof m.model_id === 'string' &&
    typeof m.model_name === 'string' &&
    typeof m.model_version === 'string' &&
    typeof m.started_at === 'number'
  );
}

async function metas(serviceDir: string): Promise<InstanceMeta[]> {
  let names: string[];
  try {
    names = await readdir(serviceDir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const found = await Promise.all(
    names
      .filter((n) => n.endsWith('.json'))
      .map(async (n) => {
        try {
          const v: unknown = JSON.parse(await readFile(join(serviceDir, n), 'utf8'));
          return isMeta(v) && `${v.instance_id}.json` === n ? v : undefined;
        } catch {
          return undefined; // written half, or removed meanwhile
        }
      }),
  );
  return found.filter((m): m is InstanceMeta => m !== undefined);
}

/** The last `n` lines of `text` (a final newline does not count as starting a line). */
export function lastLines(text: string, n: number): string {
  let cut = text.endsWith('\n') ? text.length - 1 : text.length;
  for (let i = 0; i < n; i++) {
    if (cut <= 0) return text;
    const nl = text.lastIndexOf('\n', cut - 1);
    if (nl < 0) return text;
    cut = nl;
  }
  return text.slice(cut + 1);
}

/** The instances' logs, newest first, each cut to its last lines; `serving`: the ids taking predictions now. */
export async function readInstanceLogs(
  serviceDir: string,
  q: InstanceLogsQuery,
  serving: ReadonlySet<string>,
): Promise<{ total: number; instances: InstanceLog[] }> {
  const all = (await metas(serviceDir))
    .filter((m) => (q.instance_id === undefined || m.instance_id === q.instance_id) && (q.model_id === undefined || m.model_id === q.model_id))
    .sort((a, b) => b.started_at - a.started_at || a.instance_id.localeCompare(b.instance_id));
  const instances = await Promise.all(
    all.slice(0, q.limit).map(async (m) => {
      const tail = await readTail(instanceLogFile(serviceDir, m.instance_id), INSTANCE_LOG_MAX_BYTES);
      const content = lastLines(tail.content, q.lines);
      return { ...m, serving: serving.has(m.instance_id), content, current_size: Buffer.byteLength(content), full_size: tail.fullSize };
    }),
  );
  return { total: all.length, instances };
}
