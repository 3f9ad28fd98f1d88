// Metrics a training script prints: a log line made only of `name=number` pairs (separated by
// spaces, tabs or commas), e.g. `epoch=3 loss=0.31 accuracy=0.9`, adds one value to the series of
// each name, in the order printed. Any other line is ignored. The log is read incrementally: each
// read goes on from where the previous one stopped.
import type { JobLogs } from './job-logs.ts';

const NAME = /^[A-Za-z_][A-Za-z0-9_.\-/]{0,63}$/;
const NUMBER = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;
/** Longer lines are not metric lines (and are never split into tokens). */
const MAX_LINE = 4096;
/** Names kept per task: the first ones printed. */
export const MAX_SERIES = 32;
/** Values kept per series; past it every other one is dropped and the series keeps every 2nd, 4th, ... value printed. */
export const MAX_VALUES = 2000;
/** Tasks whose parsing state is kept (the most recently read). */
const CACHED_TASKS = 16;

/** The pairs of a metric line; undefined for any other line. */
export function parseMetricLine(line: string): [string, number][] | undefined {
  if (line.length > MAX_LINE) return undefined;
  const tokens = line.split(/[\s,]+/).filter((t) => t !== '');
  if (tokens.length === 0) return undefined;
  const pairs: [string, number][] = [];
  for (const token of tokens) {
    const eq = token.indexOf('=');
    if (eq <= 0) return undefined;
    const name = token.slice(0, eq);
    const raw = token.slice(eq + 1);
    if (!NAME.test(name) || !NUMBER.test(raw)) return undefined;
    const value = Number(raw);
    if (!Number.isFinite(value)) return undefined;
    pairs.push([name, value]);
  }
  return pairs;
}

/** A series read from a log: `value[i]` is the (i × every)-th value printed under this name. */
export interface LogSeries {
  metric: string;
  every: number;
  value: number[];
}

interface Series {
  every: number;
  printed: number;
  value: number[];
}

/** The series of one log, grown as more of the log is read. */
export class LogMetrics {
  private readonly series = new Map<string, Series>();

  addLine(line: string): void {
    const pairs = parseMetricLine(line);
    if (!pairs) return;
    for (const [name, value] of pairs) {
      let s = this.series.get(name);
      if (!s) {
        if (this.series.size >= MAX_SERIES) continue;
        s = { every: 1, printed: 0, value: [] };
        this.series.set(name, s);
      }
      if (s.printed % s.every === 0) {
        if (s.value.length >= MAX_VALUES) {
          s.value = s.value.filter((_, i) => i % 2 === 0);
          s.every *= 2;
        }
        if (s.printed % s.every === 0) s.value.push(value);
      }
      s.printed++;
    }
  }

  list(): LogSeries[] {
    return [...this.series].map(([metric, s]) => ({ metric, every: s.every, value: [...s.value] }));
  }
}

interface TaskState {
  /** Bytes of the log consumed (whole lines only, or the start of a line too long to be a metric line). */
  offset: number;
  /** Within a line too long to be a metric line: skip to its end. */
  skipping: boolean;
  metrics: LogMetrics;
}

/** Reads the metric lines of task logs, keeping where it stopped for the tasks read last. */
export class LogMetricsReader {
  private readonly tasks = new Map<string, TaskState>();
  /** One read at a time per task, so two requests never consume the same bytes. */
  private readonly reading = new Map<string, Promise<LogSeries[]>>();

  constructor(private readonly logs: Pick<JobLogs, 'size' | 'read'>) {}

  read(jobId: string, task: string): Promise<LogSeries[]> {
    const key = `${jobId}/${task}`;
    const before: Promise<unknown> = this.reading.get(key) ?? Promise.resolve();
    const next = before.catch(() => undefined).then(() => this.readMore(key, jobId, task));
    const tracked = next.finally(() => {
      if (this.reading.get(key) === tracked) this.reading.delete(key);
    });
    this.reading.set(key, tracked);
    return tracked;
  }

  /** Forgets a task (its job was deleted). */
  forget(jobId: string, task: string): void {
    this.tasks.delete(`${jobId}/${task}`);
  }

  private async readMore(key: string, jobId: string, task: string): Promise<LogSeries[]> {
    const size = await this.logs.size(jobId, task);
    let state = this.tasks.get(key);
    if (!state || size < state.offset) state = { offset: 0, skipping: false, metrics: new LogMetrics() };
    // Most recently read last: the first entry is the one to drop.
    this.tasks.delete(key);
    this.tasks.set(key, state);
    if (this.tasks.size > CACHED_TASKS) this.tasks.delete(this.tasks.keys().next().value!);
    if (size > state.offset) {
      let carry = Buffer.alloc(0);
      let pos = state.offset;
      for await (const piece of this.logs.read(jobId, task, state.offset)) {
        // What was appended after the size was read waits for the next read.
        const part = piece.subarray(0, Math.max(0, size - pos));
        pos += part.length;
        const data = Buffer.concat([carry, part]);
        let start = 0;
        for (let nl = data.indexOf(10); nl !== -1; nl = data.indexOf(10, start)) {
          const end = nl > start && data[nl - 1] === 13 ? nl - 1 : nl;
          // A line longer than MAX_LINE is no metric line: it is not decoded.
          if (!state.skipping && end - start <= MAX_LINE) state.metrics.addLine(data.toString('utf8', start, end));
          state.skipping = false;
          state.offset += nl + 1 - start;
          start = nl + 1;
        }
        const rest = data.subarray(start);
        // A partial line waits for its end, unless it is already too long: then it is skipped up to its end.
        if (state.skipping || rest.length > MAX_LINE) {
          state.skipping = true;
          state.offset += rest.length;
          carry = Buffer.alloc(0);
        } else carry = Buffer.from(rest);
        if (pos >= size) break;
      }
    }
    return state.metrics.list();
  }
}
