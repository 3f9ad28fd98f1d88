// The life of a pool on the kubernetes executor, beside what PoolService does for every pool: claiming the cluster's
// nodes a pool waits for, checking the nodes it holds, holding them again after a restart, and resizing it.
import type { ApiError } from '#src/core/errors.ts';
import type { Clock } from '#src/core/time.ts';
import type { PoolIdentity, PoolRegistry } from '#src/runtime/local/pool-registry.ts';
import type { ClusterPoolNodes } from './cluster-nodes.ts';
import { poolErrors } from './errors.ts';
import { countText, heldNodes, parseNodes, poolNodes, type StoredNode } from './nodes.ts';
import type { PoolStore } from './store.ts';
import type { PoolPhaseValue, PoolRow } from './tables.ts';
import { scopeOf } from './views.ts';

export interface ClusterLifecycleDeps {
  store: PoolStore;
  clock: Clock;
  registry: PoolRegistry;
  cluster: ClusterPoolNodes;
}

/** What the pool service does that this file's steps end with. */
export interface PoolSteps {
  activate(row: PoolRow): Promise<PoolRow>;
  phaseEvent(poolId: string, from: PoolPhaseValue, to: PoolPhaseValue, why?: string): void;
  busyNodes(row: PoolRow, nodes: readonly StoredNode[]): ApiError;
}

export class ClusterPoolLifecycle {
  constructor(
    private readonly deps: ClusterLifecycleDeps,
    private readonly steps: PoolSteps,
  ) {}

  /**
   * Claims the nodes a Creating pool still waits for. With all of them it is Running; short of any it stays Creating,
   * says which in its message and a Warning event, and the reconciler tries again.
   */
  async claimNodes(row: PoolRow): Promise<PoolRow> {
    const cluster = this.deps.cluster;
    const before = parseNodes(row.nodes);
    const nodes = await cluster.fill(row.id, before, this.deps.clock.now());
    if (this.deps.registry.get(row.id)) this.deps.registry.replaceNodes(row.id, poolNodes(nodes));
    else this.deps.registry.adopt(this.identity(row), poolNodes(nodes));
    await cluster.applyQuota(row.id, nodes);
    const missing = cluster.missingText(nodes);
    const message = missing ? `waiting for ${missing}: no free Ready node of the cluster fits` : null;
    await this.deps.store.update(row.id, { nodes: JSON.stringify(nodes), message });
    const updated = { ...row, nodes: JSON.stringify(nodes), message };
    if (!missing) return this.steps.activate(updated);
    if (message !== row.message) this.deps.registry.event(row.id, 'Warning', 'PoolNodesInsufficient', `Pool ${message}.`);
    return updated;
  }

  /** A pool whose nodes left the cluster, lost its label or are not Ready is Abnormal, and Running again once they are back. */
  async checkNodes(row: PoolRow): Promise<void> {
    const problem = this.deps.cluster.problems(row.id, parseNodes(row.nodes));
    if (problem && (row.phase !== 'Abnormal' || row.message !== problem)) {
      await this.deps.store.update(row.id, { phase: 'Abnormal', message: problem });
      this.steps.phaseEvent(row.id, row.phase, 'Abnormal', problem);
    } else if (!problem && row.phase === 'Abnormal') {
      await this.deps.store.update(row.id, { phase: 'Running', message: null });
      this.steps.phaseEvent(row.id, 'Abnormal', 'Running');
    }
  }

  private identity(row: PoolRow): PoolIdentity {
    return { name: row.id, projectId: row.project_id, displayName: row.display_name, scope: scopeOf(row) };
  }

  /** A pool on the cluster holds its labelled nodes again; one whose delete a restart interrupted gives them back. */
  async restore(row: PoolRow): Promise<void> {
    const nodes = parseNodes(row.nodes);
    if (row.phase === 'Deleting') {
      await this.deps.cluster.removeAll(row.id, nodes);
      await this.deps.store.delete(row.id);
      return;
    }
    this.deps.registry.adopt(this.identity(row), poolNodes(nodes));
    if (row.phase !== 'Creating') await this.checkNodes(row);
  }

  /**
   * Gives the pool `nodes`: claims the new nodes first (all or none: a shortfall gives back what was claimed and refuses), then
   * takes the label off the dropped ones, which must be idle, and sets the quota to the new size.
   */
  async resize(row: PoolRow, nodes: StoredNode[]): Promise<PoolRow> {
    const cluster = this.deps.cluster;
    const before = parseNodes(row.nodes);
    const had = new Set(heldNodes(before).map((n) => n.name));
    const planned = nodes.map((n) => (had.has(n.name) ? n : { ...n, pending: true }));
    const filled = await cluster.fill(row.id, planned, this.deps.clock.now());
    const fresh = heldNodes(filled)
      .filter((n) => !had.has(n.name))
      .map((n) => n.name);
    const missing = cluster.missingText(filled);
    if (missing) {
      await cluster.release(row.id, fresh);
      throw poolErrors.badRequest(`spec.resources: the cluster has no free Ready node for ${missing}`);
    }
    if (this.deps.registry.replaceNodes(row.id, poolNodes(filled)) === 'busy') {
      await cluster.release(row.id, fresh);
      throw this.steps.busyNodes(row, filled);
    }
    const kept = new Set(filled.map((n) => n.name));
    await cluster.release(
      row.id,
      heldNodes(before)
        .filter((n) => !kept.has(n.name))
        .map((n) => n.name),
    );
    await cluster.applyQuota(row.id, filled);
    await this.deps.store.update(row.id, { nodes: JSON.stringify(filled) });
    this.deps.registry.event(
      row.id,
      'Normal',
      'PoolResourcesStatusChange',
      `Pool nodes changed from ${countText(before)} to ${countText(filled)}, available/abnormal/creating/deleting now ${filled.length}/0/0/0.`,
    );
    return { ...row, nodes: JSON.stringify(filled) };
  }
}
