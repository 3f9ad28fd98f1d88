import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { groupUsage } from '#src/runtime/local/proc-stats.ts';
import { InstanceStartError, type InstanceUsage, type PredictRequest, type PredictResponse, type ServingInstance } from './instance.ts';

const SERVER = fileURLToPath(new URL('./python/model_server.py', import.meta.url));
const PYTHONPATH = fileURLToPath(new URL('./python', import.meta.url));
const START_TIMEOUT_MS = 60_000;

export interface PythonInstanceOptions {
  python: string;
  /** The package's model/ folder. */
  modelDir: string;
  modelType: string;
  modelName: string;
  env: Record<string, string>;
  logFile: string;
}

/** A model_service package run by Atelier's Python model server in its own process group. */
export class PythonInstance implements ServingInstance {
  readonly ready: Promise<void>;
  private readonly child: ChildProcess;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });
  private readonly log: WriteStream;
  private port = 0;
  private stopping = false;
  private exitListener: ((reason: string) => void) | undefined;
  private lastCpu = 0;
  private lastAt = Date.now();

  constructor(
    readonly id: string,
    opts: PythonInstanceOptions,
  ) {
    this.log = createWriteStream(opts.logFile, { flags: 'a' });
    this.child = spawn(opts.python, ['-u', SERVER, '--model-dir', opts.modelDir, '--model-type', opts.modelType, '--model-name', opts.modelName], {
      cwd: opts.modelDir,
      // No .pyc files next to the shipped model_service sources or in the model's copy.
      env: { ...process.env, ...opts.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONPATH: [PYTHONPATH, process.env.PYTHONPATH].filter(Boolean).join(':') },
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
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
        if (this.port !== 0) {
          this.log.write(d);
          return;
        }
        out += d.toString('utf8');
        const m = /ATELIER_READY (\d+)/.exec(out);
        if (m) {
          this.port = Number(m[1]);
          clearTimeout(timer);
          resolve();
        }
      });
      this.child.once('error', (e) => {
        clearTimeout(timer);
        reject(new InstanceStartError(`${opts.python} cannot be started: ${e.message}`));
      });
      this.child.once('exit', (code) => {
        clearTimeout(timer);
        const last = stderrTail.trim().split('\n').slice(-1)[0] ?? '';
        reject(new InstanceStartError(`the model server exited with code ${code} while starting${last ? `: ${last}` : ''}`));
      });
    });
    this.ready.catch(() => undefined);
    this.child.on('exit', (code, signal) => {
      this.agent.destroy();
      if (!this.stopping && this.port !== 0) this.exitListener?.(`the model server process exited (${signal ?? `code ${code}`})`);
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  predict(req: PredictRequest): Promise<PredictResponse> {
    return new Promise((resolve) => {
      const r = request(
        { host: '127.0.0.1', port: this.port, path: '/', method: 'POST', agent: this.agent, headers: { 'content-type': req.contentType, 'content-length': req.raw.length } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
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
      r.on('error', (e) => resolve({ status: 503, body: `the instance did not answer: ${e.message}` }));
      r.end(req.raw);
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

  async stop(): Promise<void> {
    this.stopping = true;
    this.agent.destroy();
    const pid = this.child.pid;
    if (pid === undefined || this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 3000);
    await exited;
    clearTimeout(timer);
    this.log.end();
  }

  onExit(listener: (reason: string) => void): void {
    this.exitListener = listener;
  }
}
