// A serving instance: one copy of a model answering predictions (a worker thread for ONNX, a
// Python process for the model_service runtimes). The gateway only sees this interface.

export interface PredictRequest {
  /** Media type of the body: application/json or multipart/form-data; boundary=... */
  contentType: string;
  raw: Buffer;
  /** The parsed JSON body (application/json only). */
  json?: unknown;
}

export interface PredictResponse {
  status: number;
  /** JSON-serializable answer, or an error message for status >= 400. */
  body: unknown;
  /** The answer already serialized as JSON text (then `body` is undefined). */
  jsonText?: string;
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
  predict(req: PredictRequest): Promise<PredictResponse>;
  usage(): Promise<InstanceUsage>;
  /** Stops the instance; exit listeners are not called for a requested stop. */
  stop(): Promise<void>;
  /** Called once if the instance dies on its own (crash, killed). */
  onExit(listener: (reason: string) => void): void;
}

export class InstanceStartError extends Error {}
