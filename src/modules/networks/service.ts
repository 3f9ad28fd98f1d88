import { KeyedSerial } from '#src/core/serial.ts';
import { randomUUID } from 'node:crypto';
import type { Static } from 'typebox';
import type { Clock } from '#src/core/time.ts';
import { parseCidr, overlaps, within, type Block } from './cidr.ts';
import { networkErrors } from './errors.ts';
import { matches, parseLabelSelector } from './label-selector.ts';
import type { CreateNetworkRequest, ListNetworksQuery, Network, NetworkList, PatchNetworkRequest } from './schemas.ts';
import { labelKeys } from './schemas.ts';
import type { NetworkStore } from './store.ts';
import { networkLabels, networkView } from './views.ts';

/** The smallest network the spec allows is a /24. */
const LONGEST_PREFIX = 24;

export interface NetworkServiceDeps {
  store: NetworkStore;
  clock: Clock;
  /** The blocks networks may be carved from (config networkCidrs, as os-user-config reports them). */
  offeredCidrs: readonly string[];
  /** Networks a project may have (config quotas.network). */
  quota: number;
  /** Who attaches to a network (the pools family): a network in use is not deleted. */
  usage?: NetworkUsage;
}

/** The pools attached to a network of a project. */
export interface NetworkUsage {
  poolsUsing(projectId: string, networkName: string): Promise<string[]>;
}

/**
 * Network records of each project. In embedded mode a network has no data-plane effect: it is the
 * address plan that resource pools attach to. Creates of one project run one at a time, so the
 * quota and overlap checks see every network recorded before.
 */
export class NetworkService {
  private readonly offered: Block[];
  /** Creates of one project run one at a time, so the quota and name checks cannot race. */
  private readonly creating = new KeyedSerial();

  constructor(private readonly deps: NetworkServiceDeps) {
    this.offered = deps.offeredCidrs.map((c) => parseCidr(c)).filter((b): b is Block => typeof b !== 'string');
  }

  async create(projectId: string, body: Static<typeof CreateNetworkRequest>): Promise<Static<typeof Network>> {
    return this.creating.run(projectId, () => this.createNow(projectId, body));
  }

  private async createNow(projectId: string, body: Static<typeof CreateNetworkRequest>): Promise<Static<typeof Network>> {
    const block = this.checkCidr(body.spec.cidr);
    const existing = await this.deps.store.ofProject(projectId);
    if (existing.length >= this.deps.quota) {
      throw networkErrors.badRequest(`the project has ${existing.length} networks, its quota (--network-quota) is ${this.deps.quota}`);
    }
    const clash = existing.find((n) => {
      const other = parseCidr(n.cidr);
      return typeof other !== 'string' && overlaps(block, other);
    });
    if (clash) throw networkErrors.badRequest(`spec.cidr ${body.spec.cidr} overlaps network ${clash.id} (${clash.cidr})`);

    const labels = body.metadata.labels;
    const displayName = labels[labelKeys.name];
    const row = {
      id: `${displayName}-${randomUUID().replaceAll('-', '')}`,
      project_id: projectId,
      display_name: displayName,
      workspace_id: labels[labelKeys.workspace] ?? null,
      cidr: body.spec.cidr,
      description: null,
      phase: 'Creating' as const,
      created_at: this.deps.clock.now(),
    };
    await this.deps.store.insert(row);
    // Recording is all a network takes here; the reconciler finishes any left Creating by a restart.
    await this.deps.store.update(row.id, { phase: 'Active' });
    return networkView({ ...row, phase: 'Active' });
  }

  private checkCidr(cidr: string): Block {
    const block = parseCidr(cidr);
    if (typeof block === 'string') throw networkErrors.badRequest(`spec.cidr ${cidr}: ${block}`);
    if (block.prefix > LONGEST_PREFIX) throw networkErrors.badRequest(`spec.cidr ${cidr}: the prefix may be at most /${LONGEST_PREFIX}`);
    if (!this.offered.some((o) => within(block, o))) {
      throw networkErrors.badRequest(`spec.cidr ${cidr} is not inside an offered block (${this.deps.offeredCidrs.join(', ')})`);
    }
    return block;
  }

  async list(projectId: string, query: Static<typeof ListNetworksQuery>): Promise<Static<typeof NetworkList>> {
    const conditions = query.labelSelector ? parseLabelSelector(query.labelSelector) : [];
    const all = (await this.deps.store.ofProject(projectId)).filter((row) => matches(conditions, networkLabels(row)));
    const start = query.continue !== undefined ? Number(query.continue) : 0;
    const end = query.limit !== undefined ? start + query.limit : all.length;
    const page = all.slice(start, end);
    const remaining = all.length - Math.min(end, all.length);
    return {
      apiVersion: 'v1',
      kind: 'NetworkList',
      metadata: remaining > 0 ? { continue: String(end), remainingItemCount: remaining } : {},
      items: page.map((row) => networkView(row)),
    };
  }

  async show(projectId: string, name: string): Promise<Static<typeof Network>> {
    const row = await this.deps.store.get(projectId, name);
    if (!row) throw networkErrors.notFound(name);
    return networkView(row);
  }

  /** A JSON merge patch of what the spec lets change: the description (null removes it) and the connections. */
  async patch(projectId: string, name: string, body: Static<typeof PatchNetworkRequest>): Promise<Static<typeof Network>> {
    const row = await this.deps.store.get(projectId, name);
    if (!row) throw networkErrors.notFound(name);
    const annotations = body.metadata?.annotations;
    if (annotations && labelKeys.description in annotations) {
      const description = annotations[labelKeys.description] ?? null;
      await this.deps.store.update(row.id, { description });
      row.description = description;
    }
    return networkView(row);
  }

  /** Refused while a pool attaches to the network. */
  async delete(projectId: string, name: string): Promise<Static<typeof Network>> {
    const row = await this.deps.store.get(projectId, name);
    if (!row) throw networkErrors.notFound(name);
    const pools = (await this.deps.usage?.poolsUsing(projectId, row.id)) ?? [];
    if (pools.length > 0) throw networkErrors.badRequest(`network ${row.id} is in use by pool ${pools.join(', ')}; delete the pools first`);
    await this.deps.store.delete(row.id);
    return networkView(row, this.deps.clock.now());
  }

  countOfProject(projectId: string): Promise<number> {
    return this.deps.store.countOfProject(projectId);
  }
}
