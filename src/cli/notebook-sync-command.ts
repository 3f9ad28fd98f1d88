// `atelier notebook sync CONFIG WORK STATE`: the sync sidecar of a notebook pod on the kubernetes executor (its image is
// Atelier's own). It keeps the OBS mounts Atelier lists in CONFIG/mounts.json in step with the volume at WORK, using the
// object store key of $ATELIER_SYNC_STORE (or CONFIG/store.json), and reports each step on stdout (pod-sync.ts); it opens no database and never
// calls Atelier. Once its first pass has copied in every mount listed it writes STATE/SYNC_READY_FILE, which its
// startup probe checks: the pod's next containers (the pre_start hook, Jupyter) start only then. It runs until
// SIGTERM, then copies every mount back and exits.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '#src/config.ts';
import { SYNC_READY_FILE } from '#src/runtime/kubernetes/notebook-sync-manifest.ts';
import type { Logger } from '#src/runtime/logger.ts';
import { notebookUsage } from './usage.ts';

/** How often the list of mounts is read again, ms (ATELIER_SYNC_POLL_MS). */
const DEFAULT_POLL_MS = 2000;

interface StoreFile {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  pathStyle: boolean;
}

/** Log lines on stderr, so stdout holds the reports alone. */
const stderrLogger: Logger = {
  info: (obj, msg) => process.stderr.write(`${msg ?? ''} ${JSON.stringify(obj)}\n`),
  warn: (obj, msg) => process.stderr.write(`warning: ${msg ?? ''} ${JSON.stringify(obj, errorFields)}\n`),
  error: (obj, msg) => process.stderr.write(`error: ${msg ?? ''} ${JSON.stringify(obj, errorFields)}\n`),
};

function errorFields(_key: string, value: unknown): unknown {
  return value instanceof Error ? value.message : value;
}

export async function notebookSyncCommand(args: readonly string[]): Promise<void> {
  const [config, work, state, ...extra] = args;
  if (config === undefined || work === undefined || state === undefined || extra.length > 0) throw new ConfigError(`usage:\n${notebookUsage}`);
  const [{ S3ObjectStore }, { PodSync }] = await Promise.all([import('#src/storage/index.ts'), import('#src/modules/notebooks/index.ts')]);
  // the pod gives the key as a variable (notebook-sync-manifest.ts); a file beside the list otherwise
  const store = JSON.parse(process.env.ATELIER_SYNC_STORE ?? readFileSync(join(config, 'store.json'), 'utf8')) as StoreFile;
  const objects = new S3ObjectStore({
    kind: 's3',
    endpoint: store.endpoint,
    region: store.region,
    accessKeyId: store.accessKeyId,
    secretAccessKey: store.secretAccessKey,
    forcePathStyle: store.pathStyle,
    // the list names the store's real buckets
    bucketMap: {},
  });
  const pollMs = Number(process.env.ATELIER_SYNC_POLL_MS) || DEFAULT_POLL_MS;
  const ready = join(state, SYNC_READY_FILE);
  const sync = new PodSync({ config, work, state, ready }, objects, (line) => void process.stdout.write(line), stderrLogger);
  const ended = new Promise<void>((resolve) => process.once('SIGTERM', () => void sync.end().then(resolve, resolve)));
  await sync.start(pollMs);
  await ended;
}
