// Shared steps of the datasets tests: input files dropped into the fs object store as a user would,
// dataset requests with sensible defaults, and waiting for background work through the API.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import assert from 'node:assert/strict';
import type { Static } from 'typebox';
import type { AtelierClient } from '#src/client/index.ts';
import type { CreateDatasetRequest, DatasetResponse } from '#src/modules/datasets/schemas.ts';
import type { DatasetVersion } from '#src/modules/datasets/version-schemas.ts';
import type { TestApp } from '../helpers/app.ts';

/** A 1x1 PNG: a real image, for any reader that looks inside. */
export const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

/** Writes `/bucket/key` straight into the fs object store's folder. */
export function putFile(t: TestApp, path: string, content: string | Buffer): void {
  const file = join(t.config.dataDir, 'obs', path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
}

export type CreateBody = Static<typeof CreateDatasetRequest>;

export function createBody(name: string, input: string, work: string, extra: Partial<CreateBody> = {}): CreateBody {
  return {
    workspace_id: '0',
    dataset_name: name,
    dataset_type: 0,
    data_sources: [{ data_type: 0, data_path: input }],
    description: '',
    work_path: work,
    work_path_type: 0,
    ...extra,
  };
}

/** Polls until `check` passes (the background work is done), failing after `ms`. */
export async function eventually<T>(what: string, get: () => Promise<T>, check: (v: T) => boolean, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (check(v)) return v;
    assert.ok(Date.now() < deadline, `${what}: still ${JSON.stringify(v).slice(0, 400)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export function datasetReady(client: AtelierClient, id: string): Promise<Static<typeof DatasetResponse>> {
  return eventually(
    `dataset ${id} normal`,
    () => client.datasets.describe(id),
    (d) => d.status === 1,
  );
}

export function versionDone(client: AtelierClient, datasetId: string, versionId: string): Promise<Static<typeof DatasetVersion>> {
  return eventually(
    `version ${versionId} done`,
    () => client.datasets.describeVersion(datasetId, versionId),
    (v) => v.status !== 0,
  );
}
