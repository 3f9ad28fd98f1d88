// One resource of each kind for an account, made through the API with the requests of flow.ts,
// waiting for each to settle (dataset scanned, version published, job ended, model published,
// service running), so reads of them stay the same while nothing changes them.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Account, Slot } from './accounts.ts';
import { FLOW, jobBody, type FlowCall, type FlowContext, type Ids, type SignedLinks } from './flow.ts';
import { send, type Route, type Sent } from './routes.ts';
import { CPU1, PY_ENGINE } from '../training-jobs/helpers.ts';

export const TASK_ID = 'worker-0';

/** How long the running job sleeps: it outlives the sweeps, and after() stops it (stopRunningJob). */
const LONG_JOB_SECONDS = 900;

/**
 * The environment of the harness's apps: local pool room for two jobs and two service instances
 * at once, whatever the host's core count (admission only counts; the work itself is tiny).
 */
export const HARNESS_ENV = { ATELIER_LOCAL_POOL_CPU: '6', ATELIER_LOCAL_POOL_MEMORY_MB: '65536' };

/** The flow context of an account: its login, names, and (unless given others) its own buckets. */
export function flowContext(acct: Account, ids: Ids, opts: { buckets?: Record<Slot, string>; links?: SignedLinks } = {}): FlowContext {
  const buckets = opts.buckets ?? acct.buckets;
  let n = 0;
  return {
    ids,
    obs: (slot, rel) => `/${buckets[slot]}/${rel}`,
    login: { domain: acct.domainName, user: acct.userName, password: acct.password, projectId: acct.projectId },
    name: (base) => `${namePrefix(acct)}-${base}-${++n}-${randomBytes(2).toString('hex')}`,
    links: opts.links ?? { log: {}, objects: [] },
    engineId: PY_ENGINE,
    flavorId: CPU1,
  };
}

/** Every name an account's flows give starts with this: a marker to look for in other accounts' answers. */
export const namePrefix = (acct: Account): string => `hx${acct.label.toLowerCase()}${acct.projectId.slice(0, 6)}`;

export interface Seeded {
  ids: Ids;
  ctx: FlowContext;
  /** The flow requests the seed made ("<operation id>#<index>"). */
  made: Set<string>;
}

type Finder = (op: string) => Route;

/** Ids not made yet: a request that needs one fails loudly rather than naming nothing. */
function placeholderIds(acct: Account): Ids {
  return {
    project_id: acct.projectId,
    dataset_id: 'not-seeded',
    version_id: 'not-seeded',
    sample_id: 'not-seeded',
    label_name: 'cat',
    algorithm_id: 'not-seeded',
    training_job_id: 'not-seeded',
    running_job_id: 'not-seeded',
    task_id: TASK_ID,
    import_task_id: 'not-seeded',
    model_id: 'not-seeded',
    service_id: 'not-seeded',
    user_id: acct.userId,
    '*': 'predict',
  };
}

