import { hostname } from 'node:os';
import type { Static } from 'typebox';
import { errors } from '#src/core/errors.ts';
import type { LocalPool } from '#src/runtime/local/local-pool.ts';
import { dataDiskGb, dataDiskType, hostArch, hostFlavors, type HostFlavor } from './host-flavors.ts';
import { matchesLabels, parseLabelSelector } from './label-selector.ts';
import type { ListResourceFlavorsQuery, ListResourceFlavorsResponse, ResourceFlavor } from './schemas.ts';

const SCOPE = 'Train,Infer,Notebook';

export class ResourceFlavorService {
  constructor(
    private readonly pool: LocalPool,
    private readonly dataDir: string,
  ) {}

  list(q: Static<typeof ListResourceFlavorsQuery>): Static<typeof ListResourceFlavorsResponse> {
    const reqs = parseLabelSelector(q.labelSelector ?? '');
    const flavors = hostFlavors(this.pool);
    const all = flavors.map((f) => this.response(f, flavors)).filter((f) => matchesLabels(reqs, f.metadata.labels));
    let start = 0;
    if (q.continue !== undefined) {
      start = all.findIndex((f) => f.metadata.name === q.continue);
      if (start < 0) throw errors.badParam(`continue: ${q.continue} is not where a page of this list starts`);
    }
    const end = q.limit === undefined ? all.length : Math.min(all.length, start + q.limit);
    const next = all[end];
    return {
      apiVersion: 'v1',
      kind: 'ResourceFlavorList',
      metadata: next ? { continue: next.metadata.name, remainingItemCount: all.length - end } : {},
      items: all.slice(start, end),
    };
  }

  private response(f: HostFlavor, all: HostFlavor[]): Static<typeof ResourceFlavor> {
    const free = this.pool.free();
    const fits = f.amount.cpu <= free.cpu + 1e-9 && f.amount.memoryMb <= free.memoryMb;
    return {
      apiVersion: 'v1',
      kind: 'ResourceFlavor',
      metadata: { name: f.name, labels: { 'os.modelarts/scope': SCOPE } },
      spec: {
        type: 'Dedicate',
        cpuArch: hostArch(),
        cpu: String(f.amount.cpu),
        memory: `${Math.max(1, Math.floor(f.amount.memoryMb / 1024))}Gi`,
        dataVolumes: [{ volumeType: dataDiskType(this.dataDir), size: `${dataDiskGb(this.dataDir)}Gi` }],
        billingModes: [0],
        jobFlavors: all.filter((j) => j.amount.cpu <= f.amount.cpu && j.amount.memoryMb <= f.amount.memoryMb).map((j) => j.name),
      },
      status: { phase: { [hostname()]: fits ? 'normal' : 'soldout' } },
    };
  }
}
