// The two keepers of task logs and metric samples answer alike: the local executor's files and the kubernetes
// executor's chunks in the database. The database one also holds when two replicas append to one log at once, splits
// big appends into bounded chunks, joins small ones, and stops a log at its cap with a line saying so.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Database } from '#src/db/database.ts';
import { migrateToLatest } from '#src/db/migrate.ts';
import { CHUNK_BYTES, DbJobLogs, LOG_CAP_BYTES } from '#src/modules/training-jobs/db-job-logs.ts';
import { FileJobLogs } from '#src/modules/training-jobs/file-job-logs.ts';
import { JobLayout } from '#src/modules/training-jobs/job-layout.ts';
import type { JobLogs } from '#src/modules/training-jobs/job-logs.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

async function readAll(logs: JobLogs, job: string, task: string, offset?: number): Promise<string> {
  const pieces: Buffer[] = [];
  for await (const piece of logs.read(job, task, offset)) pieces.push(piece);
  return Buffer.concat(pieces).toString('utf8');
}

describe('job logs', () => {
  let dir: string;
  let database: TestDatabase;
  let opened: Database;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'atelier-job-logs-'));
    database = await createTestDatabase();
    opened = openDatabase(database.url);
    await migrateToLatest(opened.db);
  });
  after(async () => {
    await opened?.close();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const backend of ['files', 'database'] as const)
    test(`append, size, read from an offset, tail from a line start, samples, remove (${backend})`, async () => {
      const logs: JobLogs = backend === 'files' ? new FileJobLogs(new JobLayout(dir)) : new DbJobLogs(opened);
      const job = `job-${backend}`;
      assert.equal(await logs.size(job, 'worker-0'), 0);
      assert.deepEqual(await logs.tail(job, 'worker-0', 100), { content: '', currentSize: 0, fullSize: 0 });
      assert.equal(await readAll(logs, job, 'worker-0'), '');
      const big = `${'a'.repeat(CHUNK_BYTES - 3)}\nb\n${'é'.repeat(10)}\n`;
      await logs.append(job, 'worker-0', 'first\n');
      await logs.append(job, 'worker-0', big);
      await logs.append(job, 'worker-0', 'last line\n');
      await logs.append(job, 'worker-1', 'other task\n');
      const whole = `first\n${big}last line\n`;
      assert.equal(await logs.size(job, 'worker-0'), Buffer.byteLength(whole));
      assert.equal(await readAll(logs, job, 'worker-0'), whole);
      assert.equal(await readAll(logs, job, 'worker-0', 6 + CHUNK_BYTES - 3), `\nb\n${'é'.repeat(10)}\nlast line\n`);
      // A cut inside the last lines moves forward to the next line start.
      assert.deepEqual(await logs.tail(job, 'worker-0', 15), { content: 'last line\n', currentSize: 10, fullSize: Buffer.byteLength(whole) });
      assert.equal((await logs.tail(job, 'worker-1', 100)).content, 'other task\n');

      await logs.addSamples(job, [
        { task: 'worker-0', sample: { at: 1, cpu: 10, mem: 1 } },
        { task: 'worker-1', sample: { at: 1, cpu: 20, mem: 2 } },
      ]);
      await logs.addSamples(job, [{ task: 'worker-0', sample: { at: 2, cpu: 30, mem: 3, rd: 5, wr: 6 } }]);
      assert.deepEqual(await logs.samples(job, 'worker-0'), [
        { at: 1, cpu: 10, mem: 1 },
        { at: 2, cpu: 30, mem: 3, rd: 5, wr: 6 },
      ]);
      assert.deepEqual(await logs.samples(job, 'worker-1'), [{ at: 1, cpu: 20, mem: 2 }]);

      await logs.remove(job);
      assert.equal(await logs.size(job, 'worker-0'), 0);
      assert.deepEqual(await logs.samples(job, 'worker-0'), []);
    });

  test('two replicas appending to one log at once lose nothing and keep the chunks in order; small appends share a chunk, big ones are split', async () => {
    const a = new DbJobLogs(opened);
    const b = new DbJobLogs(opened);
    const lines = (who: string) => Array.from({ length: 40 }, (_, i) => `${who} ${i}\n`);
    await Promise.all([
      (async () => {
        for (const l of lines('a')) await a.append('shared', 'worker-0', l);
      })(),
      (async () => {
        for (const l of lines('b')) await b.append('shared', 'worker-0', l);
      })(),
    ]);
    const got = (await readAll(a, 'shared', 'worker-0')).split('\n').filter(Boolean);
    assert.deepEqual(
      got.filter((l) => l.startsWith('a ')),
      lines('a').map((l) => l.trim()),
    );
    assert.deepEqual(
      got.filter((l) => l.startsWith('b ')),
      lines('b').map((l) => l.trim()),
    );
    /** Each chunk of a job's log as [seq, start, bytes]. */
    const chunksOf = async (job: string) =>
      (await opened.db.selectFrom('training_job_logs').select(['seq', 'start_offset', 'data']).where('job_id', '=', job).orderBy('seq').execute()).map((r) => [
        r.seq,
        Number(r.start_offset),
        Buffer.from(r.data).length,
      ]);
    assert.equal((await chunksOf('shared')).length, 1, 'eighty short lines in one chunk');

    // Short lines and blocks too big to join a chunk, at once: the chunks still follow each other without gap or overlap.
    const block = (i: number) => `${String(i).repeat(20 * 1024 - 1)}\n`;
    await Promise.all([
      (async () => {
        for (const l of lines('a')) await a.append('mixed', 'worker-0', l);
      })(),
      (async () => {
        for (let i = 0; i < 10; i++) await b.append('mixed', 'worker-0', block(i));
      })(),
    ]);
    const mixed = await chunksOf('mixed');
    mixed.forEach(([seq, start], i) => {
      assert.equal(seq, i);
      assert.equal(start, i === 0 ? 0 : mixed[i - 1]![1]! + mixed[i - 1]![2]!, JSON.stringify(mixed));
    });
    const mixedLines = (await readAll(a, 'mixed', 'worker-0')).split('\n').filter(Boolean);
    assert.deepEqual(
      mixedLines.filter((l) => l.startsWith('a ')),
      lines('a').map((l) => l.trim()),
    );
    assert.deepEqual(
      mixedLines.filter((l) => !l.startsWith('a ')),
      Array.from({ length: 10 }, (_, i) => block(i).trim()),
    );

    await a.append('split', 'worker-0', 'x'.repeat(CHUNK_BYTES * 2 + 10));
    assert.deepEqual(await chunksOf('split'), [
      [0, 0, CHUNK_BYTES],
      [1, CHUNK_BYTES, CHUNK_BYTES],
      [2, CHUNK_BYTES * 2, 10],
    ]);
  });

  test('a log stops at its cap, saying so once', async () => {
    const logs = new DbJobLogs(opened);
    const block = `${'y'.repeat(1024 * 1024 - 1)}\n`;
    for (let i = 0; i < LOG_CAP_BYTES / block.length + 2; i++) await logs.append('capped', 'worker-0', block);
    await logs.append('capped', 'worker-0', 'after the cap\n');
    assert.equal(await logs.size('capped', 'worker-0'), LOG_CAP_BYTES);
    const tail = await logs.tail('capped', 'worker-0', 200);
    assert.match(tail.content, /^\[ModelArts Service Log\] this log reached its cap of 40 MiB: what follows was dropped\n$/);
  });
});
