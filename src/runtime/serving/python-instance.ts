import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, rmSync, type WriteStream } from 'node:fs';
import { Agent, request } from 'node:http';
import { request as tlsRequest } from 'node:https';
import { fileURLToPath } from 'node:url';
import { groupUsage, processTable } from '#src/runtime/local/proc-stats.ts';
import type { ResourceControl } from '#src/runtime/sandbox/resource-control.ts';
import type { Launch, WorkloadSpec } from '#src/runtime/sandbox/sandbox.ts';
import { wrapperArgv } from '#src/runtime/sandbox/wrapper.ts';
import type { Interpreter } from '#src/runtime/sandbox/interpreters.ts';
import {
  formatSeconds,
  InstanceStartError,
  UNREACHABLE,
  type InstanceUsage,
  type PredictRequest,
  type PredictResponse,
  type ServingInstance,
} from './instance.ts';

const SERVER = fileURLToPath(new URL('./python/model_server.py', import.meta.url));
const PYTHONPATH = fileURLToPath(new URL('./python', import.meta.url));
const START_TIMEOUT_MS = 60_000;

export interface ModelServerOptions {
  /** Unique on this host: names the instance's limits. */
  name: string;
  python: Interpreter;
  /** The package's model/ folder (read-only for the server). */
  modelDir: string;
  modelType: string;
  modelName: string;
  /** The service's environment variables. */
  env: Record<string, string>;
  /** The instance's own folder: its HOME, the one place it writes. */
  scratchDir: string;
  limits: WorkloadSpec['limits'];
  domainId: string;
}

/** The model server as a sandbox workload: what it runs, reads and writes, and its environment. */
export function modelServerWorkload(o: ModelServerOptions): WorkloadSpec {
  // The environment is built here, never passed through: the server's own holds its secrets.
  const base: Record<string, string> = { HOME: o.scratchDir };
  for (const k of ['PATH', 'LANG', 'LC_ALL', 'TZ']) if (process.env[k] !== undefined) base[k] = process.env[k]!;
  return {
    name: o.name,
    command: [o.python.executable, '-u', SERVER, '--model-dir', o.modelDir, '--model-type', o.modelType, '--model-name', o.modelName],
    cwd: o.modelDir,
    // No .pyc files next to the shipped model_service sources or in the model's copy.
    env: { ...base, ...o.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONPATH: [PYTHONPATH, o.env.PYTHONPATH].filter(Boolean).join(':') },
    writable: [o.scratchDir],
    readable: [o.modelDir, PYTHONPATH, ...o.python.paths],
    limits: o.limits,
    domainId: o.domainId,
  };
}

export interface PythonInstanceOptions {
  /** The confined model server (Sandbox.launch of modelServerWorkload). */
  launch: Launch;
  /** Watches the instance's memory. */
  resources: ResourceControl;
  /** Removed once the server has ended. */
  scratchDir?: string;
  logFile: string;
}

