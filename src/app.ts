import './v8-workarounds/index.ts';
import Fastify, { type FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from './config.ts';
import { requestAuth } from './auth/auth-hook.ts';
import { IdentityStore } from './auth/identity-store.ts';
import { IdentityService } from './auth/identity-service.ts';
import { SecretBox, loadMasterKey } from './auth/secret-box.ts';
import { tokenRoutes } from './auth/token-routes.ts';
import { iamRoutes } from './auth/iam-routes.ts';
import { hexId, requestIds } from './core/ids.ts';
import { QuotaUsage } from './core/quota-usage.ts';
import { systemClock, type Clock } from './core/time.ts';
import { openDatabase } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';
import { registerBodyParsers } from './http/body-parsers.ts';
import { clientErrorHandler, frameworkErrors, registerErrorHandler } from './http/error-handler.ts';
import { createMetrics } from './http/metrics.ts';
import { registerRequestHooks } from './http/request-hooks.ts';
import { RequestLog, decorateRequestLog } from './http/request-log.ts';
import type { ResponseCheck } from './http/response-check.ts';
import type { ExampleRecorder } from './http/example-recorder.ts';
import { addExamples } from './http/openapi-examples.ts';
import { validatorCompiler } from './http/validation.ts';
import './http/route-config.ts';
import { platformRoutes } from './http/platform-routes.ts';
import { consoleRoutes } from './http/console-routes.ts';
import { createObjectStore } from './storage/index.ts';
import { BucketAccess } from './storage/bucket-access.ts';
import { BucketStore } from './storage/bucket-store.ts';
import { registerModules } from './modules/index.ts';
import type { AppContext } from './context.ts';
import { LeaseStore, ReconcilerLoop, TaskQueue, TaskWorker } from './runtime/index.ts';
import type { ReplicaLeases } from './runtime/leases.ts';
import { replicaId } from './runtime/replica-id.ts';
import { PoolWorkloads } from './core/pool-workloads.ts';
import { PoolRegistry } from './runtime/local/pool-registry.ts';
import { LocalPool } from './runtime/local/local-pool.ts';
import { createSandbox, securePrivateDir } from './runtime/sandbox/index.ts';

export interface AtelierApp {
  app: FastifyInstance;
  context: AppContext;
  /** Starts the task worker and the reconciler loop (which first reconciles every resource). */
  startBackground(): void;
  /**
   * One pass of every reconciler, for before the server answers after a restart: stored states
   * that claim work this process is not doing (a service "running" with no model server) are
   * corrected first.
   */
  recover(): Promise<void>;
  close(): Promise<void>;
}

export interface BuildOptions {
  clock?: Clock;
  /** Where logs go (default: stdout). */
  logStream?: DestinationStream;
  /** Tests only: checks every 2xx answer against its route's response schema (src/http/response-check.ts). */
  responseCheck?: ResponseCheck;
  /** Tests only: records successful calls, for the API reference's examples (src/http/example-recorder.ts). */
  exampleRecorder?: ExampleRecorder;
}

/** The text at the top of /docs: what this is, and how to call the APIs from the page itself. */
const API_DESCRIPTION = `The ModelArts REST API as Atelier serves it.

**Calling the APIs from this page.** Every API but the token one needs credentials. A browser cannot compute the
SDK-HMAC-SHA256 signature (the \`aksk\` scheme), so take a token:

1. Open **POST /v3/auth/tokens** (under IAM), choose **Try it out**, and send a password login. On a fresh server the
   first start saved a user, its password and a project in \`credentials.json\` in the data directory:

   \`\`\`json
   {"auth": {"identity": {"methods": ["password"],
                          "password": {"user": {"name": "admin", "password": "<password>", "domain": {"name": "atelier"}}}},
             "scope": {"project": {"name": "default"}}}}
   \`\`\`
2. The 201 answer carries the token in its **X-Subject-Token** header. Copy it.
3. Choose **Authorize** at the top of this page, paste the token into **token (apiKey)**, and close the dialog. The page
   then sends it as **X-Auth-Token** with every call, until the token expires or the page is reloaded.

Paths with \`{project_id}\` take the id of the token's project (\`project_id\` in \`credentials.json\`).
Scripts and SDKs sign with an AK/SK instead; \`npx atelier call\` does that from a shell.`;

/** Builds the Fastify app from a Config: database migrated, routes registered. Never listens. */
export async function buildApp(config: Config, options: BuildOptions = {}): Promise<AtelierApp> {
  const clock = options.clock ?? systemClock;
  securePrivateDir(config.dataDir);
  const database = openDatabase(config.databaseUrl);
  await migrateToLatest(database.db);
  const secrets = new SecretBox(loadMasterKey(config.dataDir, config.masterKey));
  const identity = new IdentityService(new IdentityStore(database.db), secrets, clock, config.tokenTtlSeconds * 1000, database);
  const objectStore = createObjectStore(config.objectStore);
  const sandbox = await createSandbox(
    { setting: config.sandbox, user: config.sandboxUser, dataDir: config.dataDir },
    { ownerDomainId: () => identity.ownerDomainId(), domainOfProject: async (id) => (await identity.projectById(id))?.domain_id },
  );
  await sandbox.prime();
  const app = Fastify({
    // A silent logger would still make a child logger per request; no logger makes none.
    logger:
      config.logLevel === 'silent'
        ? false
        : {
            level: config.logLevel,
            ...(options.logStream ? { stream: options.logStream } : {}),
            redact: { paths: ['req.headers.authorization', 'req.headers["x-auth-token"]'], censor: '[redacted]' },
          },
    // One line per request, written when its response is finished (src/http/request-log.ts).
    logController: new RequestLog(config.logLevel !== 'silent'),
    bodyLimit: config.bodyLimit,
    frameworkErrors,
    clientErrorHandler,
    genReqId: requestIds(),
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<TypeBoxTypeProvider>();

  const auth = requestAuth(app, { identity, clock, signatureWindowSeconds: config.signatureWindowSeconds, failureLimits: config.authFailures });
  const tasks = new TaskQueue(database.db, clock);
  // Task leases and reconciler leases name the replica, so an operator (or a test) can tell who holds what.
  const replica: ReplicaLeases = {
    id: replicaId(config.port),
    leases: new LeaseStore(database.db, clock),
    ttlMs: Math.max(config.reconcileLeaseMs ?? 15_000, 2 * config.reconcileIntervalMs),
  };
  const worker = new TaskWorker({
    database,
    definitions: [],
    clock,
    logger: app.log,
    workerId: `${replica.id}/${hexId().slice(0, 8)}`,
    ...(config.taskLeaseMs ? { leaseMs: config.taskLeaseMs } : {}),
  });
  tasks.onEnqueue(() => worker.notify());
  const localPool = new LocalPool(config.localPool);
  const context: AppContext = {
    config,
    database,
    objectStore,
    buckets: new BucketAccess(new BucketStore(database.db), objectStore, identity, database, clock),
    identity,
    credentials: auth,
    secrets,
    clock,
    quotaUsage: new QuotaUsage(),
    tasks,
    worker,
    reconcilers: new ReconcilerLoop(config.reconcileIntervalMs, app.log, { leases: replica.leases, owner: replica.id, ttlMs: replica.ttlMs }),
    replica,
    localPool,
    pools: new PoolRegistry(localPool),
    poolWorkloads: new PoolWorkloads(),
    sandbox,
  };
  app.log.info(sandbox.describe());

  app.setValidatorCompiler(validatorCompiler);
  decorateRequestLog(app);
  registerBodyParsers(app, config.bodyLimit);
  registerErrorHandler(app, config.bodyLimit);
  const metrics = createMetrics();
  // Before any route is added: each route gets its hooks as it is added.
  registerRequestHooks(app, auth, metrics.requests);
  options.responseCheck?.attach(app);
  options.exampleRecorder?.attach(app);

  await app.register(swagger, {
    openapi: {
      info: { title: 'Atelier (ModelArts API)', version: '1', description: API_DESCRIPTION },
      components: {
        securitySchemes: {
          token: { type: 'apiKey', in: 'header', name: 'X-Auth-Token', description: 'The X-Subject-Token header of a POST /v3/auth/tokens answer' },
          aksk: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'SDK-HMAC-SHA256 signature' },
        },
      },
      security: [{ token: [] }, { aksk: [] }],
    },
    transformObject: (document) => ('openapiObject' in document ? addExamples(document.openapiObject) : document.swaggerObject),
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  await app.register(platformRoutes, { metrics });
  await app.register(tokenRoutes, { identity, clock, failureLimits: config.authFailures });
  await app.register(iamRoutes, { identity });
  const startModules = await registerModules(app, context);
  await app.register(consoleRoutes);

  let closed = false;
  return {
    app,
    context,
    startBackground: () => {
      worker.start();
      context.reconcilers.start();
      startModules();
    },
    recover: () => context.reconcilers.runOnce(),
    close: async () => {
      if (closed) return;
      closed = true;
      // Reconcilers first: a pass must not act on modules that are closing (adopt what they just handed over).
      await context.reconcilers.stop();
      await app.close();
      await worker.stop();
      await objectStore.close();
      await database.close();
    },
  };
}
