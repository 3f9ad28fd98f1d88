import { isIP } from 'node:net';
import { resolve, join } from 'node:path';
import type { ObjectStoreConfig } from '#src/storage/config.ts';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface QuotaLimits {
  pool: number;
  network: number;
}

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  /** `sqlite:<file>` (default: <dataDir>/atelier.db) or `postgres://...`. */
  databaseUrl: string;
  objectStore: ObjectStoreConfig;
  logLevel: LogLevel;
  /** Largest accepted request body, bytes. */
  bodyLimit: number;
  /** Accepted clock difference for X-Sdk-Date, seconds. */
  signatureWindowSeconds: number;
  /** Bad signatures per AK, and failed password logins per domain and user, allowed in a window before 429. */
  authFailures: { limit: number; windowSeconds: number };
  tokenTtlSeconds: number;
  /** Lifetime of signed object URLs (sample sources and previews), seconds. */
  objectUrlTtlSeconds: number;
  /** Key that encrypts stored secret keys; default: <dataDir>/master.key, created on first start. */
  masterKey?: string;
  /** os-user-config values. */
  networkCidrs: string[];
  quotas: QuotaLimits;
  /** Period of the reconciler loop, ms. */
  reconcileIntervalMs: number;
  /** How long a dead replica's reconciler leases keep others from taking over, ms (default 15 s). */
  reconcileLeaseMs?: number;
  /** How long a background task of a dead replica stays claimed before another takes it, ms (default 30 s). */
  taskLeaseMs?: number;
  /** A prediction without an answer after this long gets a 504 and is dropped. */
  inferTimeoutSeconds: number;
  /** Period of the resource metrics sampler, ms. */
  metricsIntervalMs: number;
  /** Extra training engines, `id=Name@/path/to/interpreter,...` (e.g. a virtual environment holding a framework). */
  trainingEngines: string;
  /**
   * The share of this host that training jobs and service instances use together (default: all of
   * it), and how many times its cores are handed out (memory never is).
   */
  localPool: { cpu?: number; memoryMb?: number; cpuOvercommit: number };
  /** How workloads (training processes, model servers) are confined: auto = bubblewrap when it works here. */
  sandbox: 'auto' | 'bwrap' | 'none';
  /** The user workloads run as when the server runs as root (a name, uid or uid:gid). */
  sandboxUser: string;
  /** Notebook instances: where the Jupyter runtime venv lives, whether it is made on first use, and the shortest idle lease. */
  notebooks: { runtimeDir: string; runtimeInstall: 'auto' | 'off'; systemJupyter: string; minIdleMs: number };
  /** Outgoing mail (labeling team invitations): the SMTP server (empty: none), the sender, where links point, and how long an invitation holds. */
  mail: { smtpUrl: string; from: string; consoleUrl: string; invitationTtlSeconds: number };
  /** Intelligent tasks' learner: its Python (empty: the pinned ml-frameworks venv), and a pause before it learns (tests stop or restart under it). */
  learner: { python: string; pauseSeconds: number };
  /** Where training jobs' nodes run: processes on this host, or pods of a Kubernetes cluster. */
  executor: 'local' | 'kubernetes';
  /** The Kubernetes executor's cluster: its kubeconfig (empty: in-cluster, then $KUBECONFIG), namespace (empty: the context's) and default image. */
  kube: {
    configPath: string;
    namespace: string;
    image: string;
    atelierImage: string;
    /** CIDRs the workloads' NetworkPolicies close (the database's address among them when its URL has one). */
    closedNetworks: string[];
    /** Secrets the workloads' pods pull images with. */
    imagePullSecrets: string[];
    /** Seconds a pod of a batch service run or a pre-labeling run may wait for a node before the run fails. */
    scheduleTimeoutSeconds: number;
  };
  /** The port Jupyter listens on in a notebook's pod on the kubernetes executor. */
  kubeNotebookPort: number;
}

type Env = Record<string, string | undefined>;