/** A model_service package run by Atelier's Python model server in its own process group. */
export class PythonInstance implements ServingInstance {
  readonly ready: Promise<void>;
  private readonly child: ChildProcess;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });
  private readonly log: WriteStream;
  private serverPort = 0;
  private stopping = false;
  private exitListener: ((reason: string) => void) | undefined;
  private lastCpu = 0;
  private lastAt = Date.now();

  constructor(
    readonly id: string,
    opts: PythonInstanceOptions,
  ) {
    this.log = createWriteStream(opts.logFile, { flags: 'a' });
    const { launch } = opts;
    const argv = wrapperArgv(launch.command, launch.group.joinSteps);
    this.child = spawn(argv[0]!, argv.slice(1), { cwd: launch.cwd, env: launch.env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    // Over its memory the instance is killed (a cgroup or the watchdog), and its exit says so.
    let overMemory = false;
    const memoryReason = () => `the model server exceeded its memory limit of ${launch.group.record.limits.memoryMb} MB and was killed`;
    const leader = this.child.pid;
    const unwatch =
      leader === undefined
        ? () => undefined
        : opts.resources.watch(leader, launch.group, () => {
            overMemory = true;
            try {
              process.kill(-leader, 'SIGKILL');
            } catch {
              // already gone
            }
          });
    const ended = () => {
      unwatch();
      if (!overMemory && leader !== undefined && launch.group.overMemory(leader, processTable)) overMemory = true;
      void launch.group.release().then(() => {
        if (opts.scratchDir) rmSync(opts.scratchDir, { recursive: true, force: true });
      });
    };
    this.child.once('exit', ended);
    this.child.once('error', ended);
    // Its output is all written once the process and its pipes are gone, however it ended.
    this.child.once('close', () => {
      this.log.end();
    });
    this.child.stderr?.pipe(this.log, { end: false });
    let stderrTail = '';
    this.child.stderr?.on('data', (d: Buffer) => {
      stderrTail = (stderrTail + d.toString('utf8')).slice(-2000);
    });
    this.ready = new Promise<void>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new InstanceStartError('the model server did not start within 60 s')), START_TIMEOUT_MS);
      this.child.stdout?.on('data', (d: Buffer) => {
        // What the model's code prints, while it loads too, goes to the instance's log.
        this.log.write(d);
        if (this.serverPort !== 0) return;
        out += d.toString('utf8');
        const m = /ATELIER_READY (\d+)/.exec(out);
        if (m) {
          this.serverPort = Number(m[1]);
          clearTimeout(timer);
          resolve();
        }
      });
      this.child.once('error', (e) => {
        clearTimeout(timer);
        reject(new InstanceStartError(`${launch.command[0]} cannot be started: ${e.message}`));
      });
      this.child.once('exit', (code) => {
        clearTimeout(timer);
        const last = stderrTail.trim().split('\n').slice(-1)[0] ?? '';
        reject(
          new InstanceStartError(
            overMemory ? `${memoryReason()} while starting` : `the model server exited with code ${code} while starting${last ? `: ${last}` : ''}`,
          ),
        );
      });
    });
    this.ready.catch(() => undefined);
    this.child.on('exit', (code, signal) => {
      this.agent.destroy();
      if (!this.stopping && this.serverPort !== 0)
        this.exitListener?.(overMemory ? memoryReason() : `the model server process exited (${signal ?? `code ${code}`})`);
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get port(): number | undefined {
    return this.serverPort === 0 ? undefined : this.serverPort;
  }

  predict(req: PredictRequest): Promise<PredictResponse> {
    return postPrediction(this.serverPort, this.agent, req);
  }

  /** GET /health on a connection of its own, so busy prediction sockets never delay it. */
  probe(timeoutMs: number): Promise<void> {
    const signal = AbortSignal.timeout(timeoutMs);
    return new Promise((resolve, reject) => {
      const r = request({ host: '127.0.0.1', port: this.serverPort, path: '/health', method: 'GET', agent: false, signal }, (res) => {
        res.resume();
        res.on('error', () => undefined);
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`GET /health answered ${res.statusCode}`))));
      });
      r.on('error', (e) =>
        reject(new Error(signal.aborted ? `GET /health got no answer within ${formatSeconds(timeoutMs)}` : `GET /health failed: ${e.message}`)),
      );
      r.end();
    });
  }

  async usage(): Promise<InstanceUsage> {
    const pid = this.child.pid;
    if (pid === undefined) return { cpuCores: 0, memoryMb: 0 };
    const u = groupUsage(pid);
    const now = Date.now();
    const cores = now > this.lastAt && this.lastCpu > 0 ? (u.cpuSeconds - this.lastCpu) / ((now - this.lastAt) / 1000) : 0;
    this.lastCpu = u.cpuSeconds;
    this.lastAt = now;
    return { cpuCores: Math.max(0, cores), memoryMb: Math.round(u.rssBytes / 1024 / 1024) };
  }

  async stop(graceMs = 3000): Promise<void> {
    this.stopping = true;
    this.agent.destroy();
    const pid = this.child.pid;
    if (pid === undefined || this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    const kill = (signal: NodeJS.Signals): boolean => {
      try {
        process.kill(-pid, signal);
        return true;
      } catch {
        return false; // already gone
      }
    };
    // A process that hangs (or was stopped) ignores SIGTERM: SIGKILL follows after the grace.
    if (!kill(graceMs > 0 ? 'SIGTERM' : 'SIGKILL')) return;
    const timer = graceMs > 0 ? setTimeout(() => kill('SIGKILL'), graceMs) : undefined;
    await exited;
    clearTimeout(timer);
    this.log.end();
  }

  onExit(listener: (reason: string) => void): void {
    this.exitListener = listener;
  }
}

/**
 * Sends a prediction to a model server (on this host unless `host` says where) and returns its answer; UNREACHABLE
 * when it does not answer at all. Aborting `req.signal` drops the request.
 */
export function postPrediction(port: number, agent: Agent, req: PredictRequest, host = '127.0.0.1'): Promise<PredictResponse> {
  const { signal } = req;
  if (signal?.aborted) return Promise.reject(signal.reason as Error);
  return new Promise((resolve, reject) => {
    // An abort destroys the request with its socket, so the agent's slot serves the next request.
    const failed = (e: Error) =>
      signal?.aborted ? reject(signal.reason as Error) : resolve({ status: UNREACHABLE, body: `the instance did not answer: ${e.message}` });
    // With req.tls, `agent` is an https.Agent (an Image model's api of protocol https).
    const r = (req.tls ? tlsRequest : request)(
      {
        host,
        port,
        path: req.path ?? '/',
        method: req.method ?? 'POST',
        agent,
        signal,
        // A GET or DELETE carries no body, so it says no content type.
        headers: req.method === 'GET' || req.method === 'DELETE' ? {} : { 'content-type': req.contentType, 'content-length': req.raw.length },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', failed);
        res.on('close', () => {
          if (!res.complete) failed(new Error('the answer was cut short'));
        });
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = JSON.parse(text) as unknown;
          } catch {
            // not JSON: passed on as text
          }
          const status = res.statusCode ?? 500;
          if (status >= 400 && typeof body === 'object' && body !== null && 'error_msg' in body) body = String((body as { error_msg: unknown }).error_msg);
          resolve({ status, body });
        });
      },
    );
    r.on('error', failed);
    r.end(req.raw);
  });
}
