import { KeyedSerial } from '#src/core/serial.ts';
import { randomUUID } from 'node:crypto';
import type { Static } from 'typebox';
import type { PoolWorkloads, WorkloadStatus } from '#src/core/pool-workloads.ts';
import type { Clock } from '#src/core/time.ts';
import type { PoolAmount } from '#src/runtime/local/host-resources.ts';
import type { LocalPool } from '#src/runtime/local/local-pool.ts';
import type { PoolRegistry, PoolScope } from '#src/runtime/local/pool-registry.ts';
import { matches, parseLabelSelector } from '#src/modules/networks/index.ts';
import { poolErrors } from './errors.ts';
import { ClusterPoolLifecycle } from './cluster-lifecycle.ts';
import type { ClusterPoolNodes } from './cluster-nodes.ts';
import type { PoolEvents } from './events.ts';
import { PoolReplicaSync } from './replica-sync.ts';
import { countText, parseNodes, planNodes, poolNodes, totalOf, type StoredNode, type Wanted } from './nodes.ts';
import { labelKeys, MAX_SLICES } from './schemas.ts';
import type { CreatePoolRequest, ListPoolsQuery, PatchPoolRequest, Pool, PoolList, PoolStatistics, PoolStatisticsQuery, SliceCount } from './schemas.ts';
import type { PoolStore } from './store.ts';
import type { PoolPhaseValue, PoolRow } from './tables.ts';
import { poolLabels, poolView, scopeOf } from './views.ts';

/** What the pools family asks of the networks family: does the project have this network. */
export interface NetworkLookup {
  exists(projectId: string, networkName: string): Promise<boolean>;
}

export interface PoolServiceDeps {
  store: PoolStore;
  clock: Clock;
  registry: PoolRegistry;
  publicPool: LocalPool;
  events: PoolEvents;
  networks: NetworkLookup;
  /** The node flavors of this host (ListResourceFlavors), by name. */
  flavors: () => ReadonlyMap<string, PoolAmount>;
  /** Pools a project may have (config quotas.pool). */
  quota: number;
  /** On the kubernetes executor: pools hold whole nodes of the cluster instead of slices of this host. */
  cluster?: ClusterPoolNodes;
  /** What the families record as placed in a pool, through any replica. */
  workloads: Pick<PoolWorkloads, 'list'>;
}

/** Workload states in which a pool cannot go. */
const LIVE: ReadonlySet<WorkloadStatus> = new Set(['Queue', 'Pending', 'Abnormal', 'Terminating', 'Creating', 'Running']);

type RequestedResource = { flavor: string; count: Static<typeof SliceCount> };

const amountText = (a: PoolAmount): string => `${a.cpu} cores and ${a.memoryMb} MB`;

/**
 * The dedicated pools of each project. A pool reserves slices of this host out of the public pool
 * (through the pool registry, which places workloads); its row records the slices as nodes so a
 * restart reserves the same ones again. Creates of one project run one at a time, so the quota and
 * name checks see every pool recorded before.
 */
export class PoolService {
  private readonly creating = new KeyedSerial();
  /** Pools a create is making now (the reconciler leaves them to it). */
  private readonly making = new Set<string>();

  /** On the kubernetes executor: what a pool of the cluster's nodes does besides (cluster-lifecycle.ts). */
  private readonly onCluster: ClusterPoolLifecycle | undefined;
  /** This replica's registry against the records other replicas write. */
  readonly replicas: PoolReplicaSync;

  constructor(private readonly deps: PoolServiceDeps) {
    this.replicas = new PoolReplicaSync({ store: deps.store, registry: deps.registry, onCluster: !!deps.cluster, making: this.making });
    this.onCluster = deps.cluster
      ? new ClusterPoolLifecycle(
          { ...deps, cluster: deps.cluster },
          {
            activate: (row) => this.activate(row),
            phaseEvent: (...args) => this.phaseEvent(...args),
            busyNodes: (row, nodes) => this.busyNodes(row, nodes),
          },
        )
      : undefined;
  }

