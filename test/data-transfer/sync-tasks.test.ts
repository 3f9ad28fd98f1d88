// SyncDataSource (#60) and SyncDataSourceState (#61): a re-scan of the input folder adds the new
// files' samples and removes the samples whose files are gone; the state shows the newest sync.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Value } from 'typebox/value';
import { dataTransferOperations as ops } from '#src/modules/data-transfer/operations.ts';
import { SyncDataSourceStateResponse } from '#src/modules/data-transfer/sync-schemas.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { createBody, datasetReady, eventually, PNG, putFile } from '../datasets/fixtures.ts';

describe('SyncDataSource (#60, #61)', () => {
  let t: TestApp;
  let datasetId: string;
  const state = (id: string) => t.client.http.op(ops.SyncDataSourceState, { params: { dataset_id: id } });
  const sync = (id: string) => t.client.http.op(ops.SyncDataSource, { params: { dataset_id: id } });
  before(async () => {
    t = await startTestApp();
    t.atelier.startBackground();
    for (let i = 0; i < 4; i++) putFile(t, `/syn/in/cat/c${i}.png`, PNG);
    datasetId = (await t.client.datasets.create(createBody('sync-me', '/syn/in/', '/syn/out/'))).dataset_id;
    await datasetReady(t.client, datasetId);
  });
  after(() => t.close());

  test('never synchronized: NOT_EXIST', async () => {
    assert.deepEqual(await state(datasetId), { status: 'NOT_EXIST', dataset_id: datasetId });
  });

  test('new files become samples, removed files lose theirs; the state counts both', async () => {
    putFile(t, '/syn/in/dog/d0.png', PNG);
    putFile(t, '/syn/in/dog/d1.png', PNG);
    rmSync(join(t.config.dataDir, 'obs', '/syn/in/cat/c0.png'));
    assert.deepEqual(await sync(datasetId), {});
    const s = await eventually(
      'sync',
      () => state(datasetId),
      (x) => x.status === 'COMPLETED' || x.status === 'FAILED',
    );
    assert.ok(Value.Check(SyncDataSourceStateResponse, s));
    assert.equal(s.status, 'COMPLETED', s.error_msg);
    assert.deepEqual([s.add_sample_count, s.deleted_sample_count, s.total_sample_count], [2, 1, 5]);
    assert.match(s.task_id!, new RegExp(`^${datasetId}_`));
    const d = await t.client.datasets.describe(datasetId);
    assert.equal(d.total_sample_count, 5);
    const names = (await t.client.samples.list(datasetId, { limit: 10 })).samples.map((x) => x.sample_name ?? '').sort();
    assert.ok(!names.includes('c0.png'), names.join());
    assert.ok(names.includes('d1.png'), names.join());

    assert.deepEqual(await sync(datasetId), {});
    const again = await eventually(
      'sync again',
      () => state(datasetId),
      (x) => x.task_id !== s.task_id && (x.status === 'COMPLETED' || x.status === 'FAILED'),
    );
    assert.deepEqual([again.add_sample_count, again.deleted_sample_count, again.total_sample_count], [0, 0, 5]);
  });

  test('another account: 404', async () => {
    const other = await t.newTenant('sync-other');
    await assert.rejects(
      other.http.op(ops.SyncDataSourceState, { params: { dataset_id: datasetId } }),
      (e: unknown) => (e as { status: number }).status === 404,
    );
  });
});