/** Config fields settable from the environment (ATELIER_*) and from `--flag value` arguments. */
export const settings = [
  { flag: 'host', env: 'ATELIER_HOST', about: 'address to listen on', default: '127.0.0.1' },
  { flag: 'port', env: 'ATELIER_PORT', about: 'port to listen on', default: '8000' },
  { flag: 'data-dir', env: 'ATELIER_DATA_DIR', about: 'data directory (database, objects, logs)', default: './.atelier' },
  { flag: 'database-url', env: 'ATELIER_DATABASE_URL', about: 'sqlite:<file> or postgres://user:pass@host:port/db', default: 'sqlite:<data-dir>/atelier.db' },
  { flag: 'object-store', env: 'ATELIER_OBJECT_STORE', about: 'fs or s3', default: 'fs' },
  { flag: 's3-endpoint', env: 'ATELIER_S3_ENDPOINT', about: 'S3-compatible endpoint URL (OBS, MinIO, ...)', default: '' },
  { flag: 's3-region', env: 'ATELIER_S3_REGION', about: 'S3 region', default: 'us-east-1' },
  { flag: 's3-access-key', env: 'ATELIER_S3_ACCESS_KEY', about: 'S3 access key id', default: '' },
  { flag: 's3-secret-key', env: 'ATELIER_S3_SECRET_KEY', about: 'S3 secret access key', default: '' },
  { flag: 's3-path-style', env: 'ATELIER_S3_PATH_STYLE', about: 'path-style bucket addressing (true/false)', default: 'true' },
  { flag: 's3-bucket-map', env: 'ATELIER_S3_BUCKET_MAP', about: 'name=real-bucket pairs, comma separated', default: '' },
  { flag: 'log-level', env: 'ATELIER_LOG_LEVEL', about: 'fatal, error, warn, info, debug, trace or silent', default: 'info' },
  { flag: 'body-limit', env: 'ATELIER_BODY_LIMIT', about: 'largest request body in bytes', default: String(12 * 1024 * 1024) },
  { flag: 'signature-window', env: 'ATELIER_SIGNATURE_WINDOW', about: 'accepted X-Sdk-Date skew, seconds', default: '900' },
  {
    flag: 'auth-failure-limit',
    env: 'ATELIER_AUTH_FAILURE_LIMIT',
    about: 'bad signatures per AK, or failed logins per user, before 429 (0: no limit)',
    default: '20',
  },
  { flag: 'auth-failure-window', env: 'ATELIER_AUTH_FAILURE_WINDOW', about: 'window of the auth failure limit, seconds', default: '60' },
  { flag: 'token-ttl', env: 'ATELIER_TOKEN_TTL', about: 'token lifetime, seconds', default: '86400' },
  { flag: 'object-url-ttl', env: 'ATELIER_OBJECT_URL_TTL', about: 'lifetime of signed object URLs (sample sources, previews), seconds', default: '3600' },
  { flag: 'master-key', env: 'ATELIER_MASTER_KEY', about: 'base64 32-byte key encrypting stored secrets', default: '<data-dir>/master.key' },
  {
    flag: 'network-cidrs',
    env: 'ATELIER_NETWORK_CIDRS',
    about: 'network CIDRs ShowOsConfig reports, comma separated (networks are not served yet)',
    default: '192.168.0.0/16,172.16.0.0/12',
  },
  { flag: 'pool-quota', env: 'ATELIER_POOL_QUOTA', about: 'resource pools per project, as ShowOsQuota/ShowOsConfig report it', default: '15' },
  { flag: 'network-quota', env: 'ATELIER_NETWORK_QUOTA', about: 'networks per project, as ShowOsQuota/ShowOsConfig report it', default: '15' },
  { flag: 'training-engines', env: 'ATELIER_TRAINING_ENGINES', about: 'extra training engines: id=Name@/path/to/interpreter, comma separated', default: '' },
  {
    flag: 'metrics-interval',
    env: 'ATELIER_METRICS_INTERVAL',
    about: 'milliseconds between two samples of the host and pool usage (pool metrics)',
    default: '10000',
  },
  { flag: 'infer-timeout', env: 'ATELIER_INFER_TIMEOUT', about: 'seconds a prediction may take before it is dropped with a 504', default: '60' },
  { flag: 'local-pool-cpu', env: 'ATELIER_LOCAL_POOL_CPU', about: 'CPU cores training jobs and services use together (default: all)', default: '' },
  {
    flag: 'local-pool-memory-mb',
    env: 'ATELIER_LOCAL_POOL_MEMORY_MB',
    about: 'memory training jobs and services use together, MB (default: all)',
    default: '',
  },
  {
    flag: 'local-pool-cpu-overcommit',
    env: 'ATELIER_LOCAL_POOL_CPU_OVERCOMMIT',
    about: 'how many times its cores the local pool hands out (1: none over-committed; memory never is)',
    default: '2',
  },
  { flag: 'sandbox', env: 'ATELIER_SANDBOX', about: 'workload sandbox: auto (bubblewrap when it works), bwrap or none', default: 'auto' },
  { flag: 'sandbox-user', env: 'ATELIER_SANDBOX_USER', about: 'user workloads run as when the server runs as root (name, uid or uid:gid)', default: 'nobody' },
  {
    flag: 'notebook-runtime-dir',
    env: 'ATELIER_NOTEBOOK_RUNTIME_DIR',
    about: 'the Jupyter runtime (JupyterLab venv) of notebook instances',
    default: '<data-dir>/runtimes/jupyter',
  },
  {
    flag: 'notebook-runtime-install',
    env: 'ATELIER_NOTEBOOK_RUNTIME_INSTALL',
    about: 'auto: the first notebook installs JupyterLab from PyPI when it is missing; off: only `atelier notebook prepare` does',
    default: 'auto',
  },
  {
    flag: 'notebook-system-jupyter',
    env: 'ATELIER_NOTEBOOK_SYSTEM_JUPYTER',
    about: "the system's jupyter-server, used when the runtime folder holds no JupyterLab (Debian's; empty: none)",
    default: '/usr/bin/jupyter-server',
  },
  {
    flag: 'smtp-url',
    env: 'ATELIER_SMTP_URL',
    about: 'SMTP server for invitation mail, smtp://user:pass@host:port or smtps://... (empty: no mail)',
    default: '',
  },
  {
    flag: 'mail-from',
    env: 'ATELIER_MAIL_FROM',
    about: 'sender of the mail Atelier sends, e.g. "Atelier <atelier@example.com>"',
    default: 'atelier@localhost',
  },
  {
    flag: 'console-url',
    env: 'ATELIER_CONSOLE_URL',
    about: "the console's address in links sent by mail (empty: the address the request came to)",
    default: '',
  },
  { flag: 'invitation-ttl', env: 'ATELIER_INVITATION_TTL', about: 'how long an invitation link holds, seconds', default: '604800' },
  { flag: 'notebook-min-idle', env: 'ATELIER_NOTEBOOK_MIN_IDLE_MS', about: 'shortest idle-stop lease of a notebook instance, ms', default: '900000' },
  { flag: 'learning-python', env: 'ATELIER_LEARNING_PYTHON', about: 'Python with scikit-learn of the intelligent tasks (empty: pinned venv)', default: '' },
  { flag: 'learner-pause', env: 'ATELIER_LEARNER_PAUSE_S', about: 'seconds the learner waits before it learns (tests only)', default: '0' },
  {
    flag: 'reconcile-lease',
    env: 'ATELIER_RECONCILE_LEASE',
    about: "seconds another replica waits before it takes over a dead replica's reconcilers",
    default: '15',
  },
  { flag: 'task-lease', env: 'ATELIER_TASK_LEASE', about: "seconds before another replica takes over a dead replica's background task", default: '30' },
  {
    flag: 'executor',
    env: 'ATELIER_EXECUTOR',
    about: 'where training jobs, notebooks, real-time services and intelligent tasks run: local (processes on this host) or kubernetes',
    default: 'local',
  },
  { flag: 'kube-config', env: 'ATELIER_KUBE_CONFIG', about: 'kubeconfig of the kubernetes executor (empty: in-cluster, then $KUBECONFIG)', default: '' },
  { flag: 'kube-namespace', env: 'ATELIER_KUBE_NAMESPACE', about: "namespace of the kubernetes executor's workloads (empty: the context's)", default: '' },
  {
    flag: 'kube-image',
    env: 'ATELIER_KUBE_IMAGE',
    about: 'runtime image of a job that names no image (kubernetes executor)',
    default: 'atelier-runtime:latest',
  },
  {
    flag: 'kube-atelier-image',
    env: 'ATELIER_KUBE_ATELIER_IMAGE',
    about: "Atelier's own image (deploy/atelier.Dockerfile), which a processing task's pod runs (kubernetes executor)",
    default: 'atelier:latest',
  },
  { flag: 'kube-notebook-port', env: 'ATELIER_KUBE_NOTEBOOK_PORT', about: "port of Jupyter in a notebook's pod (kubernetes executor)", default: '8888' },
  {
    flag: 'kube-closed-networks',
    env: 'ATELIER_KUBE_CLOSED_NETWORKS',
    about:
      "CIDRs the workloads' pods may not reach, comma separated (kubernetes executor): the database's network when its URL names a host, the cluster's pod network; a database URL with an IP address closes that address by itself",
    default: '',
  },
  {
    flag: 'kube-image-pull-secrets',
    env: 'ATELIER_KUBE_IMAGE_PULL_SECRETS',
    about: "Secrets of the executor's namespace every workload's pod pulls its images with, comma separated (kubernetes executor)",
    default: '',
  },
  {
    flag: 'kube-schedule-timeout',
    env: 'ATELIER_KUBE_SCHEDULE_TIMEOUT',
    about: 'seconds a pod of a batch service run or a pre-labeling run may wait for a node before the run fails (kubernetes executor)',
    default: '600',
  },
] as const;

