// Stands in for the kubelet and the scheduler the test API server does not have: binds a pod to a node and writes the
// status a kubelet would (running, exited, OOM-killed, evicted, an image that cannot be pulled, unschedulable). A node
// registered with a log server's port serves its pods' container logs, which the API server proxies to it over HTTPS.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ApiException, type CoreV1Api, type V1Pod, type V1PodStatus, type V1Probe } from '@kubernetes/client-node';

export type PodOutcome =
  | { kind: 'running' }
  | { kind: 'exited'; code: number }
  | { kind: 'oom-killed' }
  | { kind: 'evicted' }
  | { kind: 'image-pull-backoff' }
  | { kind: 'unschedulable' };

const now = () => new Date();

function statusFor(pod: V1Pod, outcome: PodOutcome): V1PodStatus {
  const container = pod.spec!.containers[0]!;
  const base = { name: container.name, image: container.image ?? '', imageID: '', ready: false, restartCount: 0 };
  const scheduled = { type: 'PodScheduled', status: 'True', lastTransitionTime: now() };
  const started = now();
  switch (outcome.kind) {
    case 'unschedulable':
      return {
        phase: 'Pending',
        conditions: [
          {
            type: 'PodScheduled',
            status: 'False',
            reason: 'Unschedulable',
            message: '0/3 nodes are available: 3 Insufficient cpu.',
            lastTransitionTime: now(),
          },
        ],
      };
    case 'image-pull-backoff':
      return {
        phase: 'Pending',
        conditions: [scheduled],
        containerStatuses: [
          { ...base, started: false, state: { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${container.image}"` } } },
        ],
      };
    case 'running':
      return {
        phase: 'Running',
        startTime: started,
        conditions: [scheduled, { type: 'Ready', status: 'True', lastTransitionTime: now() }],
        containerStatuses: [{ ...base, ready: true, started: true, state: { running: { startedAt: started } } }],
      };
    case 'exited':
    case 'oom-killed': {
      const code = outcome.kind === 'exited' ? outcome.code : 137;
      const reason = outcome.kind === 'oom-killed' ? 'OOMKilled' : code === 0 ? 'Completed' : 'Error';
      return {
        phase: code === 0 ? 'Succeeded' : 'Failed',
        startTime: started,
        conditions: [scheduled, { type: 'Ready', status: 'False', lastTransitionTime: now() }],
        containerStatuses: [{ ...base, started: false, state: { terminated: { exitCode: code, reason, startedAt: started, finishedAt: now() } } }],
      };
    }
    case 'evicted':
      return {
        phase: 'Failed',
        reason: 'Evicted',
        message: 'The node was low on resource: memory.',
        startTime: started,
        conditions: [
          scheduled,
          {
            type: 'DisruptionTarget',
            status: 'True',
            reason: 'TerminationByKubelet',
            message: 'The node was low on resource: memory.',
            lastTransitionTime: now(),
          },
        ],
        containerStatuses: [{ ...base, started: false, state: { terminated: { exitCode: 137, reason: 'Error', startedAt: started, finishedAt: now() } } }],
      };
  }
}

/** Binds the pod to `node` (unless it is to stay unschedulable) and writes the outcome's status, retrying on conflicts. */
export async function settlePod(core: CoreV1Api, namespace: string, name: string, outcome: PodOutcome, node = 'node-a'): Promise<V1Pod> {
  for (let attempt = 0; ; attempt++) {
    const pod = await core.readNamespacedPod({ name, namespace });
    if (outcome.kind !== 'unschedulable' && !pod.spec?.nodeName) {
      await core.createNamespacedPodBinding({ name, namespace, body: { metadata: { name }, target: { apiVersion: 'v1', kind: 'Node', name: node } } });
      continue;
    }
    pod.status = statusFor(pod, outcome);
    try {
      return await core.replaceNamespacedPodStatus({ name, namespace, body: pod });
    } catch (e) {
      if (e instanceof ApiException && e.code === 409 && attempt < 10) continue;
      throw e;
    }
  }
}

/** The kubelet's log endpoint: the container logs set in `logs` (by `namespace/pod/container`), a 404 for others. */
export interface LogKubelet {
  port: number;
  logs: Map<string, string>;
  /** Each log request served, by `namespace/pod/container`: its query and the bytes answered. */
  served: { key: string; query: URLSearchParams; bytes: number }[];
  close(): Promise<void>;
}

/** What a kubelet answers of a log: its last tailLines lines, then at most the first limitBytes of those. */
export function selectLog(log: string, q: URLSearchParams): string {
  let text = Buffer.from(log, 'utf8');
  const tail = q.get('tailLines');
  if (tail !== null) {
    const lines = log.split(/(?<=\n)/);
    text = Buffer.from(lines.slice(Math.max(0, lines.length - Number(tail))).join(''), 'utf8');
  }
  const limit = q.get('limitBytes');
  return (limit === null ? text : text.subarray(0, Number(limit))).toString('utf8');
}

/** Serves container logs over HTTPS with the test API server's serving certificate (for 127.0.0.1). */
export async function startLogKubelet(kubeDir: string): Promise<LogKubelet> {
  const logs = new Map<string, string>();
  const served: LogKubelet['served'] = [];
  const pki = (f: string) => readFileSync(join(kubeDir, 'pki', f));
  const server = createServer({ cert: pki('serving.crt'), key: pki('serving.key') }, (req, res) => {
    const m = /^\/containerLogs\/([^/]+)\/([^/]+)\/([^/?]+)/.exec(req.url ?? '');
    const key = m ? `${m[1]}/${m[2]}/${m[3]}` : '';
    const log = m ? logs.get(key) : undefined;
    if (log === undefined) return void res.writeHead(404).end('no such container log');
    const query = new URL(req.url ?? '/', 'https://kubelet').searchParams;
    const text = selectLog(log, query);
    served.push({ key, query, bytes: Buffer.byteLength(text) });
    res.writeHead(200, { 'content-type': 'text/plain' }).end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    logs,
    served,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Registers a Node, as a kubelet would: its labels, its capacity, Ready; its logs at `kubeletPort` on 127.0.0.1. */
export async function registerNode(
  core: CoreV1Api,
  name: string,
  labels: Record<string, string>,
  capacity: { cpu: string; memory: string },
  kubeletPort?: number,
): Promise<void> {
  await core.createNode({ body: { metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', ...labels } } } });
  const node = await core.readNode({ name });
  const resources = { ...capacity, pods: '110' };
  node.status = {
    capacity: resources,
    allocatable: resources,
    conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'test kubelet', lastHeartbeatTime: now(), lastTransitionTime: now() }],
    ...(kubeletPort ? { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: kubeletPort } } } : {}),
  };
  const ready = await core.replaceNodeStatus({ name, body: node });
  // The TaintNodesByCondition admission taints a new node not-ready; the node lifecycle controller (not run here: no
  // kubelet sends heartbeats) would lift it once the node reports Ready.
  ready.spec = { ...ready.spec, taints: (ready.spec?.taints ?? []).filter((t) => t.key !== 'node.kubernetes.io/not-ready') };
  await core.replaceNode({ name, body: ready });
}

/**
 * What the kubelet does with a native sidecar (an init container with restartPolicy Always) before it starts the pod's
 * next container: runs its startup probe's command (`exec`, the command as the container would run it) until it
 * succeeds, every `everyMs` instead of periodSeconds. The number of failed tries; throws past the probe's failureThreshold.
 */
export async function sidecarStarted(probe: V1Probe | undefined, exec: (command: string[]) => Promise<number | null>, everyMs = 50): Promise<number> {
  const command = probe?.exec?.command;
  if (!command) throw new Error('the sidecar has no exec startup probe');
  const threshold = probe.failureThreshold ?? 3;
  for (let failed = 0; failed < threshold; failed++) {
    if ((await exec(command)) === 0) return failed;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`the startup probe failed ${threshold} times`);
}
