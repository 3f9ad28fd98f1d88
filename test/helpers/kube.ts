import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { loadK8s } from '#src/runtime/kubernetes/k8s.ts';
import { cannotBuildReason, ensureKubeTestServer, KubeTestServerError, readyKubeTestServer } from '../../scripts/kube-test-server.mjs';

/**
 * A real kube-apiserver (on an embedded etcd) started for a test file, with the real kube-controller-manager when asked
 * (Job, garbage collector, namespace and service-account controllers) and the real kube-scheduler when asked (it places
 * pods on the Node objects a test creates). There is no kubelet: a test writes the pods' status itself, and binds them
 * when no scheduler runs.
 */
export interface KubeTestServer {
  /** https://127.0.0.1:<port> */
  server: string;
  /** A kubeconfig file for the admin user (token authentication, the generated CA). */
  kubeconfigPath: string;
  /** The same configuration, loaded. */
  kc: KubeConfig;
  /** Bearer token of the admin user (group system:masters). */
  token: string;
  caPem: string;
  /** The server's own folder: data, PKI, log. */
  dir: string;
  logFile: string;
  stop(): Promise<void>;
}

/**
 * Why the Kubernetes tests cannot run here, or false when they can: the binary is built (or can be built now, which the
 * first start does; `node scripts/kube-test-server.mjs` does it ahead, as .ci/run does).
 */
export function kubeTestServerSkip(): string | false {
  if (readyKubeTestServer()) return false;
  const reason = cannotBuildReason();
  return reason ? `no kube-test-server binary and it cannot be built here: ${reason}` : false;
}

/** A TCP port free on 127.0.0.1 now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function readyz(server: string, token: string, ca: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(`${server}/readyz`, { ca, headers: { authorization: `Bearer ${token}` }, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
}

type StartOptions = {
  readyTimeoutMs?: number;
  controllers?: boolean;
  scheduler?: boolean;
  /** Controllers run besides the default ones (e.g. statefulset-controller). */
  moreControllers?: string[];
};

/**
 * Starts the server on a free loopback port and waits for /readyz; builds the binary first when it is missing. A port
 * another process took between being found free and being bound (test files start servers side by side) is a new try.
 */
export async function startKubeTestServer(opts: StartOptions = {}): Promise<KubeTestServer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(opts);
    } catch (e) {
      if (attempt >= 3 || !(e instanceof Error) || !e.message.includes('address already in use')) throw e;
    }
  }
}

async function startOnce(opts: StartOptions): Promise<KubeTestServer> {
  // Executor objects made straight from a test (watches, object clients) take the client's classes from k8s().
  await loadK8s();
  let binary: string;
  try {
    binary = ensureKubeTestServer({ log: (m) => process.stderr.write(`kube-test-server: ${m}\n`) });
  } catch (e) {
    throw new Error(`the kube-test-server binary cannot be built: ${e instanceof KubeTestServerError ? e.message : String(e)}`, { cause: e });
  }
  const dir = mkdtempSync(join(tmpdir(), 'atelier-kube-'));
  const token = randomBytes(24).toString('hex');
  writeFileSync(join(dir, 'tokens.csv'), `${token},atelier-test-admin,atelier-test-admin,"system:masters"\n`, { mode: 0o600 });
  const port = await freePort();
  const server = `https://127.0.0.1:${port}`;
  const logFile = join(dir, 'apiserver.log');
  const log = openSync(logFile, 'a');
  const args = [
    `--atelier-data-dir=${dir}`,
    // A test runner killed mid-run leaves no server behind.
    '--atelier-exit-with-parent',
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--secure-port=${port}`,
    `--cert-dir=${join(dir, 'certs')}`,
    `--token-auth-file=${join(dir, 'tokens.csv')}`,
    '--authorization-mode=RBAC',
    '--service-cluster-ip-range=10.96.0.0/16',
    // A single test client: API priority and fairness only costs CPU here.
    '--enable-priority-and-fairness=false',
    '--profiling=false',
    '--v=1',
  ];
  let child: ChildProcess;
  try {
    child = spawn(binary, args, { stdio: ['ignore', log, log] });
  } finally {
    closeSync(log);
  }
  let controllers: ChildProcess | undefined;
  let scheduler: ChildProcess | undefined;
  const stop = async () => {
    for (const c of [scheduler, controllers, child]) {
      if (!c || c.exitCode !== null || c.signalCode !== null) continue;
      c.kill('SIGTERM');
      const killer = setTimeout(() => c.kill('SIGKILL'), 10_000);
      await exited(c);
      clearTimeout(killer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const pkiCa = join(dir, 'pki', 'ca.crt');
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 90_000);
  let caPem = '';
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const tail = readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n');
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`kube-test-server exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${tail}`);
    }
    try {
      caPem ||= readFileSync(pkiCa, 'utf8');
    } catch {
      // not written yet
    }
    if (caPem && (await readyz(server, token, caPem)) === 200) break;
    if (Date.now() > deadline) {
      const tail = readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n');
      await stop();
      throw new Error(`kube-test-server was not ready within ${opts.readyTimeoutMs ?? 90_000} ms:\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'atelier-test', server, caData: Buffer.from(caPem).toString('base64') }],
    users: [{ name: 'atelier-test-admin', token }],
    contexts: [{ name: 'atelier-test', cluster: 'atelier-test', user: 'atelier-test-admin' }],
    currentContext: 'atelier-test',
  });
  const kubeconfigPath = join(dir, 'kubeconfig');
  writeFileSync(kubeconfigPath, kc.exportConfig(), { mode: 0o600 });
  if (opts.controllers) {
    const cmLog = openSync(join(dir, 'controller-manager.log'), 'a');
    try {
      controllers = spawn(
        binary,
        [
          'controller-manager',
          '--atelier-exit-with-parent',
          `--kubeconfig=${kubeconfigPath}`,
          `--controllers=${['job-controller', 'garbage-collector-controller', 'namespace-controller', 'serviceaccount-controller', ...(opts.moreControllers ?? [])].join(',')}`,
          '--leader-elect=false',
          '--secure-port=0',
          '--v=1',
        ],
        { stdio: ['ignore', cmLog, cmLog] },
      );
    } finally {
      closeSync(cmLog);
    }
  }
  if (opts.scheduler) {
    const schedLog = openSync(join(dir, 'scheduler.log'), 'a');
    try {
      const args = ['scheduler', '--atelier-exit-with-parent', `--kubeconfig=${kubeconfigPath}`, '--leader-elect=false', '--secure-port=0', '--v=1'];
      scheduler = spawn(binary, args, { stdio: ['ignore', schedLog, schedLog] });
    } finally {
      closeSync(schedLog);
    }
  }
  return { server, kubeconfigPath, kc, token, caPem, dir, logFile, stop };
}

/** Polls `probe` every 100 ms until it gives a value (watches and controllers settle on their own time). */
export async function until<T>(what: string | (() => string), probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${typeof what === 'function' ? what() : what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