  async create(projectId: string, body: Static<typeof CreatePoolRequest>): Promise<Static<typeof Pool>> {
    return this.creating.run(projectId, () => this.replicas.changing(() => this.createNow(projectId, body)));
  }

  private async createNow(projectId: string, body: Static<typeof CreatePoolRequest>): Promise<Static<typeof Pool>> {
    const displayName = body.metadata.labels[labelKeys.name];
    const wanted = this.resolve(body.spec.resources);
    const existing = await this.deps.store.ofProject(projectId);
    if (existing.some((p) => p.display_name === displayName)) throw poolErrors.exists(displayName);
    if (existing.length >= this.deps.quota) {
      throw poolErrors.badRequest(`the project has ${existing.length} pools, its quota (--pool-quota) is ${this.deps.quota}`);
    }
    if (!(await this.deps.networks.exists(projectId, body.spec.network.name))) {
      throw poolErrors.badRequest(`spec.network.name: the project has no network ${body.spec.network.name}`);
    }

    for (const chip of ['gpuVersion', 'npuVersion'] as const) {
      if (body.spec.driver?.[chip] !== undefined) {
        throw poolErrors.badRequest(`spec.driver.${chip}: this host's slices have no ${chip === 'gpuVersion' ? 'GPU' : 'NPU'} for a driver to serve`);
      }
    }
    const id = `pool-${randomUUID().replaceAll('-', '')}`;
    const now = this.deps.clock.now();
    const cluster = this.deps.cluster;
    const planned = planNodes(id, [], wanted, now);
    // On the cluster every node starts pending: the claim below gives each a real node.
    const nodes = cluster ? planned.map((n) => ({ ...n, pending: true })) : planned;
    const scope = [...body.spec.scope];
    if (cluster) this.deps.registry.adopt({ name: id, projectId, displayName, scope }, []);
    else {
      this.checkHost(nodes);
      const free = this.free();
      if (!this.deps.registry.add({ name: id, projectId, displayName, scope }, poolNodes(nodes))) {
        throw poolErrors.badRequest(
          `spec.resources asks for ${countText(nodes)} (${amountText(totalOf(nodes))}); only ${amountText(free)} of this host is free now`,
        );
      }
    }
    const row: PoolRow = {
      id,
      project_id: projectId,
      display_name: displayName,
      workspace_id: body.metadata.labels[labelKeys.workspace] ?? null,
      description: body.metadata.annotations?.[labelKeys.description] ?? null,
      network_name: body.spec.network.name,
      scope: JSON.stringify(scope),
      nodes: JSON.stringify(nodes),
      phase: 'Creating',
      message: null,
      masters: body.spec.masters ? JSON.stringify(body.spec.masters) : null,
      driver: body.spec.driver ? JSON.stringify(body.spec.driver) : null,
      created_at: now,
    };
    this.making.add(id);
    try {
      try {
        await this.deps.store.insert(row);
        this.replicas.recorded.add(id);
      } catch (e) {
        this.deps.registry.remove(id);
        throw e;
      }
      const what = cluster ? `claiming ${countText(nodes)} nodes of the cluster` : `reserving ${countText(nodes)} of host slices`;
      this.deps.registry.event(id, 'Normal', 'PoolStatusChange', `Pool created in phase Creating, ${what}.`);
      this.deps.registry.event(id, 'Normal', 'PoolNetworkAttached', `Pool attached to network ${row.network_name}.`);
      if (this.onCluster) return poolView(await this.onCluster.claimNodes(row));
      // The slices are reserved; nodes that are slices of this host are ready at once. The reconciler
      // finishes a pool a restart left Creating.
      return poolView(await this.activate(row));
    } finally {
      this.making.delete(id);
    }
  }

  /** Activates the pools a restart left Creating (not those a create is making now). */
  finishCreating(): Promise<void> {
    return this.replicas.changing(() => this.finishCreatingNow());
  }

