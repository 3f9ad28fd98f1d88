import type { PoolAmount } from '#src/runtime/local/host-resources.ts';

export type SalesStatus = 'normal' | 'soldout';

/** One flavor as ListResourceFlavors tells it: a CPU slice and, per zone, whether one can be had now. */
export interface FlavorOffer {
  name: string;
  amount: PoolAmount;
  phase: Record<string, SalesStatus>;
}

/** What the flavors are cut from: this host, or the cluster's nodes on the kubernetes executor. */
export interface FlavorSource {
  /** The flavors, smallest first, and the CPU architecture of what they are cut from. */
  offers(): Promise<{ arch: 'x86' | 'arm64'; offers: FlavorOffer[] }>;
}
