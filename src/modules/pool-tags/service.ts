import { KeyedSerial } from '#src/core/serial.ts';
import type { Static } from 'typebox';
import type { Clock } from '#src/core/time.ts';
import type { DedicatedPool, PoolRegistry } from '#src/runtime/local/pool-registry.ts';
import { poolTagErrors } from './errors.ts';
import type { ListPoolsByTagsQuery, ListPoolsByTagsRequest, ListPoolTagsQuery, PoolResources, PoolTagList, ProjectTagList } from './schemas.ts';
import { TAGS_PER_POOL } from './schemas.ts';
import type { PoolTagStore } from './store.ts';
import type { PoolTagRow } from './tables.ts';

export interface PoolTagServiceDeps {
  store: PoolTagStore;
  clock: Clock;
  pools: Pick<PoolRegistry, 'get' | 'list'>;
}

type Tag = { key: string; value: string };

const tagsOf = (rows: readonly PoolTagRow[]): Tag[] => rows.map((r) => ({ key: r.key, value: r.value }));

function refuseDuplicateKeys(tags: readonly { key: string }[], field: string): void {
  const seen = new Set<string>();
  for (const [i, t] of tags.entries()) {
    if (seen.has(t.key)) throw poolTagErrors.badRequest(`${field}[${i}].key: "${t.key}" appears more than once`);
    seen.add(t.key);
  }
}

/**
 * Tags of the project's dedicated pools. Writes to one pool run one at a time, so the quota check
 * sees every tag stored before; a batch is stored in one transaction, all or nothing.
 */
export class PoolTagService {
  private readonly writing = new KeyedSerial();

  constructor(private readonly deps: PoolTagServiceDeps) {}

  async create(projectId: string, poolName: string, tags: readonly Tag[]): Promise<void> {
    const pool = this.pool(projectId, poolName);
    refuseDuplicateKeys(tags, 'tags');
    await this.serially(pool.name, async () => {
      const present = new Set((await this.deps.store.ofPools(projectId, [pool.name])).map((r) => r.key));
      const added = tags.filter((t) => !present.has(t.key)).length;
      if (present.size + added > TAGS_PER_POOL) {
        throw poolTagErrors.badRequest(`tags: the pool would carry ${present.size + added} tags; at most ${TAGS_PER_POOL} are allowed`);
      }
      await this.deps.store.put(projectId, pool.name, tags, this.deps.clock.now());
    });
  }

  async delete(projectId: string, poolName: string, tags: readonly { key: string; value?: string }[]): Promise<void> {
    const pool = this.pool(projectId, poolName);
    refuseDuplicateKeys(tags, 'tags');
    await this.serially(pool.name, () => this.deps.store.remove(pool.name, tags));
  }

  async show(projectId: string, poolName: string): Promise<Static<typeof PoolTagList>> {
    const pool = this.pool(projectId, poolName);
    return { tags: tagsOf(await this.deps.store.ofPools(projectId, [pool.name])) };
  }

  /** Every key set on a pool of the project, with its values; keys in the order first set. */
  async projectTags(projectId: string, query: Static<typeof ListPoolTagsQuery>): Promise<Static<typeof ProjectTagList>> {
    const rows = await this.deps.store.ofPools(
      projectId,
      this.projectPools(projectId).map((p) => p.name),
    );
    const byKey = new Map<string, Set<string>>();
    for (const r of rows) byKey.set(r.key, (byKey.get(r.key) ?? new Set()).add(r.value));
    const offset = query.offset ?? 0;
    const keys = [...byKey.entries()].slice(offset, offset + (query.limit ?? 200));
    return { tags: keys.map(([key, values]) => ({ key, values: [...values].sort() })) };
  }

  async filter(
    projectId: string,
    body: Static<typeof ListPoolsByTagsRequest>,
    query: Static<typeof ListPoolsByTagsQuery>,
  ): Promise<Static<typeof PoolResources>> {
    const conditions = body.tags ?? [];
    refuseDuplicateKeys(conditions, 'tags');
    const limit = query.limit ?? (body.limit !== undefined ? Number(body.limit) : 1000);
    if (limit < 1 || limit > 1000) throw poolTagErrors.badRequest(`limit: ${limit} is not between 1 and 1000`);
    const offset = query.offset ?? (body.offset !== undefined ? Number(body.offset) : 0);
    if (offset > 1_000_000) throw poolTagErrors.badRequest(`offset: ${offset} is above 1000000`);
    const nameContains = body.matches?.find((m) => m.key === 'resource_name')?.value.toLowerCase();

    const pools = this.projectPools(projectId);
    const rows = await this.deps.store.ofPools(
      projectId,
      pools.map((p) => p.name),
    );
    const tagsByPool = new Map<string, Tag[]>();
    for (const r of rows) tagsByPool.set(r.pool_name, [...(tagsByPool.get(r.pool_name) ?? []), { key: r.key, value: r.value }]);

    const matching = pools.filter((p) => {
      if (nameContains !== undefined && !p.displayName.toLowerCase().includes(nameContains)) return false;
      const tags = tagsByPool.get(p.name) ?? [];
      return conditions.every((c) => tags.some((t) => t.key === c.key && (c.values.length === 0 || c.values.includes(t.value))));
    });
    if (body.action === 'count') return { total_count: matching.length };
    return {
      total_count: matching.length,
      resources: matching.slice(offset, offset + limit).map((p) => ({ resource_id: p.name, resource_name: p.displayName, tags: tagsByPool.get(p.name) ?? [] })),
    };
  }

  poolRemoved(poolName: string): Promise<void> {
    return this.serially(poolName, () => this.deps.store.removePool(poolName));
  }

  /** The project's dedicated pool, or the spec's 404 (another project's pool does not exist for the caller). */
  private pool(projectId: string, poolName: string): DedicatedPool {
    const pool = this.deps.pools.get(poolName);
    if (!pool || pool.projectId !== projectId) throw poolTagErrors.poolNotFound(poolName);
    return pool;
  }

  private projectPools(projectId: string): DedicatedPool[] {
    return this.deps.pools.list().filter((p) => p.projectId === projectId);
  }

  private serially<T>(poolName: string, work: () => Promise<T>): Promise<T> {
    return this.writing.run(poolName, work);
  }
}
