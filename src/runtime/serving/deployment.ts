// What the ServingHost is asked to run (a service's models, their instances and health checks),
// what it reports back, and what a caller gets to send a prediction to.
import type { PredictCaller, PredictRequest, PredictResponse, ServingInstance } from './instance.ts';

/** How the instances of a model are checked (the package's config.json `health`, where it has one). */
export interface HealthCheck {
  /** A check that gets no answer within this time fails. */
  timeoutMs: number;
  /** Checks start this long after an instance answers. */
  initialDelayMs: number;
}

export interface ModelDeployment {
  modelId: string;
  /** Percent of the traffic; the weights of a service sum to 100. */
  weight: number;
  instanceCount: number;
  /** Same key = same instances can be kept across an update. */
  key: string;
  start(instanceId: string): ServingInstance;
  health?: HealthCheck;
}

export interface HostListener {
  event(serviceId: string, type: 'normal' | 'abnormal', info: string): void;
  /** Every instance of the service answers again (true) or one is down (false). */
  health(serviceId: string, healthy: boolean): void;
}

export interface HostOptions {
  /** A prediction without an answer after this long is dropped and answered with PredictTimeoutError. */
  predictTimeoutMs: number;
  /** Period of the health checks of each running instance. */
  healthIntervalMs: number;
  /** How long the instances of a stopped or deleted service may finish in-flight requests. */
  stopGraceMs: number;
}

export const DEFAULT_HOST_OPTIONS: HostOptions = { predictTimeoutMs: 60_000, healthIntervalMs: 10_000, stopGraceMs: 5_000 };
export const DEFAULT_HEALTH: HealthCheck = { timeoutMs: 5_000, initialDelayMs: 0 };

/** Thrown by apply() when the service was stopped or deleted while its instances were starting. */
export class DeployCancelledError extends Error {
  constructor() {
    super('the deployment was cancelled: the service was stopped');
  }
}

export interface Routed {
  modelId: string;
  /**
   * Sends the request to the instance. Rejects with PredictTimeoutError when it does not answer in
   * time, or with `signal`'s reason when the caller aborts; either way the instance's request is
   * dropped.
   */
  predict(req: Omit<PredictRequest, 'signal'>, caller?: PredictCaller): Promise<PredictResponse>;
}
