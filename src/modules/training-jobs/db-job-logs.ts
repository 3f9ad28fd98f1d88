// The kubernetes executor's task logs and metric samples, kept in the shared database so that every replica serves
// them, whichever one followed the job and whether or not it still runs. Each stream (a task's log, its samples) is a
// sequence of chunks of at most CHUNK_BYTES, appended in order; a small append (a service line, a second's samples) is
// added to the last chunk while that stays under SMALL_CHUNK_BYTES, so a long job's samples are not a row each. A stream
// stops growing at its cap.
import { sql } from 'kysely';
import type { Database, Db } from '#src/db/database.ts';
import { isUniqueViolation } from '#src/db/driver-errors.ts';
import { tailOf, type LogTail } from '#src/runtime/local/log-tail.ts';
import { parseSamples, type JobLogs } from './job-logs.ts';
import type { TrainingJobLogRow } from './tables.ts';
import type { MetricSample } from './task-metrics.ts';

type Stream = TrainingJobLogRow['stream'];

export const CHUNK_BYTES = 256 * 1024;
/** Appends join the last chunk up to this size (rewriting it); a bigger one is followed by a new chunk. */
const SMALL_CHUNK_BYTES = 16 * 1024;
/** A task's log holds at most this much: both its containers' copied logs (16 MiB each) and its service lines. */
export const LOG_CAP_BYTES = 40 * 1024 * 1024;
/** A task's samples: about a week of one sample a second. */
const SAMPLES_CAP_BYTES = 32 * 1024 * 1024;
/** Chunks read per query while streaming. */
const PAGE = 16;
/** Tries of an append that another writer of the same stream got ahead of. */
const APPEND_TRIES = 5;

export class DbJobLogs implements JobLogs {
  /** Appends to one stream from this process go in the order made; other replicas' wait for the stream's lock. */
  private readonly appending = new Map<string, Promise<void>>();

  private readonly db: Db;

  constructor(private readonly database: Pick<Database, 'db' | 'dialect'>) {
    this.db = database.db;
  }

  append(jobId: string, task: string, text: string): Promise<void> {
    return this.appendTo(jobId, task, 'log', Buffer.from(text, 'utf8'), LOG_CAP_BYTES);
  }

  async addSamples(jobId: string, samples: { task: string; sample: MetricSample }[]): Promise<void> {
    const byTask = new Map<string, string>();
    for (const { task, sample } of samples) byTask.set(task, `${byTask.get(task) ?? ''}${JSON.stringify(sample)}\n`);
    await Promise.all([...byTask].map(([task, lines]) => this.appendTo(jobId, task, 'metrics', Buffer.from(lines, 'utf8'), SAMPLES_CAP_BYTES)));
  }

  async samples(jobId: string, task: string): Promise<MetricSample[]> {
    const pieces: Buffer[] = [];
    for await (const piece of this.chunks(jobId, task, 'metrics', 0, Number.MAX_SAFE_INTEGER)) pieces.push(piece);
    return parseSamples(Buffer.concat(pieces).toString('utf8'));
  }

  async size(jobId: string, task: string): Promise<number> {
    const row = await this.db
      .selectFrom('training_job_logs')
      .select(sql<number>`start_offset + length(data)`.as('end'))
      .where('job_id', '=', jobId)
      .where('task', '=', task)
      .where('stream', '=', 'log')
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? Number(row.end) : 0;
  }

  async tail(jobId: string, task: string, maxBytes: number): Promise<LogTail> {
    const size = await this.size(jobId, task);
    const from = Math.max(0, size - maxBytes);
    const pieces: Buffer[] = [];
    for await (const piece of this.chunks(jobId, task, 'log', from)) pieces.push(piece);
    const end = Buffer.concat(pieces);
    return tailOf(end.subarray(0, Math.min(end.length, size - from)), size);
  }

  read(jobId: string, task: string, offset = 0): AsyncIterable<Buffer> {
    return this.chunks(jobId, task, 'log', offset);
  }

  async remove(jobId: string): Promise<void> {
    await this.db.deleteFrom('training_job_logs').where('job_id', '=', jobId).execute();
  }

