import { Worker } from 'node:worker_threads';
import {
  formatSeconds,
  InstanceStartError,
  UNREACHABLE,
  untilAborted,
  type InstanceUsage,
  type PredictRequest,
  type PredictResponse,
  type ServingInstance,
} from './instance.ts';

type Reply = { id: number; ok: true; text: string } | { id: number; ok: false; status: number; message: string };

// Workers load TypeScript through tsx, registered inside the worker before the entry is imported
// (a worker does not inherit the parent's --import loader).
const entry = new URL('./onnx-worker.ts', import.meta.url).href;
const tsxApi = import.meta.resolve('tsx/esm/api');
const boot = `const { register } = await import(${JSON.stringify(tsxApi)}); register(); await import(${JSON.stringify(entry)});`;
const bootUrl = new URL(`data:text/javascript,${encodeURIComponent(boot)}`);

/** An ONNX model served natively by onnxruntime-node in a worker thread. */
export class OnnxInstance implements ServingInstance {
  readonly ready: Promise<void>;
  private readonly worker: Worker;
  private readonly pending = new Map<number, (r: Reply) => void>();
  private nextId = 1;
  private stopping = false;
  private exitListener: ((reason: string) => void) | undefined;
  private lastBusy = 0;
  private lastAt = performance.now();

  constructor(
    readonly id: string,
    modelFile: string,
  ) {
    this.worker = new Worker(bootUrl, { workerData: { modelFile } });
    this.ready = new Promise<void>((resolve, reject) => {
      const onFirst = (m: { ready?: boolean; message?: string }) => {
        if (m.ready === undefined) return;
        this.worker.off('message', onFirst);
        if (m.ready) resolve();
        else reject(new InstanceStartError(`the ONNX model cannot be loaded: ${m.message ?? ''}`));
      };
      this.worker.on('message', onFirst);
      this.worker.once('exit', (code) => reject(new InstanceStartError(`the ONNX worker exited with code ${code} while starting`)));
    });
    this.ready.catch(() => undefined);
    this.worker.on('message', (m: Reply | { ready: boolean }) => {
      if (!('id' in m)) return;
      const done = this.pending.get(m.id);
      this.pending.delete(m.id);
      done?.(m);
    });
    this.worker.on('error', () => undefined);
    this.worker.on('exit', (code) => {
      for (const done of this.pending.values()) done({ id: 0, ok: false, status: UNREACHABLE, message: 'the instance stopped' });
      this.pending.clear();
      if (!this.stopping) this.exitListener?.(`the ONNX worker exited with code ${code}`);
    });
  }

  /** Posts a message to the worker; an abort drops the pending answer (the worker cannot be interrupted). */
  private call(msg: { text?: string; stats?: true }, signal?: AbortSignal): Promise<Reply> {
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    const id = this.nextId++;
    const answer = new Promise<Reply>((resolve) => {
      this.pending.set(id, resolve);
      this.worker.postMessage({ id, ...msg });
    });
    if (!signal) return answer;
    const onAbort = () => this.pending.delete(id);
    signal.addEventListener('abort', onAbort, { once: true });
    return untilAborted(answer, signal).finally(() => signal.removeEventListener('abort', onAbort));
  }

  async predict(req: PredictRequest): Promise<PredictResponse> {
    if (!req.contentType.startsWith('application/json')) {
      return { status: 400, body: 'header.content-type must be application/json for an ONNX model' };
    }
    // req.signal is not read: the worker cannot be interrupted, callers race the answer with their
    // signal, and a late answer only settles a promise nobody waits for.
    const r = await this.call({ text: req.raw.length > 0 ? req.raw.toString('utf8') : '{}' });
    return r.ok ? { status: 200, body: undefined, jsonText: r.text } : { status: r.status, body: r.message };
  }

  /** The worker's message loop answers a stats request in time. */
  async probe(timeoutMs: number): Promise<void> {
    const r = await this.call({ stats: true }, AbortSignal.timeout(timeoutMs)).catch(() => {
      throw new Error(`the ONNX worker did not answer within ${formatSeconds(timeoutMs)}`);
    });
    if (!r.ok) throw new Error(r.message);
  }

  async usage(): Promise<InstanceUsage> {
    // A busy or stuck worker must not hold the monitor API.
    const r = await this.call({ stats: true }, AbortSignal.timeout(5000)).catch(() => undefined);
    if (!r?.ok) return { cpuCores: 0, memoryMb: 0 };
    const s = JSON.parse(r.text) as { busyMs: number; heapBytes: number };
    const now = performance.now();
    // Inference time over wall time: the session runs single-threaded, so this is its core use.
    const cores = now > this.lastAt ? (s.busyMs - this.lastBusy) / (now - this.lastAt) : 0;
    this.lastBusy = s.busyMs;
    this.lastAt = now;
    return { cpuCores: Math.max(0, Math.min(1, cores)), memoryMb: Math.round(s.heapBytes / 1024 / 1024) };
  }

  /** A worker thread is terminated at once: there is nothing for it to finish. */
  async stop(_graceMs?: number): Promise<void> {
    this.stopping = true;
    await this.worker.terminate();
  }

  onExit(listener: (reason: string) => void): void {
    this.exitListener = listener;
  }
}