  private async finishCreatingNow(): Promise<void> {
    for (const row of await this.deps.store.inPhase('Creating')) {
      if (this.making.has(row.id)) continue;
      await (this.onCluster ? this.onCluster.claimNodes(row) : this.activate(row));
    }
    if (this.onCluster)
      for (const row of await this.deps.store.all()) if (row.phase === 'Running' || row.phase === 'Abnormal') await this.onCluster.checkNodes(row);
  }

  /** A Creating pool whose slices are reserved is Running. */
  async activate(row: PoolRow): Promise<PoolRow> {
    await this.deps.store.update(row.id, { phase: 'Running', message: null });
    const n = parseNodes(row.nodes).length;
    this.deps.registry.event(
      row.id,
      'Normal',
      'PoolResourcesStatusChange',
      `Pool nodes changed, available/abnormal/creating/deleting from 0/0/${n}/0 to ${n}/0/0/0.`,
    );
    this.phaseEvent(row.id, row.phase, 'Running');
    return { ...row, phase: 'Running', message: null };
  }

  /** Reserves again, at start, the slices of each stored pool; a pool the host has no room for any more is Abnormal. */
  async restore(): Promise<void> {
    for (const row of await this.deps.store.all()) {
      this.replicas.recorded.add(row.id);
      if (this.onCluster) {
        await this.onCluster.restore(row);
        continue;
      }
      if (row.phase === 'Deleting') {
        // a delete a restart interrupted: its slices were given back, only its record is left
        await this.deps.store.delete(row.id);
        continue;
      }
      const nodes = parseNodes(row.nodes);
      const identity = { name: row.id, projectId: row.project_id, displayName: row.display_name, scope: scopeOf(row) };
      const free = this.free();
      if (!this.deps.registry.restore(identity, poolNodes(nodes))) {
        const message = `this host has ${amountText(free)} free, not the ${amountText(totalOf(nodes))} of its ${countText(nodes)}`;
        await this.deps.store.update(row.id, { phase: 'Abnormal', message });
        this.phaseEvent(row.id, row.phase, 'Abnormal', message);
      } else if (row.phase === 'Abnormal') {
        await this.deps.store.update(row.id, { phase: 'Running', message: null });
        this.phaseEvent(row.id, 'Abnormal', 'Running');
      }
    }
    await this.deps.events.flushed();
  }

  async list(projectId: string, query: Static<typeof ListPoolsQuery>): Promise<Static<typeof PoolList>> {
    const conditions = query.labelSelector ? parseLabelSelector(query.labelSelector) : [];
    const phases: readonly PoolPhaseValue[] =
      query.status === 'creating'
        ? ['Creating']
        : query.status === 'created'
          ? ['Running', 'Abnormal']
          : query.status === 'failed'
            ? []
            : ['Creating', 'Running', 'Abnormal', 'Deleting'];
    const rows = (await this.deps.store.ofProject(projectId)).filter(
      (row) =>
        query.parent === undefined &&
        phases.includes(row.phase) &&
        (query.workspaceId === undefined || (row.workspace_id ?? '0') === query.workspaceId) &&
        matches(conditions, poolLabels(row)),
    );
    return { apiVersion: 'v2', kind: 'PoolList', items: rows.map(poolView) };
  }

  async show(projectId: string, name: string): Promise<Static<typeof Pool>> {
    return poolView(await this.row(projectId, name));
  }

  /** A JSON merge patch of what the spec lets change: the description, the scope and the resources. Nothing changes on a refusal. */
  patch(projectId: string, name: string, body: Static<typeof PatchPoolRequest>): Promise<Static<typeof Pool>> {
    return this.replicas.changing(() => this.patchNow(projectId, name, body));
  }

