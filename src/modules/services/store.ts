import { sql } from 'kysely';
import type { Db } from '#src/db/database.ts';
import { pageLiterals } from '#src/db/paging.ts';
import { ModelStatsStore } from './model-stats.ts';
import type { EventsQuery, ListServicesQuery } from './schemas.ts';
import type { ServiceEventRow, ServiceRow, ServiceUpdateLogRow } from './tables.ts';

/** SQL over the services, service_events and service_update_logs tables. */
export class ServiceStore {
  /** Each deployed model's requests through every replica (service_model_stats). */
  readonly modelStats: ModelStatsStore;

  constructor(private readonly db: Db) {
    this.modelStats = new ModelStatsStore(db);
  }

  async insert(row: ServiceRow, log: ServiceUpdateLogRow): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('services').values(row).execute();
      await trx.insertInto('service_update_logs').values(log).execute();
    });
  }

  async get(projectId: string, id: string): Promise<ServiceRow | undefined> {
    return this.db.selectFrom('services').selectAll().where('project_id', '=', projectId).where('id', '=', id).executeTakeFirst();
  }

  async byId(id: string): Promise<ServiceRow | undefined> {
    return this.db.selectFrom('services').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async update(id: string, patch: Partial<ServiceRow>): Promise<void> {
    await this.db.updateTable('services').set(patch).where('id', '=', id).execute();
  }

  async updateWithLog(id: string, patch: Partial<ServiceRow>, log: ServiceUpdateLogRow): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('services').set(patch).where('id', '=', id).execute();
      await trx.insertInto('service_update_logs').values(log).execute();
    });
  }

  async setLogResult(logId: string, result: ServiceUpdateLogRow['result']): Promise<void> {
    await this.db.updateTable('service_update_logs').set({ result }).where('id', '=', logId).execute();
  }

  async addCounts(id: string, invocations: number, failures: number): Promise<void> {
    await this.db
      .updateTable('services')
      .set({ invocation_times: sql`invocation_times + ${invocations}`, failed_times: sql`failed_times + ${failures}` })
      .where('id', '=', id)
      .execute();
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('services').where('id', '=', id).execute();
  }

  /** Services whose instances should be up on this host. */
  async wantRunning(): Promise<ServiceRow[]> {
    return this.db.selectFrom('services').selectAll().where('desired', '=', 'running').execute();
  }

  /** The project's services placed in a dedicated pool, oldest first. */
  async inPool(projectId: string, poolName: string): Promise<ServiceRow[]> {
    return this.db
      .selectFrom('services')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('cluster_id', '=', poolName)
      .orderBy('publish_at')
      .orderBy('id')
      .execute();
  }

  async nameTaken(projectId: string, name: string): Promise<boolean> {
    const r = await this.db.selectFrom('services').select('id').where('project_id', '=', projectId).where('service_name', '=', name).executeTakeFirst();
    return r !== undefined;
  }

  async ofProject(projectId: string): Promise<ServiceRow[]> {
    return this.db.selectFrom('services').selectAll().where('project_id', '=', projectId).execute();
  }

  private filtered(projectId: string, q: ListServicesQuery) {
    let query = this.db
      .selectFrom('services')
      .where('project_id', '=', projectId)
      .where('workspace_id', '=', q.workspace_id ?? '0');
    if (q.service_id !== undefined) query = query.where('id', '=', q.service_id);
    if (q.service_name !== undefined) query = query.where('service_name', '=', q.service_name);
    if (q.infer_type !== undefined) query = query.where('infer_type', '=', q.infer_type);
    if (q.status !== undefined) query = query.where('status', '=', q.status);
    if (q.model_id !== undefined) {
      const needle = `%"model_id":${JSON.stringify(q.model_id).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query = query.where(sql<boolean>`config like ${needle} escape '\\'`);
    }
    return query;
  }

  async count(projectId: string, q: ListServicesQuery): Promise<number> {
    const r = await this.filtered(projectId, q)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  async page(projectId: string, q: ListServicesQuery): Promise<ServiceRow[]> {
    const page = pageLiterals(q.limit, q.offset * q.limit);
    const dir = q.order === 'asc' ? 'asc' : 'desc';
    return this.filtered(projectId, q)
      .selectAll()
      .orderBy(q.sort_by ?? 'publish_at', dir)
      .orderBy('id', dir)
      .limit(page.limit)
      .offset(page.offset)
      .execute();
  }

  async addEvents(rows: ServiceEventRow[]): Promise<void> {
    if (rows.length > 0) await this.db.insertInto('service_events').values(rows).execute();
  }

  private eventsFiltered(serviceId: string, q: EventsQuery) {
    let query = this.db.selectFrom('service_events').where('service_id', '=', serviceId);
    if (q.event_type !== undefined) query = query.where('event_type', '=', q.event_type);
    // Times are whole milliseconds: a fractional bound is rounded inward (PostgreSQL compares bigints only with integers).
    if (q.start_time !== undefined) query = query.where('occur_time', '>=', Math.ceil(q.start_time));
    if (q.end_time !== undefined) query = query.where('occur_time', '<=', Math.floor(q.end_time));
    return query;
  }

  async events(serviceId: string, q: EventsQuery): Promise<{ total: number; rows: ServiceEventRow[] }> {
    const page = pageLiterals(q.limit, q.offset * q.limit);
    const dir = q.order === 'asc' ? 'asc' : 'desc';
    const total = await this.eventsFiltered(serviceId, q)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst();
    const rows = await this.eventsFiltered(serviceId, q)
      .selectAll()
      .orderBy('occur_time', dir)
      .orderBy('id', dir)
      .limit(page.limit)
      .offset(page.offset)
      .execute();
    return { total: Number(total?.n ?? 0), rows };
  }

  async updateLogs(serviceId: string, updateTime: number | undefined): Promise<ServiceUpdateLogRow[]> {
    let q = this.db.selectFrom('service_update_logs').selectAll().where('service_id', '=', serviceId);
    if (updateTime !== undefined) q = q.where('update_time', '>=', Math.ceil(updateTime));
    return q.orderBy('update_time', 'desc').orderBy('id', 'desc').execute();
  }
}
