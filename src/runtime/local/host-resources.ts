import { arch, cpus, networkInterfaces, totalmem } from 'node:os';

/** What this host offers the local executor: CPU cores and memory (no GPU detection: none is used). */
export interface HostResources {
  cpuCores: number;
  memoryMb: number;
  /** x86 or arm, as ModelArts flavors name it. */
  arch: string;
  gpus: number;
}

export function hostResources(): HostResources {
  const a = arch();
  return {
    cpuCores: Math.max(1, cpus().length),
    memoryMb: Math.floor(totalmem() / 1024 / 1024),
    arch: a === 'x64' || a === 'ia32' ? 'x86' : a === 'arm64' ? 'arm' : a,
    // The local executor gives processes no GPU; a host with GPUs would need a device plugin first.
    gpus: 0,
  };
}

/** An amount of the local pool. */
export interface PoolAmount {
  cpu: number;
  memoryMb: number;
}

/** Whether `request` fits next to `used` within `capacity`. */
export function fitsIn(capacity: PoolAmount, used: PoolAmount, request: PoolAmount): boolean {
  return used.cpu + request.cpu <= capacity.cpu && used.memoryMb + request.memoryMb <= capacity.memoryMb;
}

/** The host's first non-internal IPv4 address (what a node of a pool on this host shows), else loopback. */
export function hostIp(): string {
  for (const addrs of Object.values(networkInterfaces())) for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return '127.0.0.1';
}
