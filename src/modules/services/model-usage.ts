import type { Database } from '#src/db/database.ts';
import type { ModelUsage } from '#src/modules/models/index.ts';
import { ServiceStore } from './store.ts';
import type { StoredConfig } from './views.ts';

/**
 * Which models the services of a project use, read from the services table: the models family
 * refuses to delete those. Built before both families, so neither needs the other to exist first.
 */
export function modelUsage(database: Database): ModelUsage {
  const store = new ServiceStore(database.db);
  return {
    async modelsInUse(projectId, modelIds) {
      const used = new Set<string>();
      for (const row of await store.ofProject(projectId)) {
        for (const c of JSON.parse(row.config) as StoredConfig[]) if (modelIds.includes(c.model_id)) used.add(c.model_id);
      }
      return used;
    },
  };
}
