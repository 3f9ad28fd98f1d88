// A serving instance: one copy of a model answering predictions (a worker thread for ONNX, a
// Python process for the model_service runtimes). The gateway only sees this interface.

export interface PredictRequest {
  /** Media type of the body: application/json or multipart/form-data; boundary=... */
  contentType: string;
  raw: Buffer;
  /** The parsed JSON body (application/json only). */
  json?: unknown;
  /** Aborting it drops the request: the instance stops waiting for the answer and frees its connection. */
  signal?: AbortSignal;
  /** The model's api path the request goes to: an Image model's servers answer several; "/" when absent. */
  path?: string;
  /** The model's server speaks HTTPS on that path (an Image model's api of protocol https). */
  tls?: boolean;
  /** The HTTP method of that api (an Image model's api may be get, put or delete); POST when absent. */
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
}

export interface PredictResponse {
  status: number;
  /** JSON-serializable answer, or an error message for status >= 400. */
  body: unknown;
  /** The answer already serialized as JSON text (then `body` is undefined). */
  jsonText?: string;
}

/**
 * Whether the caller of a prediction is still there. An AbortSignal is one; the gateway uses a plain
 * object it marks when the client goes, as a signal per prediction costs throughput.
 */
export interface PredictCaller {
  readonly aborted: boolean;
  readonly reason?: unknown;
}

export interface InstanceUsage {
  /** Cores busy since the previous call (1 = one core). */
  cpuCores: number;
  memoryMb: number;
}

export interface ServingInstance {
  readonly id: string;
  /** Resolves when the instance answers; rejects with the reason when it cannot start. */
  readonly ready: Promise<void>;
  /**
   * Answers the request. An instance that can drop it (an HTTP request to a model server) does so
   * when `req.signal` aborts; one that cannot (an ONNX worker) ignores it, so callers race the answer
   * with the signal (untilAborted).
   */
  predict(req: PredictRequest): Promise<PredictResponse>;
  usage(): Promise<InstanceUsage>;
  /** The instance's process (the leader of its process group), when it runs in a process of its own. */
  readonly pid?: number | undefined;
  /** The loopback port of the instance's HTTP server, when it has one (other replicas on this host forward to it). */
  readonly port?: number | undefined;
  /** Resolves when the instance answers its health check within `timeoutMs`; rejects with why not. */
  probe?(timeoutMs: number): Promise<void>;
  /**
   * Stops the instance; exit listeners are not called for a requested stop. `graceMs`: how long it
   * may take to exit on its own before it is killed (0: killed at once).
   */
  stop(graceMs?: number): Promise<void>;
  /** Called once if the instance dies on its own (crash, killed). */
  onExit(listener: (reason: string) => void): void;
}

export class InstanceStartError extends Error {}

/** A prediction that got no answer within the gateway's timeout (the request to the instance was dropped). */
export class PredictTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`the model did not answer within ${formatSeconds(timeoutMs)}`);
  }
}

/** The instance does not answer at all (connection refused or cut): the answer a PredictResponse carries. */
export const UNREACHABLE = 503;

export function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

/** Resolves or rejects as `work` does, or rejects with the signal's reason as soon as it aborts. */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e as Error);
      },
    );
  });
}
