// One resource of each kind for an account, made through the API with the requests of flow.ts,
// waiting for each to settle (dataset scanned, version published, job ended, model published,
// service running, notebooks running), so reads of them stay the same while nothing changes them.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Account, Slot } from './accounts.ts';
import { PNG } from './accounts.ts';
import { FLOW, jobBody, type FlowCall, type FlowContext, type Ids, type SignedLinks } from './flow.ts';
import { send, type Route, type Sent } from './routes.ts';
import { AtelierClient } from '#src/client/index.ts';
import { builtInImage, FLAVOR, notebookEnv } from '../notebooks/helpers.ts';
import { startSmtpSink, type SmtpSink } from '../workforces/smtp-sink.ts';
import { CPU1, PY_ENGINE } from '../training-jobs/helpers.ts';

export const TASK_ID = 'worker-0';

/** How long the running job sleeps: it outlives the sweeps, and after() stops it (stopRunningJob). */
const LONG_JOB_SECONDS = 900;

/**
 * The environment of the harness's apps: as much local pool room as the host gives (the pool
 * takes at most the host's cores, times the CPU overcommit: 4 on a 2-core host, enough for the
 * owner's running job, service, notebook and old-API instance; admission only counts, the work
 * itself is tiny). The other account's creates in the sweep may then be refused as sold out.
 */
// Over-committed 4 times: the seeded pool takes a whole core of a 2-core host, and the seed's jobs and notebooks share the other.
export const HARNESS_ENV = { ATELIER_LOCAL_POOL_CPU: '6', ATELIER_LOCAL_POOL_MEMORY_MB: '65536', ATELIER_LOCAL_POOL_CPU_OVERCOMMIT: '4' };

let sink: SmtpSink | undefined;
/** A mail sink for the process's apps (SendEmails mails an invitation; the seed follows it to sign a member in). */
async function harnessSink(): Promise<SmtpSink> {
  sink ??= await startSmtpSink({ unref: true });
  return sink;
}

/** HARNESS_ENV with the Jupyter runtime the notebook tests share (prepared once under .cache, not per app), and the mail sink. */
export const harnessEnv = async (): Promise<Record<string, string>> => ({
  ...(await notebookEnv(HARNESS_ENV)),
  ATELIER_SMTP_URL: (await harnessSink()).url,
  ATELIER_MAIL_FROM: 'Atelier harness <harness@example.com>',
});

/**
 * The host's first built-in image as ListImage answers it (every account sees the same ones): its id
 * for CreateNotebook, and its name, which the old API also takes as profile_id.
 */
export const notebookImage = builtInImage;

