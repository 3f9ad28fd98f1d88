// The ports every family is built from. This file imports nothing from modules/: families depend on
// it, never the other way round.
import type { Config } from './config.ts';
import type { IdentityService } from './auth/identity-service.ts';
import type { RequestAuth } from './auth/auth-hook.ts';
import type { SecretBox } from './auth/secret-box.ts';
import type { QuotaUsage } from './core/quota-usage.ts';
import type { Clock } from './core/time.ts';
import type { Database } from './db/database.ts';
import type { ObjectStore } from './storage/index.ts';
import type { BucketAccess } from './storage/bucket-access.ts';
import type { FastifyInstance } from 'fastify';
import type { Reconciler, ReconcilerLoop, TaskDefinition, TaskQueue, TaskWorker } from './runtime/index.ts';
import type { LocalPool } from './runtime/local/local-pool.ts';
import type { PoolWorkloads } from './core/pool-workloads.ts';
import type { PoolRegistry } from './runtime/local/pool-registry.ts';
import type { Sandbox } from './runtime/sandbox/index.ts';
import type { ReplicaLeases } from './runtime/leases.ts';

/** What modules receive: the ports of the outside world, picked once from the config. */
export interface AppContext {
  config: Config;
  database: Database;
  objectStore: ObjectStore;
  /** Who may use which bucket: every API that names an object path checks here. */
  buckets: BucketAccess;
  identity: IdentityService;
  /** The API credential check of a request outside the API routes (a proxied notebook request, a WebSocket upgrade). */
  credentials: Pick<RequestAuth, 'rawCredential'>;
  secrets: SecretBox;
  clock: Clock;
  quotaUsage: QuotaUsage;
  /** Durable background work: families enqueue here and register their task classes with the worker. */
  tasks: TaskQueue;
  worker: TaskWorker;
  /** Families with a status register their reconciler here. */
  reconcilers: ReconcilerLoop;
  /** This replica's name and the named leases in the database, for work one replica at a time follows. */
  replica: ReplicaLeases;
  /** The host capacity training jobs and service instances share. */
  /** The public pool of this host (also `pools.publicPool`). */
  localPool: LocalPool;
  /** The public pool and the dedicated pools, where workloads are placed. */
  pools: PoolRegistry;
  /** What runs in each pool, as the families that run workloads report it. */
  poolWorkloads: PoolWorkloads;
  /** Confines every workload (training processes, model servers) and enforces its CPU and memory. */
  sandbox: Sandbox;
}

/**
 * What a family's module.ts builds from its ports: its routes, and the background work it brings
 * (task definitions for the worker, reconcilers for the loop, and what to finish on close).
 * modules/index.ts registers them; a module.ts has no side effects of its own.
 */
export interface FamilyModule {
  register(app: FastifyInstance): Promise<void>;
  tasks?: readonly TaskDefinition[];
  reconcilers?: readonly Reconciler[];
  /** Starts the family's own background loop (a sampling timer), with the app's background work. */
  start?(): void;
  close?(): Promise<void>;
}