async function eventually<T>(what: string, probe: () => Promise<T>, done: (v: T) => boolean, ms = 60_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (done(v)) return v;
    assert.ok(Date.now() < until, `${what}: still ${JSON.stringify(v).slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Makes the account's resources. `full` also makes what only the owner side needs (an
 * authorization, jobs, a running service, signed links); without it: a dataset with a version, an
 * algorithm and a model, enough for the other account's own requests that name object paths.
 */
export async function seedAccount(acct: Account, route: Finder, full: boolean): Promise<Seeded> {
  const has = (op: string): boolean => {
    try {
      route(op);
      return true;
    } catch {
      return false;
    }
  };
  const ids = placeholderIds(acct);
  const ctx = flowContext(acct, ids);
  const made = new Set<string>();
  const ok = async (op: string, call: FlowCall, params: Partial<Ids> = {}): Promise<Sent> => {
    const s = await send(acct.client, route(op), call, { ...ids, ...params });
    assert.ok(s.status >= 200 && s.status < 300, `seeding ${acct.label}: ${op} answered ${s.status} ${s.text.slice(0, 400)}`);
    return s;
  };
  const first = (op: string): FlowCall => {
    made.add(`${op}#0`);
    return FLOW[op]!.calls(ctx)[0]!;
  };
  const get = async <T>(op: string, call: FlowCall = {}): Promise<T> => (await ok(op, call)).json as T;

  // The agency first: without it, an authorization is refused before anything else is looked at.
  await ok('CreateModelArtsAgency', first('CreateModelArtsAgency'));
  ids.dataset_id = ((await ok('CreateDataset', first('CreateDataset'))).json as { dataset_id: string }).dataset_id;
  await eventually(
    `${acct.label}'s dataset scanned`,
    () => get<{ status: number }>('DescDataset'),
    (d) => d.status === 1,
  );
  const samples = await get<{ samples: { sample_id: string }[] }>('ListSamples', { query: { limit: 10 } });
  assert.ok(samples.samples.length >= 3, `${acct.label}'s dataset has its images`);
  ids.sample_id = samples.samples[0]!.sample_id;
  if (has('ListImportTasks')) {
    const imports = await get<{ import_tasks: { task_id: string }[] }>('ListImportTasks');
    // Left unseeded when the creation made none: DescImportTask then shows up as uncovered.
    if (imports.import_tasks[0]) ids.import_task_id = imports.import_tasks[0].task_id;
  }

  ids.algorithm_id = ((await ok('CreateAlgorithm', first('CreateAlgorithm'))).json as { metadata: { id: string } }).metadata.id;
  ids.model_id = ((await ok('CreateModel', first('CreateModel'))).json as { model_id: string }).model_id;
  ids.version_id = ((await ok('CreateDatasetVersion', first('CreateDatasetVersion'))).json as { version_id: string }).version_id;
  await eventually(
    `${acct.label}'s version published`,
    () => get<{ status: number }>('DescribeDatasetVersion'),
    (v) => v.status !== 0,
  );
  if (!full) {
    await eventually(
      `${acct.label}'s model published`,
      () => get<{ model_status: string }>('ShowModel'),
      (m) => ['published', 'failed'].includes(m.model_status),
    );
    return { ids, ctx, made };
  }

  await ok('CreateAuthorization', first('CreateAuthorization'));
  await ok('CreateLabels', first('CreateLabels'));

  made.add('CreateTrainingJob#0');
  ids.training_job_id = ((await ok('CreateTrainingJob', { body: jobBody(ctx) })).json as { metadata: { id: string } }).metadata.id;
  ids.running_job_id = ((await ok('CreateTrainingJob', { body: jobBody(ctx, LONG_JOB_SECONDS) })).json as { metadata: { id: string } }).metadata.id;

  await eventually(
    `${acct.label}'s model published`,
    () => get<{ model_status: string }>('ShowModel'),
    (m) => m.model_status === 'published',
  );
  const phase = (id: string) => get<{ status: { phase: string } }>('ShowTrainingJobDetails', { params: { training_job_id: id } });
  await eventually(
    `${acct.label}'s job ended`,
    () => phase(ids.training_job_id),
    (j) => ['Completed', 'Failed', 'Terminated', 'Abnormal'].includes(j.status.phase),
  );
  ids.service_id = ((await ok('CreateService', first('CreateService'))).json as { service_id: string }).service_id;

  // Running, or ended if it could not run (StopTrainingJob then meets an ended job, which the flows report).
  await eventually(
    `${acct.label}'s long job started`,
    () => phase(ids.running_job_id),
    (j) => !['Creating', 'Pending'].includes(j.status.phase),
  );
  await eventually(
    `${acct.label}'s service running`,
    () => get<{ status: string }>('ShowService'),
    (s) => s.status === 'running',
  );

  const link = await get<{ obs_url: string }>('ShowObsUrlOfTrainingJobLogs', { query: { 'Content-Type': 'text/plain' } });
  ctx.links.log = Object.fromEntries(new URL(link.obs_url).searchParams);
  const sample = await get<{ source?: string; preview?: string }>('DescribeSample');
  for (const url of [sample.source, sample.preview]) {
    const found = url ? objectLink(url) : undefined;
    if (found) ctx.links.objects.push(found);
  }
  return { ids, ctx, made };
}

/** A signed object URL of this server (/objects/<bucket>/<key>?...) as bucket, key and query. */
function objectLink(text: string): SignedLinks['objects'][number] | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  const m = /^\/objects\/([^/]+)\/(.+)$/.exec(url.pathname);
  if (!m) return undefined;
  return { bucket: decodeURIComponent(m[1]!), key: m[2]!.split('/').map(decodeURIComponent).join('/'), query: Object.fromEntries(url.searchParams) };
}

/** The same links with their signatures altered: what another account could try. */
export function forgedLinks(links: SignedLinks): SignedLinks {
  const forge = (q: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(q).map(([k, v]) => [k, /^signature$/i.test(k) ? `${String(v).slice(0, -4)}AAAA` : v])) as SignedLinks['log'];
  return { log: forge(links.log), objects: links.objects.map((o) => ({ ...o, query: forge(o.query) })) };
}

/** Stops the account's running job, so closing the app does not wait for it. */
export async function stopRunningJob(acct: Account, route: Finder, ids: Ids): Promise<void> {
  if (ids.running_job_id === 'not-seeded') return;
  await send(acct.client, route('StopTrainingJob'), { params: { training_job_id: ids.running_job_id }, body: { action_type: 'terminate' } }, ids);
}
