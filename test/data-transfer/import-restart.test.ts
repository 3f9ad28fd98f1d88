// ImportTask (#55) is durable: an import queued by a server that stops before its worker runs it,
// and one whose server stops in the middle of it, are finished by the next server on the same data
// directory, and no sample comes in twice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { buildApp } from '#src/app.ts';
import { AtelierClient } from '#src/client/index.ts';
import { dataTransferOperations as ops } from '#src/modules/data-transfer/operations.ts';
import { restartedApp, startTestApp, type TestApp } from '../helpers/app.ts';
import { createBody, datasetReady, eventually, PNG, putFile } from '../datasets/fixtures.ts';

const FILES = 6000;

/** A server on the same data directory with no background work: what it queues stays queued. */
async function idleApp(t: TestApp) {
  const atelier = await buildApp(t.config);
  await atelier.recover();
  await atelier.app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(atelier.app.server.address() as AddressInfo).port}`;
  return { atelier, client: new AtelierClient(url, { kind: 'aksk', ak: t.creds.ak, sk: t.creds.sk, projectId: t.creds.project_id }) };
}

const finished = (client: AtelierClient, datasetId: string, taskId: string) =>
  eventually(
    `import ${taskId}`,
    () => client.datasets.describeImportTask(datasetId, taskId),
    (x) => x.status === 'COMPLETED' || x.status === 'FAILED',
    60_000,
  );

async function distinctSources(client: AtelierClient, datasetId: string): Promise<{ count: number; distinct: number }> {
  const names: string[] = [];
  for (let offset = 0; ; offset++) {
    const page = await client.samples.list(datasetId, { offset, limit: 100 });
    names.push(...page.samples.map((s) => s.source));
    if (page.samples.length < 100) break;
  }
  return { count: names.length, distinct: new Set(names).size };
}

test('an import queued before a stop, then stopped mid-way, is finished by the next server without duplicates', async () => {
  const t = await startTestApp();
  const running: { close(): Promise<void> }[] = [];
  try {
    t.atelier.startBackground();
    putFile(t, '/rst/start/a.png', PNG);
    for (let i = 0; i < FILES; i++) putFile(t, `/rst/more/${i % 2 ? 'cat' : 'dog'}/f${String(i).padStart(5, '0')}.png`, PNG);
    const { dataset_id } = await t.client.datasets.create(createBody('restart-import', '/rst/start/', '/rst/out/'));
    await datasetReady(t.client, dataset_id);
    await t.atelier.close();

    // A server that queues the import and stops before any worker takes it.
    const idle = await idleApp(t);
    running.push(idle.atelier);
    const { task_id } = await idle.client.http.op(ops.ImportTask, { params: { dataset_id }, body: { import_path: '/rst/more/' } });
    assert.equal((await idle.client.datasets.describeImportTask(dataset_id, task_id)).status, 'QUEUING');
    await idle.atelier.close();

    // The next one starts it; it stops as soon as a first batch is in.
    const second = await restartedApp(t);
    running.push(second.atelier);
    const midway = await eventually(
      'a first batch imported',
      () => second.client.datasets.describeImportTask(dataset_id, task_id),
      (x) => x.imported_sample_count > 0 || x.status === 'COMPLETED',
      60_000,
    );
    await second.atelier.close();
    const stoppedAt = midway.imported_sample_count;
    assert.ok(stoppedAt < FILES, `stopped mid-way (${stoppedAt} of ${FILES} in)`);

    const third = await restartedApp(t);
    running.push(third.atelier);
    const done = await finished(third.client, dataset_id, task_id);
    assert.equal(done.status, 'COMPLETED', done.error_msg);
    // A batch and the task's counts commit together: a stop anywhere leaves them agreeing, so the counts are exact.
    assert.deepEqual([done.imported_sample_count, done.annotated_sample_count], [FILES, FILES], `stopped at ${stoppedAt}; exact counts after the restart`);
    const d = await third.client.datasets.describe(dataset_id);
    assert.equal(d.total_sample_count, FILES + 1);
    const { count, distinct } = await distinctSources(third.client, dataset_id);
    assert.deepEqual([count, distinct], [FILES + 1, FILES + 1], 'every source once');
  } finally {
    for (const a of running) await a.close().catch(() => undefined);
    await t.close();
  }
});
