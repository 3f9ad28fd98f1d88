// Datasets for the samples tests, made through the datasets API as a client would, and input files
// dropped into the fs object store.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import assert from 'node:assert/strict';
import type { AtelierClient } from '#src/client/index.ts';
import type { TestApp } from '../helpers/app.ts';

/** A 1x1 PNG. */
export const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

export const objectFile = (t: TestApp, path: string): string => join(t.config.dataDir, 'obs', path);

/** Writes `/bucket/key` straight into the fs object store's folder. */
export function putFile(t: TestApp, path: string, content: string | Buffer): void {
  const file = objectFile(t, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
}

interface DatasetSummary {
  status: number;
  total_sample_count: number;
}

let seq = 0;

/**
 * Creates a dataset of a type over `/<bucket>/<name>/in/` (made here, holding `files`) and waits for
 * its input scan to finish. Returns its id and input folder.
 */
export async function createDataset(
  t: TestApp,
  opts: {
    type?: number;
    client?: AtelierClient;
    labels?: { name: string; type?: number; property?: Record<string, unknown> }[];
    files?: Record<string, string | Buffer>;
  } = {},
): Promise<{ id: string; input: string }> {
  const client = opts.client ?? t.client;
  const name = `ds-${++seq}-${Date.now() % 100000}`;
  const input = `/samples-bucket/${name}/in/`;
  mkdirSync(objectFile(t, input), { recursive: true });
  for (const [rel, content] of Object.entries(opts.files ?? {})) putFile(t, `${input}${rel}`, content);
  const r = await client.http.call<{ dataset_id: string }>('POST', '/v2/{project_id}/datasets', {
    body: {
      dataset_name: name,
      dataset_type: opts.type ?? 0,
      data_sources: [{ data_type: 0, data_path: input }],
      work_path: `/samples-bucket/${name}/out/`,
      work_path_type: 0,
      ...(opts.labels ? { labels: opts.labels } : {}),
    },
  });
  const deadline = Date.now() + 20_000;
  for (;;) {
    const d = await client.http.call<DatasetSummary>('GET', '/v2/{project_id}/datasets/{dataset_id}', { params: { dataset_id: r.dataset_id } });
    if (d.status === 1) break;
    assert.ok(Date.now() < deadline, `dataset ${r.dataset_id} still has status ${d.status}`);
    await new Promise((res) => setTimeout(res, 20));
  }
  return { id: r.dataset_id, input };
}

export const b64 = (s: string | Buffer): string => Buffer.from(s).toString('base64');

interface RawAnswer {
  status: number;
  json: unknown;
  text: string;
}

interface BatchAnswer {
  success: boolean;
  error_code?: string;
  error_msg?: string;
  results?: { success: boolean; error_code?: string; error_msg?: string; name?: string; info?: string }[];
}

/**
 * The batch APIs (#13, #14, #25) answer 200 and fail bad items alone: the error of item `i`, after
 * checking that the answer says the batch did not all succeed.
 */
export function itemError(res: RawAnswer, i = 0): { error_code: string; error_msg: string } {
  assert.equal(res.status, 200, res.text);
  const body = res.json as BatchAnswer;
  assert.equal(body.success, false, res.text);
  assert.equal(typeof body.error_code, 'string', 'the first failure code is given overall');
  const item = body.results?.[i];
  assert.ok(item, `results[${i}] in ${res.text}`);
  assert.equal(item.success, false, res.text);
  assert.ok(item.error_code && item.error_msg, res.text);
  return { error_code: item.error_code, error_msg: item.error_msg };
}

/** The object path (`/bucket/key`) a signed object URL names. */
export function objectPathOf(url: string): string {
  const u = new URL(url);
  assert.ok(u.pathname.startsWith('/objects/'), url);
  assert.ok(u.searchParams.get('Signature') && u.searchParams.get('Expires'), url);
  return decodeURIComponent(u.pathname.slice('/objects'.length));
}
