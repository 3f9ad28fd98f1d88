// One notebook instance's Jupyter Server as a sandbox workload: listening on 127.0.0.1 on a port of
// its own, under the base URL Atelier's proxy serves it at, with its own token, the volume as its
// root folder. And the questions Atelier asks it over loopback: is it up, and when was it last busy.
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import type { WorkloadSpec } from '#src/runtime/sandbox/sandbox.ts';
import type { InstanceEnv } from './instance-env.ts';
import type { JupyterRuntime } from './jupyter-runtime.ts';

export interface JupyterLayout {
  /** The volume: Jupyter's root folder, the kernels' working folder. */
  work: string;
  /** HOME of the instance's processes (Jupyter's and IPython's settings). */
  home: string;
  /** Jupyter's runtime files (connection files), private to the instance. */
  runtimeDir: string;
}

export interface JupyterLaunch {
  name: string;
  port: number;
  token: string;
  baseUrl: string;
  runtime: JupyterRuntime;
  env: InstanceEnv;
  layout: JupyterLayout;
  limits: WorkloadSpec['limits'];
  domainId: string;
}

/** A port free on loopback now (Jupyter is told to take exactly it, and fails when it was taken since). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export function jupyterWorkload(o: JupyterLaunch): WorkloadSpec {
  const env: Record<string, string> = {
    HOME: o.layout.home,
    PATH: [`${o.env.dir}/bin`, `${o.runtime.python.executable.replace(/\/python[0-9.]*$/, '')}`, '/usr/local/bin', '/usr/bin', '/bin'].join(':'),
    JUPYTER_PATH: o.env.jupyterPath,
    JUPYTER_RUNTIME_DIR: o.layout.runtimeDir,
    JUPYTER_CONFIG_DIR: `${o.layout.home}/.jupyter`,
    IPYTHONDIR: `${o.layout.home}/.ipython`,
    VIRTUAL_ENV: o.env.dir,
    PYTHONUNBUFFERED: '1',
    SHELL: '/bin/bash',
  };
  for (const k of ['LANG', 'LC_ALL', 'TZ']) if (process.env[k] !== undefined) env[k] = process.env[k]!;
  return {
    name: o.name,
    command: [
      ...o.runtime.server,
      '--ServerApp.ip=127.0.0.1',
      `--ServerApp.port=${o.port}`,
      '--ServerApp.port_retries=0',
      `--ServerApp.token=${o.token}`,
      '--ServerApp.password=',
      '--ServerApp.open_browser=False',
      `--ServerApp.base_url=${o.baseUrl}`,
      `--ServerApp.root_dir=${o.layout.work}`,
      // The proxy keeps the browser's Host header; the port itself is reachable on loopback only.
      '--ServerApp.allow_remote_access=True',
      '--KernelSpecManager.ensure_native_kernel=False',
      '--allow-root',
    ],
    cwd: o.layout.work,
    env,
    writable: [o.layout.work, o.layout.home, o.layout.runtimeDir, o.env.dir],
    readable: [...o.runtime.python.paths, ...o.runtime.paths, ...o.runtime.sitePackages, ...o.env.readable],
    limits: o.limits,
    domainId: o.domainId,
  };
}

/** GET <base>api/<path> on the instance's loopback port with its token; the status and JSON body. */
export function askJupyter(port: number, baseUrl: string, token: string, path: string, timeoutMs = 2000): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const r = request(
      {
        host: '127.0.0.1',
        port,
        path: `${baseUrl}api/${path}`,
        method: 'GET',
        headers: { authorization: `token ${token}` },
        signal: AbortSignal.timeout(timeoutMs),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          let body: unknown;
          try {
            body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
          } catch {
            body = undefined;
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
      },
    );
    r.on('error', reject);
    r.end();
  });
}

/**
 * When the instance's kernels were last busy, ms since the epoch (now when one is executing); 0
 * without kernels; undefined when Jupyter does not answer. Jupyter's own /api/status last_activity
 * counts every API call, this one's included, so requests are counted by the proxy instead.
 */
export async function kernelActivity(port: number, baseUrl: string, token: string): Promise<number | undefined> {
  try {
    const kernels = await askJupyter(port, baseUrl, token, 'kernels');
    if (kernels.status !== 200 || !Array.isArray(kernels.body)) return undefined;
    const list = kernels.body as { execution_state?: string; last_activity?: string }[];
    if (list.some((k) => k.execution_state === 'busy')) return Date.now();
    return Math.max(0, ...list.map((k) => Date.parse(k.last_activity ?? '')).filter((t) => Number.isFinite(t)));
  } catch {
    return undefined;
  }
}

/** The line of Jupyter's log that says why it failed (the last error or traceback line). */
export function failureFromLog(logFile: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(logFile, 'utf8').slice(-20_000);
  } catch {
    return undefined;
  }
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const bad = lines.filter((l) => /error|exception|traceback|denied|not found|no such|address already in use|cannot/i.test(l));
  return (bad.at(-1) ?? lines.at(-1))?.slice(0, 500);
}
