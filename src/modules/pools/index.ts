// The pools family's public face: which pools use a network (what DeleteNetwork asks before it deletes).
import { ApiError } from '#src/core/errors.ts';
import type { Database } from '#src/db/database.ts';
import type { NetworkService } from '#src/modules/networks/index.ts';
import type { NetworkLookup } from './service.ts';
import { PoolStore } from './store.ts';

export type { PoolService } from './service.ts';
export { Pool } from './schemas.ts';

export const poolNetworkUsage = (database: Database) => {
  const store = new PoolStore(database.db);
  return { poolsUsing: (projectId: string, networkName: string) => store.onNetwork(projectId, networkName) };
};

/** The pools family's view of the networks family: whether a project has a network. */
export const networkLookup = (networks: Pick<NetworkService, 'show'>): NetworkLookup => ({
  exists: async (projectId, networkName) => {
    try {
      await networks.show(projectId, networkName);
      return true;
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return false;
      throw e;
    }
  },
});
