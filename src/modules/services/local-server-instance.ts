// A serving instance that is only an HTTP client of a model server already listening on localhost: the model server
// sidecar of a batch pod (kubernetes executor), which the pod's command feeds as runBatch feeds local instances.
import { Agent } from 'node:http';
import { Agent as TlsAgent } from 'node:https';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PredictRequest, PredictResponse, ServingInstance } from '#src/runtime/serving/instance.ts';
import { postPrediction } from '#src/runtime/serving/python-instance.ts';

/** Where a prediction goes on the server: an Image model's api path (over HTTPS when its api says so), else "/". */
export interface ServerTarget {
  path?: string;
  tls?: boolean;
}

/** Resolves once something accepts connections on localhost:`port`; rejects after `timeoutMs` or on abort. */
export async function waitForServer(port: number, timeoutMs: number, signal: AbortSignal): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const s = connect({ host: '127.0.0.1', port }, () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (open) return;
    if (signal.aborted) throw signal.reason as Error;
    if (Date.now() > until) throw new Error(`the model server did not accept connections on port ${port} within ${Math.round(timeoutMs / 1000)} s`);
    await sleep(500);
  }
}

export class LocalServerInstance implements ServingInstance {
  readonly ready = Promise.resolve();
  private readonly agent: Agent;

  constructor(
    readonly id: string,
    readonly port: number,
    private readonly target: ServerTarget,
  ) {
    // An Image model's https api serves a certificate of its own making, which nothing could verify; the request
    // stays inside the pod.
    this.agent = target.tls ? new TlsAgent({ keepAlive: true, maxSockets: 4, rejectUnauthorized: false }) : new Agent({ keepAlive: true, maxSockets: 4 });
  }

  predict(req: PredictRequest): Promise<PredictResponse> {
    return postPrediction(this.port, this.agent, { ...req, ...this.target });
  }

  async usage() {
    return { cpuCores: 0, memoryMb: 0 };
  }

  async stop(): Promise<void> {
    this.agent.destroy();
  }

  onExit(): void {}
}
