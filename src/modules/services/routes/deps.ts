import type { LocalPool } from '#src/runtime/local/local-pool.ts';
import type { InferenceGateway } from '../inference-gateway.ts';
import type { ServiceManager } from '../service-manager.ts';
import type { ServiceReader } from '../service-reader.ts';

/** What the services routes call. */
export interface ServiceRouteDeps {
  manager: ServiceManager;
  reader: ServiceReader;
  pool: LocalPool;
  gateway: InferenceGateway;
}