let venv: string | undefined;
/** A virtualenv for RegisterImage, made once per test process outside any data directory (removed at exit). */
export function harnessVenv(): string {
  if (!venv) {
    const dir = mkdtempSync(join(tmpdir(), 'atelier-harness-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    venv = join(dir, 'harness-env');
    execFileSync('python3', ['-m', 'venv', '--without-pip', venv]);
  }
  return venv;
}

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
    notebookImage: notebookImage(),
    notebookFlavor: FLAVOR,
    venv: harnessVenv(),
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
    export_task_id: 'not-seeded',
    model_id: 'not-seeded',
    service_id: 'not-seeded',
    user_id: acct.userId,
    '*': 'predict',
    notebook_id: 'not-seeded',
    image_id: 'not-seeded',
    instance_id: 'not-seeded',
    storage_id: 'not-seeded',
    network_name: 'not-seeded',
    pool_name: 'not-seeded',
    processor_task_id: 'not-seeded',
    processor_version_id: 'not-seeded',
    intelligent_task_id: 'not-seeded',
    workforce_id: 'not-seeded',
    worker_id: 'not-seeded',
    second_worker_id: 'not-seeded',
    worker_email: 'not-seeded@example.com',
    workforce_task_id: 'not-seeded',
    task_sample_id: 'not-seeded',
    checking_task_id: 'not-seeded',
    iam_user_id: 'not-seeded',
    iam_project_id: 'not-seeded',
    access_key: 'not-seeded',
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
  const ok = async (op: string, call: FlowCall, params: Partial<Ids> = {}, as = acct.client): Promise<Sent> => {
    const s = await send(as, route(op), call, { ...ids, ...params });
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
  ids.image_id = ((await ok('RegisterImage', first('RegisterImage'))).json as { id: string }).id;
  if (has('KeystoneCreateUser')) {
    ids.iam_user_id = ((await ok('KeystoneCreateUser', first('KeystoneCreateUser'))).json as { user: { id: string } }).user.id;
    ids.iam_project_id = ((await ok('KeystoneCreateProject', first('KeystoneCreateProject'))).json as { project: { id: string } }).project.id;
    ids.access_key = ((await ok('CreatePermanentAccessKey', first('CreatePermanentAccessKey'))).json as { credential: { access: string } }).credential.access;
  }
  ids.network_name = ((await ok('CreateNetwork', first('CreateNetwork'))).json as { metadata: { name: string } }).metadata.name;
  if (has('CreateWorkforce')) {
    ids.workforce_id = ((await ok('CreateWorkforce', first('CreateWorkforce'))).json as { workforce_id: string }).workforce_id;
    await ok('CreateWorker', first('CreateWorker'));
    const members = await get<{ workers: { worker_id: string; email: string }[] }>('ListWorkers', { query: { sort_by: 'email', order: 'asc' } });
    ids.worker_id = members.workers[0]!.worker_id;
    ids.worker_email = members.workers[0]!.email;
    ids.second_worker_id = members.workers[1]!.worker_id;
  }
  // A dedicated pool, once pools can be made over HTTP (CreatePool, #149).
  if (full && has('CreatePool') && FLOW.CreatePool)
    ids.pool_name = ((await ok('CreatePool', first('CreatePool'))).json as { metadata: { name: string } }).metadata.name;
  // The Jupyter servers start while the rest is made (only the owner side gets them: two processes).
  if (full) {
    ids.notebook_id = ((await ok('CreateNotebook', first('CreateNotebook'))).json as { id: string }).id;
    ids.instance_id = ((await ok('CreateDevEnvInstance', first('CreateDevEnvInstance'))).json as { id: string }).id;
  }
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
  if (has('ExportTask') && FLOW.ExportTask) ids.export_task_id = ((await ok('ExportTask', first('ExportTask'))).json as { task_id: string }).task_id;

  if (has('CreateTask')) {
    const upload = (n: number) => ({ body: { samples: [{ name: `${ctx.name(`group-${n}`)}.png`, data: PNG.toString('base64') }] } });
    for (const n of [1, 2]) await ok('UploadSamplesJson', upload(n));
    ids.intelligent_task_id = ((await ok('CreateTask', first('CreateTask'))).json as { task_id: string }).task_id;
    // Its learner holds a core of the pool while it runs: the services and jobs seeded next need it.
    await eventually(
      `${acct.label}'s grouping task done`,
      () => get<{ status: number }>('AutoAnnotationProgress', { params: { task_id: ids.intelligent_task_id } }),
      (d) => d.status >= 2 && d.status !== 4,
    );
  }
  if (has('CreateProcessorTask')) {
    ids.processor_task_id = ((await ok('CreateProcessorTask', first('CreateProcessorTask'))).json as { task_id: string }).task_id;
    ids.processor_version_id = ((await ok('CreateProcessorTaskVersion', first('CreateProcessorTaskVersion'))).json as { version_id: string }).version_id;
  }

  if (full && has('CreateWorkforceTask')) await seedLabelingTask(acct, ids, first, ok);

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

  const starting = ['INIT', 'CREATING', 'STARTING'];
  const nb = await eventually(
    `${acct.label}'s notebook started`,
    () => get<{ status: string; fail_reason?: string }>('ShowNotebook', { params: { id: ids.notebook_id } }),
    (n) => !starting.includes(n.status),
    120_000,
  );
  assert.equal(nb.status, 'RUNNING', `${acct.label}'s notebook: ${nb.status}, ${nb.fail_reason ?? 'no fail_reason'}`);
  ids.storage_id = ((await ok('AttachObs', first('AttachObs'))).json as { id: string }).id;
  const old = await eventually(
    `${acct.label}'s old-API instance started`,
    () => get<{ status: string }>('ShowDevEnvInstance'),
    (n) => !starting.includes(n.status),
    120_000,
  );
  assert.equal(old.status, 'RUNNING', `${acct.label}'s old-API instance: ${JSON.stringify(old).slice(0, 400)}`);

  const link = await get<{ obs_url: string }>('ShowObsUrlOfTrainingJobLogs', { query: { 'Content-Type': 'text/plain' } });
  ctx.links.log = Object.fromEntries(new URL(link.obs_url).searchParams);
  const sample = await get<{ source?: string; preview?: string }>('DescribeSample');
  for (const url of [sample.source, sample.preview]) {
    const found = url ? objectLink(url) : undefined;
    if (found) ctx.links.objects.push(found);
  }
  return { ids, ctx, made };
}

/**
 * A started team labeling task over the dataset, with the two seeded labelers and a reviewer: SendEmails
 * mails the first labeler and the reviewer, who follow their links (AcceptWorkerInvitation) and sign in;
 * the labeler labels one sample through #40, the reviewer passes it (#39), and the owner opens an
 * acceptance drawing it.
 */
async function seedLabelingTask(
  acct: Account,
  ids: Ids,
  first: (op: string) => FlowCall,
  ok: (op: string, call: FlowCall, params?: Partial<Ids>, as?: AtelierClient) => Promise<Sent>,
): Promise<void> {
  const mails = await harnessSink();
  // A reviewer beside the two labelers (its e-mail sorts after theirs: ids.worker_id stays the first labeler).
  const reviewerEmail = `${namePrefix(acct)}-zz-reviewer@example.com`;
  await ok('CreateWorker', { body: { emails: reviewerEmail, role: 1 } });
  ids.workforce_task_id = ((await ok('CreateWorkforceTask', first('CreateWorkforceTask'))).json as { task_id: string }).task_id;
  await ok('StartWorkforceTask', first('StartWorkforceTask'));
  await ok('SendEmails', first('SendEmails'));
  await ok('SendEmails', { body: { emails: [reviewerEmail] } });
  const endpoint = acct.client.http.endpoint.toString();
  const password = 'harness-worker-1';
  first('AcceptWorkerInvitation');
  /** Follows the next mail's link, sets the password and signs in as `email`. */
  const join = async (email: string): Promise<AtelierClient> => {
    const mail = await mails.next();
    const token = /\/invite\/([A-Za-z0-9_-]+)/.exec(mail.text ?? '')?.[1];
    assert.ok(token, `seeding ${acct.label}: no invitation link in ${mail.text ?? ''}`);
    await ok('AcceptWorkerInvitation', { params: { token }, body: { password } });
    const issued = await new AtelierClient(endpoint, { kind: 'none', projectId: acct.projectId }).iam.issueToken({
      domain: acct.domainName,
      user: email,
      password,
      project: { id: acct.projectId },
    });
    return new AtelierClient(endpoint, { kind: 'token', token: issued.token, projectId: acct.projectId });
  };
  const member = await join(ids.worker_email);
  const reviewer = await join(reviewerEmail);
  const own = (await ok('ListWorkforceTaskSamples', { query: { limit: 1 } }, {}, member)).json as { samples: { sample_id: string }[] };
  ids.task_sample_id = own.samples[0]!.sample_id;
  const saved = await ok('UpdateWorkforceTaskSamples', first('UpdateWorkforceTaskSamples'), {}, member);
  assert.equal((saved.json as { success?: boolean }).success, true, `seeding ${acct.label}: #40 answered ${saved.text}`);
  await ok('ReviewSamples', first('ReviewSamples'), {}, reviewer);
  ids.checking_task_id = ((await ok('StartWorkforceSamplingTask', first('StartWorkforceSamplingTask'))).json as { task_id: string }).task_id;
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

/**
 * Deletes every notebook of the account (old-API instances included, and those a sweep or the fuzz
 * made) and waits until none is left: closing the app leaves Jupyter servers running for a restart
 * to adopt, so a test that made some ends them here.
 */
export async function deleteNotebooks(acct: Account): Promise<void> {
  const { client } = acct;
  const old = await client.devenv.list({ de_type: 'Notebook', show_self: 'false', limit: 1000 });
  for (const i of old.instances) await client.devenv.delete(i.id).catch(() => undefined);
  const until = Date.now() + 90_000;
  for (;;) {
    const left = await client.notebooks.list({ limit: 500 });
    if (left.total === 0) return;
    assert.ok(Date.now() < until, `${acct.label}'s notebooks not removed: ${left.data.map((n) => `${n.id} ${n.status}`).join(', ')}`);
    for (const n of left.data.filter((x) => x.status !== 'DELETING')) await client.notebooks.delete(n.id).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Processes whose command line names `dir` (an app's Jupyter servers and kernels name its data directory). */
export function processesNaming(dir: string): string[] {
  const out: string[] = [];
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmd.includes(`${dir}/`) && pid !== String(process.pid)) out.push(`${pid} ${cmd.slice(0, 160)}`);
    } catch {
      // ended meanwhile
    }
  }
  return out;
}

/** Asserts that nothing the app started still runs once it is closed (waits a little for the last to end). */
export async function assertNoProcessesLeft(dir: string): Promise<void> {
  const until = Date.now() + 10_000;
  let left = processesNaming(dir);
  while (left.length > 0 && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 200));
    left = processesNaming(dir);
  }
  assert.deepEqual(left, [], `processes of the closed app ${dir} still run`);
}
