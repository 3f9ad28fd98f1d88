// Each deployed model's request counts and recent latencies in the shared database, so every replica answers the same
// numbers. A replica's flush adds its counts and appends its latencies to the model's window, which keeps the last
// LATENCY_WINDOW of them whichever replica served them; the median is taken over that window. A flush writes over the
// row it read only (its version): when another replica wrote in between, it reads the row again and retries.
import type { Db } from '#src/db/database.ts';
import { isUniqueViolation } from '#src/db/driver-errors.ts';

/** How many of a model's latest latencies its median is taken over. */
export const LATENCY_WINDOW = 512;
const ATTEMPTS = 8;

/** What a replica adds to a model's numbers. */
export interface ModelDelta {
  invocations: number;
  failures: number;
  /** Oldest first. */
  latencies: number[];
}

export interface ModelNumbers {
  invocations: number;
  failures: number;
  /** Oldest first, at most LATENCY_WINDOW. */
  latencies: number[];
}

export const lastWindow = (latencies: number[]) => (latencies.length > LATENCY_WINDOW ? latencies.slice(-LATENCY_WINDOW) : latencies);

export class ModelStatsStore {
  constructor(private readonly db: Db) {}

  async read(serviceId: string, modelId: string): Promise<ModelNumbers | undefined> {
    const row = await this.db
      .selectFrom('service_model_stats')
      .select(['invocations', 'failures', 'latencies'])
      .where('service_id', '=', serviceId)
      .where('model_id', '=', modelId)
      .executeTakeFirst();
    return row && { invocations: Number(row.invocations), failures: Number(row.failures), latencies: JSON.parse(row.latencies) as number[] };
  }

  /** Adds a replica's counts and latencies to the model's row (made by the first flush). */
  async add(serviceId: string, modelId: string, delta: ModelDelta): Promise<void> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const row = await this.db
        .selectFrom('service_model_stats')
        .selectAll()
        .where('service_id', '=', serviceId)
        .where('model_id', '=', modelId)
        .executeTakeFirst();
      if (!row) {
        // A service deleted meanwhile (its rows removed) gets none again.
        if (!(await this.db.selectFrom('services').select('id').where('id', '=', serviceId).executeTakeFirst())) return;
        try {
          await this.db
            .insertInto('service_model_stats')
            .values({
              service_id: serviceId,
              model_id: modelId,
              invocations: delta.invocations,
              failures: delta.failures,
              latencies: JSON.stringify(lastWindow(delta.latencies)),
              version: 1,
            })
            .execute();
          return;
        } catch (e) {
          if (isUniqueViolation(e)) continue; // another replica made it first
          throw e;
        }
      }
      const latencies = lastWindow([...(JSON.parse(row.latencies) as number[]), ...delta.latencies]);
      const r = await this.db
        .updateTable('service_model_stats')
        .set({
          invocations: Number(row.invocations) + delta.invocations,
          failures: Number(row.failures) + delta.failures,
          latencies: JSON.stringify(latencies),
          version: Number(row.version) + 1,
        })
        .where('service_id', '=', serviceId)
        .where('model_id', '=', modelId)
        .where('version', '=', row.version)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) > 0) return;
    }
    throw new Error(`the statistics of model ${modelId} of service ${serviceId} kept changing under this replica's flush`);
  }

  async remove(serviceId: string): Promise<void> {
    await this.db.deleteFrom('service_model_stats').where('service_id', '=', serviceId).execute();
  }
}