  private async patchNow(projectId: string, name: string, body: Static<typeof PatchPoolRequest>): Promise<Static<typeof Pool>> {
    let row = await this.row(projectId, name);
    const resources = body.spec?.resources;
    if (resources) {
      if (row.phase !== 'Running') throw poolErrors.badRequest(`spec.resources: pool ${row.id} is ${row.phase}; only a Running pool can be resized`);
      row = await this.resize(row, planNodes(row.id, parseNodes(row.nodes), this.resolve(resources), this.deps.clock.now(), this.usage(row.id)));
    }
    const scope = body.spec?.scope;
    if (scope) {
      await this.deps.store.update(row.id, { scope: JSON.stringify(scope) });
      this.deps.registry.setScope(row.id, scope as readonly PoolScope[]);
      row = { ...row, scope: JSON.stringify(scope) };
    }
    const annotations = body.metadata?.annotations;
    if (annotations && labelKeys.description in annotations) {
      const description = annotations[labelKeys.description] ?? null;
      await this.deps.store.update(row.id, { description });
      row = { ...row, description };
    }
    return poolView(row);
  }

  /** Gives the pool `nodes` instead of its own: more needs free capacity, fewer needs the dropped nodes idle. */
  resize(row: PoolRow, nodes: StoredNode[]): Promise<PoolRow> {
    return this.replicas.changing(() => this.resizeNow(row, nodes));
  }

  private async resizeNow(row: PoolRow, nodes: StoredNode[]): Promise<PoolRow> {
    if (this.onCluster) return this.onCluster.resize(row, nodes);
    const before = parseNodes(row.nodes);
    this.checkHost(nodes);
    const free = this.free();
    const answer = this.deps.registry.resize(row.id, poolNodes(nodes));
    if (answer === 'busy') throw this.busyNodes(row, nodes);
    if (answer === 'no-capacity') {
      const more = { cpu: totalOf(nodes).cpu - totalOf(before).cpu, memoryMb: totalOf(nodes).memoryMb - totalOf(before).memoryMb };
      throw poolErrors.badRequest(`spec.resources: ${countText(nodes)} needs ${amountText(more)} more; only ${amountText(free)} of this host is free now`);
    }
    try {
      await this.deps.store.update(row.id, { nodes: JSON.stringify(nodes) });
    } catch (e) {
      this.deps.registry.resize(row.id, poolNodes(before));
      throw e;
    }
    this.deps.registry.event(
      row.id,
      'Normal',
      'PoolResourcesStatusChange',
      `Pool nodes changed from ${countText(before)} to ${countText(nodes)}, available/abnormal/creating/deleting now ${nodes.length}/0/0/0.`,
    );
    return { ...row, nodes: JSON.stringify(nodes) };
  }

  private busyNodes(row: PoolRow, nodes: readonly StoredNode[]) {
    const kept = new Set(nodes.map((n) => n.name));
    const busy = this.usage(row.id).filter((u) => !kept.has(u.name) && u.holders.length > 0);
    return poolErrors.badRequest(
      `nodes ${busy.map((u) => u.name).join(', ')} of pool ${row.id} run workloads (${busy.flatMap((u) => u.holders).join(', ')}); they cannot be released`,
    );
  }

  /** Refused while workloads run in the pool; otherwise its slices go back to the public pool and its record goes. */
  delete(projectId: string, name: string): Promise<Static<typeof Pool>> {
    return this.replicas.changing(() => this.deleteNow(projectId, name));
  }

  private async deleteNow(projectId: string, name: string): Promise<Static<typeof Pool>> {
    const row = await this.row(projectId, name);
    await this.refuseBusy(row);
    await this.deps.store.update(row.id, { phase: 'Deleting' });
    this.phaseEvent(row.id, row.phase, 'Deleting');
    if (!this.deps.registry.remove(row.id)) {
      await this.deps.store.update(row.id, { phase: row.phase });
      await this.refuseBusy(row);
      throw poolErrors.badRequest(`pool ${row.id} runs workloads; stop them before deleting it`);
    }
    if (this.deps.cluster) await this.deps.cluster.removeAll(row.id, parseNodes(row.nodes));
    await this.deps.events.flushed();
    await this.deps.store.delete(row.id);
    return poolView({ ...row, phase: 'Deleting' });
  }