  /** The stream's bytes from `offset` on, `page` chunks per query. */
  private async *chunks(jobId: string, task: string, stream: Stream, offset: number, page = PAGE): AsyncIterable<Buffer> {
    let seq = -1;
    for (;;) {
      const rows = await this.db
        .selectFrom('training_job_logs')
        .select(['seq', 'start_offset', 'data'])
        .where('job_id', '=', jobId)
        .where('task', '=', task)
        .where('stream', '=', stream)
        .where('seq', '>', seq)
        .where(sql<number>`start_offset + length(data)`, '>', offset)
        .orderBy('seq')
        .limit(page)
        .execute();
      for (const row of rows) {
        const data = Buffer.from(row.data);
        yield Number(row.start_offset) < offset ? data.subarray(offset - Number(row.start_offset)) : data;
        seq = row.seq;
      }
      if (rows.length < page) return;
    }
  }

  /** The stream's last chunk: where it ends, and its bytes when it is small enough to be added to. */
  private async last(db: Db, jobId: string, task: string, stream: Stream): Promise<{ seq: number; end: number; length: number; small?: Buffer } | undefined> {
    const row = await db
      .selectFrom('training_job_logs')
      .select([
        'seq',
        'start_offset',
        sql<number>`length(data)`.as('length'),
        sql<Buffer | null>`case when length(data) < ${SMALL_CHUNK_BYTES} then data end`.as('small'),
      ])
      .where('job_id', '=', jobId)
      .where('task', '=', task)
      .where('stream', '=', stream)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!row) return undefined;
    const length = Number(row.length);
    return { seq: row.seq, end: Number(row.start_offset) + length, length, ...(row.small ? { small: Buffer.from(row.small) } : {}) };
  }

  private appendTo(jobId: string, task: string, stream: Stream, bytes: Buffer, cap: number): Promise<void> {
    const key = `${jobId}\n${task}\n${stream}`;
    const next = (this.appending.get(key) ?? Promise.resolve()).catch(() => undefined).then(() => this.insert(jobId, task, stream, bytes, cap));
    this.appending.set(key, next);
    void next
      .finally(() => {
        if (this.appending.get(key) === next) this.appending.delete(key);
      })
      .catch(() => undefined);
    return next;
  }

  private async insert(jobId: string, task: string, stream: Stream, bytes: Buffer, cap: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.db.transaction().execute((trx) => this.appendOnce(trx, jobId, task, stream, bytes, cap));
        return;
      } catch (e) {
        // Another writer of the stream (a process on the same SQLite file) got ahead: append after it.
        if (!isUniqueViolation(e) || attempt >= APPEND_TRIES) throw e;
      }
    }
  }

  private async appendOnce(db: Db, jobId: string, task: string, stream: Stream, bytes: Buffer, cap: number): Promise<void> {
    // Appends to one stream wait for each other: on PostgreSQL by a lock on the stream held until the transaction ends
    // (SQLite runs one writing transaction at a time anyway).
    if (this.database.dialect === 'postgres')
      await sql`select pg_advisory_xact_lock(hashtextextended(${`training-log\n${jobId}\n${task}\n${stream}`}, 0))`.execute(db);
    const last = await this.last(db, jobId, task, stream);
    const size = last?.end ?? 0;
    const kept = capped(bytes, size, cap, stream);
    if (kept.length === 0) return;
    if (last?.small && last.length + kept.length <= SMALL_CHUNK_BYTES) {
      await db
        .updateTable('training_job_logs')
        .set({ data: Buffer.concat([last.small, kept]) })
        .where('job_id', '=', jobId)
        .where('task', '=', task)
        .where('stream', '=', stream)
        .where('seq', '=', last.seq)
        .execute();
      return;
    }
    const rows: TrainingJobLogRow[] = [];
    for (let at = 0, seq = (last?.seq ?? -1) + 1; at < kept.length; at += CHUNK_BYTES, seq++)
      rows.push({ job_id: jobId, task, stream, seq, start_offset: size + at, data: kept.subarray(at, at + CHUNK_BYTES) });
    await db.insertInto('training_job_logs').values(rows).execute();
  }
}

/** What of `bytes` fits a stream of `size` bytes under `cap`; a log that reaches its cap ends with a line saying so. */
function capped(bytes: Buffer, size: number, cap: number, stream: Stream): Buffer {
  if (stream === 'metrics') {
    if (size + bytes.length <= cap) return bytes;
    return size >= cap ? Buffer.alloc(0) : bytes.subarray(0, bytes.lastIndexOf(10, cap - size - 1) + 1);
  }
  const note = Buffer.from(`\n[ModelArts Service Log] this log reached its cap of ${cap / 1024 / 1024} MiB: what follows was dropped\n`);
  if (size + bytes.length <= cap - note.length) return bytes;
  const room = cap - note.length - size;
  return room < 0 ? Buffer.alloc(0) : Buffer.concat([bytes.subarray(0, room), note]);
}
