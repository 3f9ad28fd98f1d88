import { hostResources, type HostResources, type PoolAmount } from '#src/runtime/local/host-resources.ts';
import { LocalExecutor } from '#src/runtime/local/local-executor.ts';
import { ResourceControl } from '#src/runtime/sandbox/resource-control.ts';
import { Sandbox } from '#src/runtime/sandbox/sandbox.ts';
import type { ImageCatalogue } from '#src/modules/algorithms/index.ts';
import { detectEngines, type TrainingEngine } from './engines.ts';
import { hostFlavors, type TrainingFlavor } from './flavors.ts';
import { JobLayout } from './job-layout.ts';

/** What this installation offers training, found once at start-up. */
export interface TrainingRuntime {
  /** Where the nodes run: sandboxed processes on this host, or pods of a Kubernetes cluster (whose pods are the sandbox). */
  kind: 'local' | 'kubernetes';
  dataDir: string;
  host: HostResources;
  /** The local pool: the host's cores and memory, or less when configured so. */
  capacity: PoolAmount;
  flavors: TrainingFlavor[];
  engines: TrainingEngine[];
  /** The DevEnviron images a job's engine.image_url may name. */
  images: ImageCatalogue;
  executor: LocalExecutor;
  layout: JobLayout;
  /** Confines each node's process and enforces its flavor's CPU and memory. */
  sandbox: Sandbox;
}

export interface TrainingOptions {
  /** The engines to offer (default: the ones found on the host, none configured). */
  engines?: TrainingEngine[];
  /** Cores and memory of the local pool (default: the host's). */
  capacity?: PoolAmount;
  /** The app's sandbox (default: none, which runs no account's jobs). */
  sandbox?: Sandbox;
  /** The images jobs may start from (default: none). */
  images?: ImageCatalogue;
  /** Where the nodes run (default: local). */
  kind?: 'local' | 'kubernetes';
}

export function createTrainingRuntime(dataDir: string, opts: TrainingOptions = {}): TrainingRuntime {
  const host = hostResources();
  const pool: HostResources = {
    ...host,
    cpuCores: opts.capacity?.cpu ?? host.cpuCores,
    memoryMb: opts.capacity?.memoryMb ?? host.memoryMb,
  };
  const sandbox =
    opts.sandbox ??
    new Sandbox(
      'none',
      new ResourceControl(undefined, undefined),
      { ownerDomainId: async () => undefined, domainOfProject: async () => undefined },
      { missing: 'no sandbox was given' },
    );
  return {
    kind: opts.kind ?? 'local',
    dataDir,
    host,
    capacity: { cpu: pool.cpuCores, memoryMb: pool.memoryMb },
    flavors: hostFlavors(pool, dataDir),
    engines: opts.engines ?? detectEngines([], sandbox.runAsUid),
    images: opts.images ?? { image: async () => undefined },
    executor: new LocalExecutor({ resources: sandbox.resources }),
    layout: new JobLayout(dataDir),
    sandbox,
  };
}