  async statistics(projectId: string, query: Static<typeof PoolStatisticsQuery>): Promise<Static<typeof PoolStatistics>> {
    const rows = (await this.deps.store.ofProject(projectId)).filter((r) => query.workspaceId === undefined || (r.workspace_id ?? '0') === query.workspaceId);
    const count = (...phases: PoolPhaseValue[]) => rows.filter((r) => phases.includes(r.phase)).length;
    const at = new Date(this.deps.clock.now()).toISOString();
    return {
      statistics: { status: { creating: count('Creating'), created: count('Running', 'Abnormal', 'Deleting'), failed: 0, pending: 0 } },
      operationTime: `${at.slice(0, 10)} ${at.slice(11, 23)} +0000 UTC`,
    };
  }

  /** What the public pool has free, in cores of the host (its free CPU counts over-committed shares). */
  private free(): PoolAmount {
    const f = this.deps.publicPool.free();
    return { cpu: Math.floor((f.cpu / this.deps.publicPool.cpuOvercommit) * 100) / 100, memoryMb: f.memoryMb };
  }

  countOfProject(projectId: string): Promise<number> {
    return this.deps.store.countOfProject(projectId);
  }

  async row(projectId: string, name: string): Promise<PoolRow> {
    const row = await this.deps.store.get(projectId, name);
    if (!row) throw poolErrors.notFound(name);
    return row;
  }

  usage(poolId: string) {
    return this.deps.registry.get(poolId)?.pool.usage() ?? [];
  }

  /** Refuses while work holds the pool here, or the records say work placed through another replica is not over. */
  private async refuseBusy(row: PoolRow): Promise<void> {
    const holdings = this.deps.registry.get(row.id)?.pool.holdings() ?? [];
    const here = holdings.map((h) => (h.holder ? `${h.holder.kind} ${h.holder.name} (${h.holder.id})` : h.key));
    const recorded = here.length > 0 ? [] : (await this.deps.workloads.list(row.project_id, row.id)).filter((w) => LIVE.has(w.status));
    const who = [...here, ...recorded.map((w) => `${w.type} ${w.name} (${w.id}, ${w.status})`)];
    if (who.length > 0) throw poolErrors.badRequest(`pool ${row.id} runs workloads: ${who.join(', ')}; stop them before deleting it`);
  }

  private phaseEvent(poolId: string, from: PoolPhaseValue, to: PoolPhaseValue, why?: string): void {
    if (from === to) return;
    const type = to === 'Abnormal' ? 'Warning' : 'Normal';
    this.deps.registry.event(poolId, type, 'PoolStatusChange', `Pool phase changed from ${from} to ${to}${why ? `: ${why}` : ''}.`);
  }

  /** The request's resources as slices of this host's flavors; a 400 naming the entry otherwise. */
  private resolve(resources: readonly RequestedResource[]): Wanted[] {
    const flavors = this.deps.flavors();
    const seen = new Set<string>();
    let total = 0;
    const wanted = resources.map((r, i) => {
      const amount = flavors.get(r.flavor);
      if (!amount)
        throw poolErrors.badRequest(
          `spec.resources[${i}].flavor: ${r.flavor} is not a node flavor of ${this.deps.cluster ? "the cluster's Ready nodes" : 'this host'} (${[...flavors.keys()].join(', ')})`,
        );
      if (seen.has(r.flavor)) throw poolErrors.badRequest(`spec.resources[${i}].flavor: ${r.flavor} is named twice`);
      seen.add(r.flavor);
      const count = Number(r.count);
      total += count;
      return { flavor: r.flavor, amount, count };
    });
    if (total > MAX_SLICES) throw poolErrors.badRequest(`spec.resources asks for ${total} slices; at most ${MAX_SLICES}`);
    return wanted;
  }

  /** A reservation larger than the whole host can never be made. */
  private checkHost(nodes: readonly StoredNode[]): void {
    const want = totalOf(nodes);
    const host = this.deps.publicPool.capacity;
    if (want.cpu > host.cpu || want.memoryMb > host.memoryMb) {
      throw poolErrors.badRequest(`spec.resources asks for ${countText(nodes)} (${amountText(want)}); this host has ${amountText(host)} in all`);
    }
  }
}
