// Batch services: every file of the input folder (or every source of an input manifest) goes through
// the model, one request per file (mapping_type file) or per CSV row (mapping_type csv). Results are
// written as the guide names them: <dest>/infer-result/<file name>_result.txt, and per instance a
// manifest <dest>/infer-result-<index>.manifest with {"source", "inference-loc"} lines.
import { randomUUID } from 'node:crypto';
import { errors } from '#src/core/errors.ts';
import { parseSourceLocation, type ConfigApi } from '#src/modules/models/index.ts';
import { PredictTimeoutError, untilAborted, type ServingInstance } from '#src/runtime/serving/instance.ts';
import type { ObjectStore } from '#src/storage/object-store.ts';
import { bucketForbidden } from '#src/storage/bucket-access.ts';
import { formatObsPath, type ObjectPath } from '#src/storage/obs-path.ts';

/** Largest input file sent to a model. */
const INPUT_LIMIT = 12 * 1024 * 1024;
const MANIFEST_LIMIT = 64 * 1024 * 1024;

export interface BatchConfig {
  src_path: string;
  dest_path: string;
  mapping_type: 'file' | 'csv';
  mapping_rule?: Record<string, unknown>;
  src_type?: string;
}

export interface BatchCounts {
  total: number;
  succeeded: number;
  failed: number;
  /** Manifest sources in buckets the service's account may not use: skipped, counted as failed. */
  forbidden: number;
}

/** Whether the service's account may read a bucket (the bucket-ownership check). */
export type BucketReadable = (bucket: string) => Promise<boolean>;

/** An OBS object path, accepting the forms CreateService takes. */
function objectPathOf(text: string, field: string): ObjectPath {
  const clean = text.replace(/\?.*$/, '');
  const folder = parseSourceLocation(clean, field);
  return { bucket: folder.bucket, key: folder.key.replace(/\/$/, '') };
}

/** The input (a folder or a manifest) and the output folder of a checked batch config. */
export function batchPaths(c: BatchConfig): { src: ObjectPath; dest: ObjectPath } {
  const src = c.src_type === 'ManifestFile' ? objectPathOf(c.src_path, 'src_path') : parseSourceLocation(c.src_path, 'src_path');
  return { src, dest: parseSourceLocation(c.dest_path, 'dest_path') };
}

/** Checks the batch fields of a config; a 400 naming the field. */
export function checkBatchConfig(c: Partial<BatchConfig> & { req_uri?: string }, api: ConfigApi | undefined): BatchConfig {
  for (const f of ['src_path', 'dest_path', 'req_uri', 'mapping_type'] as const) {
    if (!c[f]) throw errors.badParam(`body.config[0].${f} is required for a batch service`);
  }
  if (api && c.req_uri !== api.url) throw errors.badParam(`body.config[0].req_uri must be an api url of the model (${api.url})`);
  if (c.mapping_type === 'csv' && !c.mapping_rule) throw errors.badParam('body.config[0].mapping_rule is required when mapping_type is csv');
  if (c.src_type !== undefined && c.src_type !== 'ManifestFile') throw errors.badParam('body.config[0].src_type must be ManifestFile or absent');
  if (c.src_type === 'ManifestFile' && !c.src_path!.endsWith('.manifest'))
    throw errors.badParam('body.config[0].src_path must name a .manifest file when src_type is ManifestFile');
  parseSourceLocation(c.dest_path!, 'body.config[0].dest_path');
  if (c.src_type === 'ManifestFile') objectPathOf(c.src_path!, 'body.config[0].src_path');
  else parseSourceLocation(c.src_path!, 'body.config[0].src_path');
  return {
    src_path: c.src_path!,
    dest_path: c.dest_path!,
    mapping_type: c.mapping_type!,
    ...(c.mapping_rule ? { mapping_rule: c.mapping_rule } : {}),
    ...(c.src_type ? { src_type: c.src_type } : {}),
  };
}

/** The batch's input files: those of its folder (CSV files only for mapping_type csv), or the sources of its manifest. */
export async function* batchInputs(store: ObjectStore, c: BatchConfig): AsyncGenerator<ObjectPath> {
  if (c.src_type === 'ManifestFile') {
    const m = objectPathOf(c.src_path, 'src_path');
    const text = await store.readText(m.bucket, m.key, MANIFEST_LIMIT);
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      try {
        const source = (JSON.parse(line) as { source?: unknown }).source;
        if (typeof source === 'string') yield objectPathOf(source, 'manifest source');
      } catch {
        // a line that is not a manifest entry is skipped
      }
    }
    return;
  }
  const folder = parseSourceLocation(c.src_path, 'src_path');
  let token: string | undefined;
  do {
    const page = await store.list(folder.bucket, { prefix: folder.key, ...(token ? { continuationToken: token } : {}) });
    for (const o of page.objects) {
      if (o.key.endsWith('/')) continue;
      if (c.mapping_type === 'csv' && !o.key.toLowerCase().endsWith('.csv')) continue;
      yield { bucket: folder.bucket, key: o.key };
    }
    token = page.nextContinuationToken;
  } while (token);
}

/** The request body of one CSV row: the mapping rule with each `index` leaf replaced by that column. */
export function rowBody(rule: unknown, cells: string[]): unknown {
  if (typeof rule !== 'object' || rule === null) return rule;
  const r = rule as Record<string, unknown>;
  if (typeof r.index === 'number') {
    const raw = cells[r.index];
    if (r.index < 0 || raw === undefined) return undefined;
    const v = raw.trim();
    if (r.type === 'number' || r.type === 'integer') return Number(v);
    if (r.type === 'boolean') return v === 'true';
    return v;
  }
  if (r.type === 'array' && Array.isArray(r.items)) return r.items.map((i) => rowBody(i, cells));
  if (r.type === 'array' && typeof r.items === 'object') return [rowBody(r.items, cells)];
  if (typeof r.properties === 'object' && r.properties !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(r.properties as Record<string, unknown>)) {
      const value = rowBody(v, cells);
      if (value !== undefined) out[k] = value;
    }
    return out;
  }
  return undefined;
}

