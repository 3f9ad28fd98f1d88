// What the kube executor tests run in place of a pod's containers (no kubelet runs them here): a command as the pod
// would run it, and Atelier's model server as a batch or pre-labeling pod's sidecar starts it.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { V1Container } from '@kubernetes/client-node';
import { MODEL_DIR, MODEL_SERVER_PORT } from '#src/runtime/kubernetes/service-manifest.ts';

const ROOT = join(import.meta.dirname, '../../..');
const SERVE = join(ROOT, 'images/runtime/serve.py');
const SERVING_DIR = join(ROOT, 'src/runtime/serving/python');

/** Runs a command to its end: its exit status and what it wrote to stderr. */
export function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'], env });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

/** Starts the sidecar's command (Atelier's model server) with the pod's paths mapped to `model`, on a free port. */
export function startModelServer(sidecar: V1Container, model: string): Promise<{ port: number; child: ChildProcess }> {
  const argv = [...(sidecar.command ?? []), ...(sidecar.args ?? [])].map((a) =>
    a === MODEL_DIR ? model : a === String(MODEL_SERVER_PORT) ? '0' : a.replace('/opt/atelier/bin/serve.py', SERVE),
  );
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ATELIER_SERVING_DIR: SERVING_DIR } });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /ATELIER_READY (\d+)/.exec(out);
      if (m) resolve({ port: Number(m[1]), child });
    });
    child.on('close', (code) => reject(new Error(`the model server exited with ${code}: ${err}`)));
  });
}
