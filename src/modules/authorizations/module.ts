import type { AppContext, FamilyModule } from '#src/context.ts';
import { authorizationRoutes } from './routes.ts';
import { AuthorizationService } from './service.ts';
import { AuthorizationStore } from './store.ts';

export type AuthorizationsDeps = Pick<AppContext, 'database' | 'identity' | 'secrets' | 'clock'>;

export function authorizationsModule(deps: AuthorizationsDeps): FamilyModule {
  const service = new AuthorizationService(new AuthorizationStore(deps.database.db), deps.identity, deps.secrets, deps.clock, deps.database);
  return { register: async (app) => void (await app.register(authorizationRoutes, { service })) };
}