function fileField(api: ConfigApi | undefined): string {
  const props = (api?.request.data as { properties?: Record<string, { type?: string }> } | undefined)?.properties ?? {};
  return Object.entries(props).find(([, s]) => s.type === 'file')?.[0] ?? 'images';
}

function multipart(field: string, name: string, body: Buffer): { contentType: string; raw: Buffer } {
  const boundary = `atelier-${randomUUID()}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${name.replace(/"/g, '')}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  return { contentType: `multipart/form-data; boundary=${boundary}`, raw: Buffer.concat([head, body, Buffer.from(`\r\n--${boundary}--\r\n`)]) };
}

/** What a batch run reads and writes besides its config, api and instances. */
export interface BatchIo {
  /** Where the input files are read; the results go there too unless `output` is given. */
  store: ObjectStore;
  output?: ObjectStore;
  /** The input files; by default those of the config (batchInputs). */
  source?: AsyncIterable<ObjectPath>;
  readable: BucketReadable;
  predictTimeoutMs?: number | undefined;
  /** The service's instance number of the first of `instances` (a pod of a run on the cluster is one instance of it). */
  firstInstance?: number;
}

/** Runs the batch over the instances (one worker per instance); stops early when the signal aborts. */
export async function runBatch(
  io: BatchIo,
  c: BatchConfig,
  api: ConfigApi | undefined,
  instances: ServingInstance[],
  signal: AbortSignal,
): Promise<BatchCounts> {
  const { store, readable, predictTimeoutMs } = io;
  const output = io.output ?? store;
  const dest = parseSourceLocation(c.dest_path, 'dest_path');
  const source = (io.source ?? batchInputs(store, c))[Symbol.asyncIterator]();
  const counts: BatchCounts = { total: 0, succeeded: 0, failed: 0, forbidden: 0 };
  const multipartApi = api?.request['Content-type'] === 'multipart/form-data';
  const field = fileField(api);

  const predictOne = async (instance: ServingInstance, body: { contentType: string; raw: Buffer; json?: unknown }) => {
    // A model that hangs fails its file after the timeout, as a gateway caller would, instead of holding up the run.
    const drop = new AbortController();
    const timer = predictTimeoutMs === undefined ? undefined : setTimeout(() => drop.abort(new PredictTimeoutError(predictTimeoutMs)), predictTimeoutMs);
    let r;
    try {
      r = await untilAborted(instance.predict({ ...body, signal: drop.signal }), drop.signal);
    } finally {
      clearTimeout(timer);
    }
    if (r.status >= 400) return { ok: false, value: { error_msg: String(r.body) } };
    return { ok: true, value: r.jsonText !== undefined ? (JSON.parse(r.jsonText) as unknown) : r.body };
  };

  const handle = async (instance: ServingInstance, input: ObjectPath): Promise<string> => {
    const name = input.key.split('/').pop() ?? input.key;
    const resultKey = `${dest.key}infer-result/${name}_result.txt`;
    let ok = true;
    let text: string;
    try {
      // A manifest may name any bucket: one of another account is reported, never read.
      if (!(await readable(input.bucket))) {
        counts.forbidden++;
        throw bucketForbidden('manifest source', input.bucket);
      }
      const data = await store.readBuffer(input.bucket, input.key, INPUT_LIMIT);
      if (c.mapping_type === 'csv') {
        const lines: string[] = [];
        for (const row of data.toString('utf8').split(/\r?\n/)) {
          if (row.trim() === '') continue;
          const json = rowBody(c.mapping_rule, row.split(','));
          const r = await predictOne(instance, { contentType: 'application/json', raw: Buffer.from(JSON.stringify(json)), json });
          ok &&= r.ok;
          lines.push(JSON.stringify(r.value));
        }
        text = lines.join('\n');
      } else if (multipartApi) {
        const r = await predictOne(instance, multipart(field, name, data));
        ok = r.ok;
        text = JSON.stringify(r.value);
      } else {
        let json: unknown;
        try {
          json = JSON.parse(data.toString('utf8'));
        } catch {
          throw new Error('the model takes application/json and this file is not JSON');
        }
        const r = await predictOne(instance, { contentType: 'application/json', raw: data, json });
        ok = r.ok;
        text = JSON.stringify(r.value);
      }
    } catch (e) {
      ok = false;
      text = JSON.stringify({ error_msg: e instanceof Error ? e.message : String(e) });
    }
    await output.put(dest.bucket, resultKey, text, { contentType: 'text/plain' });
    counts.total++;
    if (ok) counts.succeeded++;
    else counts.failed++;
    return JSON.stringify({ source: formatObsPath(input.bucket, input.key), 'inference-loc': formatObsPath(dest.bucket, resultKey) });
  };

  await Promise.all(
    instances.map(async (instance, index) => {
      const manifest: string[] = [];
      for (;;) {
        if (signal.aborted) break;
        const next = await source.next();
        if (next.done) break;
        manifest.push(await handle(instance, next.value));
      }
      await output.put(
        dest.bucket,
        `${dest.key}infer-result-${(io.firstInstance ?? 0) + index}.manifest`,
        manifest.length > 0 ? `${manifest.join('\n')}\n` : '',
        {
          contentType: 'text/plain',
        },
      );
    }),
  );
  return counts;
}
