import type { Static } from 'typebox';
import { errors } from '#src/core/errors.ts';
import { dataDiskGb, dataDiskType } from './host-flavors.ts';
import { matchesLabels, parseLabelSelector } from './label-selector.ts';
import type { FlavorOffer, FlavorSource } from './offer.ts';
import type { ListResourceFlavorsQuery, ListResourceFlavorsResponse, ResourceFlavor } from './schemas.ts';

const SCOPE = 'Train,Infer,Notebook';

export class ResourceFlavorService {
  constructor(
    private readonly source: FlavorSource,
    private readonly dataDir: string,
  ) {}

  async list(q: Static<typeof ListResourceFlavorsQuery>): Promise<Static<typeof ListResourceFlavorsResponse>> {
    const reqs = parseLabelSelector(q.labelSelector ?? '');
    const { arch, offers } = await this.source.offers();
    const all = offers.map((f) => this.response(f, offers, arch)).filter((f) => matchesLabels(reqs, f.metadata.labels));
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

  private response(f: FlavorOffer, all: FlavorOffer[], arch: 'x86' | 'arm64'): Static<typeof ResourceFlavor> {
    return {
      apiVersion: 'v1',
      kind: 'ResourceFlavor',
      metadata: { name: f.name, labels: { 'os.modelarts/scope': SCOPE } },
      spec: {
        type: 'Dedicate',
        cpuArch: arch,
        cpu: String(f.amount.cpu),
        memory: `${Math.max(1, Math.floor(f.amount.memoryMb / 1024))}Gi`,
        dataVolumes: [{ volumeType: dataDiskType(this.dataDir), size: `${dataDiskGb(this.dataDir)}Gi` }],
        billingModes: [0],
        jobFlavors: all.filter((j) => j.amount.cpu <= f.amount.cpu && j.amount.memoryMb <= f.amount.memoryMb).map((j) => j.name),
      },
      status: { phase: f.phase },
    };
  }
}
