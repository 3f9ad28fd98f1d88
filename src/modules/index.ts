import type { FastifyInstance } from 'fastify';
import type { AppContext } from '#src/app.ts';
import { authorizationsModule } from './authorizations/routes.ts';
import { resourceConfigModule } from './resource-config/routes.ts';

/** Every API family; each registers its routes with the ports it needs. */
export async function registerModules(app: FastifyInstance, ctx: AppContext): Promise<void> {
  await app.register(authorizationsModule, { ctx });
  await app.register(resourceConfigModule, { ctx });
}