export type SettingName = (typeof settings)[number]['flag'];

export class ConfigError extends Error {}

/** Reads `--name value` / `--name=value` pairs; unknown flags are an error. */
export function parseFlags(argv: readonly string[]): Partial<Record<SettingName, string>> {
  const known = new Set<string>(settings.map((s) => s.flag));
  const out: Partial<Record<SettingName, string>> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('--')) throw new ConfigError(`unexpected argument "${arg}"`);
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    if (!known.has(name)) throw new ConfigError(`unknown option --${name}`);
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new ConfigError(`--${name} needs a value`);
    out[name as SettingName] = value;
  }
  return out;
}

function integer(name: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${name} must be an integer in ${min}..${max}, got "${raw}"`);
  return n;
}

function decimal(name: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n < min || n > max) throw new ConfigError(`${name} must be a number in ${min}..${max}, got "${raw}"`);
  return n;
}

function oneOf<T extends string>(name: string, raw: string, values: readonly T[]): T {
  if (!(values as readonly string[]).includes(raw)) throw new ConfigError(`${name} must be one of ${values.join(', ')}, got "${raw}"`);
  return raw as T;
}

/** A mail setting: of the given shape, and never with a line break (it ends up in a mail header or a link). */
function mailSetting(name: string, raw: string, shape: RegExp): string {
  // The value is not echoed: an SMTP URL may hold a password.
  if (/[\r\n]/.test(raw) || !shape.test(raw)) throw new ConfigError(`${name} is malformed (want ${shape.source})`);
  return raw;
}

/** The CIDRs given (each checked), and the database's address when its URL names one. */
function closedNetworks(cidrs: string[], databaseUrl: string): string[] {
  for (const c of cidrs) {
    const [address = '', prefix = '', ...rest] = c.split('/');
    const family = isIP(address);
    const bits = Number(prefix);
    if (!family || rest.length > 0 || !/^\d{1,3}$/.test(prefix) || bits > (family === 4 ? 32 : 128))
      throw new ConfigError(`kube closed networks: ${c} is not an address/prefix CIDR`);
  }
  let host = '';
  try {
    if (/^postgres(ql)?:/.test(databaseUrl)) host = new URL(databaseUrl).hostname.replace(/^\[(.*)\]$/, '$1');
  } catch {
    // a malformed URL is refused where the database is opened
  }
  const family = isIP(host);
  return family ? [...cidrs, `${host}/${family === 4 ? 32 : 128}`] : cidrs;
}

function list(raw: string): string[] {
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Environment and flags -> Config. Flags win over the environment, which wins over defaults. */
export function loadConfig(env: Env = process.env, flags: Partial<Record<SettingName, string>> = {}): Config {
  const get = (name: SettingName): string => {
    const s = settings.find((x) => x.flag === name)!;
    return flags[name] ?? env[s.env] ?? s.default;
  };
  const dataDir = resolve(get('data-dir'));
  const dbRaw = flags['database-url'] ?? env.ATELIER_DATABASE_URL ?? '';
  const databaseUrl = dbRaw === '' ? `sqlite:${join(dataDir, 'atelier.db')}` : dbRaw;
  if (!/^(sqlite:|postgres(ql)?:\/\/)/.test(databaseUrl)) throw new ConfigError('database url must start with sqlite: or postgres://');

  const storeKind = get('object-store');
  let objectStore: ObjectStoreConfig;
  if (storeKind === 'fs') objectStore = { kind: 'fs', root: join(dataDir, 'obs') };
  else if (storeKind === 's3') {
    const bucketMap: Record<string, string> = {};
    for (const pair of list(get('s3-bucket-map'))) {
      const [from, to] = pair.split('=');
      if (!from || !to) throw new ConfigError(`bad bucket map entry "${pair}" (want name=real-bucket)`);
      bucketMap[from] = to;
    }
    objectStore = {
      kind: 's3',
      endpoint: get('s3-endpoint') || undefined,
      region: get('s3-region'),
      accessKeyId: get('s3-access-key') || undefined,
      secretAccessKey: get('s3-secret-key') || undefined,
      forcePathStyle: get('s3-path-style') !== 'false',
      bucketMap,
    };
  } else throw new ConfigError(`object store must be fs or s3, got "${storeKind}"`);

  const logLevel = get('log-level');
  const levels: LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
  if (!levels.includes(logLevel as LogLevel)) throw new ConfigError(`log level must be one of ${levels.join(', ')}`);
  const masterKey = flags['master-key'] ?? env.ATELIER_MASTER_KEY;

  return {
    host: get('host'),
    port: integer('port', get('port'), 0, 65535),
    dataDir,
    databaseUrl,
    objectStore,
    logLevel: logLevel as LogLevel,
    bodyLimit: integer('body limit', get('body-limit'), 1024, 1024 ** 3),
    signatureWindowSeconds: integer('signature window', get('signature-window'), 1, 86400),
    authFailures: {
      limit: integer('auth failure limit', get('auth-failure-limit'), 0, 1_000_000),
      windowSeconds: integer('auth failure window', get('auth-failure-window'), 1, 86400),
    },
    tokenTtlSeconds: integer('token ttl', get('token-ttl'), 60, 30 * 86400),
    objectUrlTtlSeconds: integer('object url ttl', get('object-url-ttl'), 60, 7 * 86400),
    ...(masterKey ? { masterKey } : {}),
    networkCidrs: list(get('network-cidrs')),
    quotas: { pool: integer('pool quota', get('pool-quota'), 0, 10000), network: integer('network quota', get('network-quota'), 0, 10000) },
    reconcileIntervalMs: 2000,
    reconcileLeaseMs: integer('reconcile lease', get('reconcile-lease'), 3, 3600) * 1000,
    taskLeaseMs: integer('task lease', get('task-lease'), 3, 3600) * 1000,
    inferTimeoutSeconds: integer('infer timeout', get('infer-timeout'), 1, 3600),
    metricsIntervalMs: integer('metrics interval', get('metrics-interval'), 100, 600_000),
    trainingEngines: get('training-engines'),
    localPool: {
      ...(get('local-pool-cpu') ? { cpu: integer('local pool cpu', get('local-pool-cpu'), 1, 4096) } : {}),
      ...(get('local-pool-memory-mb') ? { memoryMb: integer('local pool memory', get('local-pool-memory-mb'), 64, 1 << 30) } : {}),
      cpuOvercommit: decimal('local pool cpu overcommit', get('local-pool-cpu-overcommit'), 1, 64),
    },
    sandbox: oneOf('sandbox', get('sandbox'), ['auto', 'bwrap', 'none'] as const),
    sandboxUser: get('sandbox-user'),
    notebooks: {
      runtimeDir: get('notebook-runtime-dir') === '<data-dir>/runtimes/jupyter' ? join(dataDir, 'runtimes', 'jupyter') : resolve(get('notebook-runtime-dir')),
      runtimeInstall: oneOf('notebook runtime install', get('notebook-runtime-install'), ['auto', 'off'] as const),
      systemJupyter: get('notebook-system-jupyter'),
      minIdleMs: integer('notebook min idle', get('notebook-min-idle'), 1000, 86_400_000),
    },
    mail: {
      smtpUrl: mailSetting('smtp url', get('smtp-url'), /^(smtps?:\/\/.+)?$/),
      from: mailSetting('mail from', get('mail-from'), /^.+$/),
      consoleUrl: mailSetting('console url', get('console-url'), /^(https?:\/\/[^/?#]+(\/[^?#]*)?)?$/).replace(/\/+$/, ''),
      invitationTtlSeconds: integer('invitation ttl', get('invitation-ttl'), 60, 90 * 86400),
    },
    learner: { python: get('learning-python'), pauseSeconds: integer('learner pause', get('learner-pause'), 0, 3600) },
    executor: oneOf('executor', get('executor'), ['local', 'kubernetes'] as const),
    kube: {
      configPath: get('kube-config'),
      namespace: get('kube-namespace'),
      image: get('kube-image'),
      atelierImage: get('kube-atelier-image'),
      closedNetworks: closedNetworks(list(get('kube-closed-networks')), databaseUrl),
      imagePullSecrets: list(get('kube-image-pull-secrets')).map((name) => {
        if (!/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(name)) throw new ConfigError(`kube image pull secrets: ${name} is not a Secret name`);
        return name;
      }),
      scheduleTimeoutSeconds: integer('kube schedule timeout', get('kube-schedule-timeout'), 1, 86400),
    },
    kubeNotebookPort: integer('kube notebook port', get('kube-notebook-port'), 1, 65535),
  };
}
