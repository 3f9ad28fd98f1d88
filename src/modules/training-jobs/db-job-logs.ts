// The kubernetes executor's task logs and metric samples, kept in the shared database so that every replica serves
// them, whichever one followed the job and whether or not it still runs. Each stream (a task's log, its samples) is a
// sequence of chunks of at most CHUNK_BYTES, appended in order; a stream stops growing at its cap.
import { sql } from 'kysely';
import type { Db } from '#src/db/database.ts';
import { isUniqueViolation } from '#src/db/driver-errors.ts';
import { tailOf, type LogTail } from '#src/runtime/local/log-tail.ts';
import { parseSamples, type JobLogs } from './job-logs.ts';
import type { TrainingJobLogRow } from './tables.ts';
import type { MetricSample } from './task-metrics.ts';

type Stream = TrainingJobLogRow['stream'];

export const CHUNK_BYTES = 256 * 1024;
/** A task's log holds at most this much: both its containers' copied logs (16 MiB each) and its service lines. */
export const LOG_CAP_BYTES = 40 * 1024 * 1024;
/** A task's samples: about a week of one sample a second. */
const SAMPLES_CAP_BYTES = 32 * 1024 * 1024;
/** Chunks read per query while streaming. */
const PAGE = 16;
/** Tries of an append that another replica's append to the same stream got ahead of. */
const APPEND_TRIES = 5;

export class DbJobLogs implements JobLogs {
  /** One append at a time per stream in this process; other replicas are told apart by the key on (stream, seq). */
  private readonly appending = new Map<string, Promise<void>>();

  constructor(private readonly db: Db) {}

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
    for await (const piece of this.chunks(jobId, task, 'metrics', 0)) pieces.push(piece);
    return parseSamples(Buffer.concat(pieces).toString('utf8'));
  }

  async size(jobId: string, task: string): Promise<number> {
    return (await this.last(jobId, task, 'log'))?.end ?? 0;
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

  /** The stream's bytes from `offset` on, a page of chunks per query. */
  private async *chunks(jobId: string, task: string, stream: Stream, offset: number): AsyncIterable<Buffer> {
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
        .limit(PAGE)
        .execute();
      for (const row of rows) {
        const data = Buffer.from(row.data);
        yield Number(row.start_offset) < offset ? data.subarray(offset - Number(row.start_offset)) : data;
        seq = row.seq;
      }
      if (rows.length < PAGE) return;
    }
  }

  private async last(jobId: string, task: string, stream: Stream): Promise<{ seq: number; end: number } | undefined> {
    const row = await this.db
      .selectFrom('training_job_logs')
      .select(['seq', sql<number>`start_offset + length(data)`.as('end')])
      .where('job_id', '=', jobId)
      .where('task', '=', task)
      .where('stream', '=', stream)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row && { seq: row.seq, end: Number(row.end) };
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
      const last = await this.last(jobId, task, stream);
      const size = last?.end ?? 0;
      const kept = capped(bytes, size, cap, stream);
      if (kept.length === 0) return;
      const rows: TrainingJobLogRow[] = [];
      for (let at = 0, seq = (last?.seq ?? -1) + 1; at < kept.length; at += CHUNK_BYTES, seq++)
        rows.push({ job_id: jobId, task, stream, seq, start_offset: size + at, data: kept.subarray(at, at + CHUNK_BYTES) });
      try {
        await this.db.insertInto('training_job_logs').values(rows).execute();
        return;
      } catch (e) {
        // Another replica appended meanwhile: append after it.
        if (!isUniqueViolation(e) || attempt >= APPEND_TRIES) throw e;
      }
    }
  }
}

/** What of `bytes` fits a stream of `size` bytes under `cap`; a log that reaches its cap ends with a line saying so. */
function capped(bytes: Buffer, size: number, cap: number, stream: Stream): Buffer {
  if (size + bytes.length <= cap) return bytes;
  if (size >= cap) return Buffer.alloc(0);
  if (stream === 'metrics') return bytes.subarray(0, Math.max(0, bytes.lastIndexOf(10, cap - size - 1) + 1));
  const note = Buffer.from(`\n[ModelArts Service Log] this log reached its cap of ${cap / 1024 / 1024} MiB: what follows was dropped\n`);
  const room = cap - size - note.length;
  return room <= 0 ? Buffer.alloc(0) : Buffer.concat([bytes.subarray(0, room), note]);
}
