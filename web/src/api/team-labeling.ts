// The team labeling routes (workforces, workforce tasks, review, acceptance), typed by hand until the
// generated schema carries them. Same token and 401 handling as the generated client (api/client.ts).
import { ApiError } from './client.ts';
import { dropProjectToken, tokenOf } from '../session.ts';
import { navigate } from '../router.ts';

export interface SampleStats {
  accepted_sample_count: number;
  deleted_sample_count: number;
  rejected_sample_count: number;
  sampled_sample_count: number;
  total_sample_count: number;
  unannotated_sample_count: number;
  uncheck_sample_count: number;
  unreviewed_sample_count: number;
}

export interface WorkerTask {
  dataset_id: string;
  dataset_type: number;
  role: number;
  sample_stats: SampleStats;
  task_id: string;
  task_status: number;
  worker_id: string;
  workforce_task_name: string;
}

export interface TaskLabel {
  name?: string;
  type?: number;
}

export interface TaskSample {
  sample_id: string;
  sample_name?: string;
  sample_type?: number;
  source?: string;
  preview?: string;
  labels?: TaskLabel[];
  worker_id: string;
  review_accept?: boolean;
  review_comment?: string;
  check_accept?: boolean;
  check_comment?: string;
}

export interface WorkforceTask {
  task_id: string;
  task_name: string;
  status: number;
  repetition: number;
  create_time: number;
  sample_stats?: SampleStats;
  workforce_stats?: { labeler_count: number; reviewer_count: number; workforce_count: number };
  label_stats?: { name: string; type: number; count: number; sample_count: number }[];
}

export interface CheckStats {
  accepted_sample_count: number;
  checked_sample_count: number;
  pass_rate: number;
  rejected_sample_count: number;
  sampled_sample_count: number;
  total_sample_count: number;
  unchecked_sample_count: number;
}

export interface BatchResult {
  success: boolean;
  results?: Array<{ success: boolean; error_code?: string; error_msg?: string }>;
}

export interface Accepted {
  domain_name: string;
  user_name: string;
  project_id: string;
  project_name: string;
}

type Query = Record<string, string | number | boolean | undefined>;

async function call<T>(projectId: string | undefined, method: string, path: string, opts: { query?: Query; body?: unknown } = {}): Promise<T> {
  const url = new URL(path, window.location.origin);
  for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
  const headers: Record<string, string> = {};
  const token = projectId ? tokenOf(projectId)?.token : undefined;
  if (token) headers['X-Auth-Token'] = token;
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(url, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  const text = await res.text();
  const body = (text ? JSON.parse(text) : {}) as T & { error_code?: string; error_msg?: string };
  if (res.status === 401 && projectId) {
    dropProjectToken(projectId);
    const here = window.location.pathname + window.location.search;
    navigate(`/sign-in?expired=1&next=${encodeURIComponent(here)}`, { replace: true });
  }
  if (!res.ok) throw new ApiError(res.status, body.error_code ?? '', body.error_msg ?? `${res.status} ${res.statusText}`);
  return body;
}

const enc = encodeURIComponent;
const taskPath = (p: string, d: string, t: string) => `/v2/${enc(p)}/datasets/${enc(d)}/workforce-tasks/${enc(t)}`;

/** Sets the invited member's password (the link's token is the credential). */
export const acceptInvitation = (token: string, password: string) =>
  call<Accepted>(undefined, 'POST', `/v3/atelier/invitations/${enc(token)}`, { body: { password } });

export const listWorkerTasks = (p: string, offset: number, limit: number) =>
  call<{ count: number; worker_tasks: WorkerTask[] }>(p, 'GET', `/v2/${enc(p)}/workforces/worker-tasks`, { query: { offset, limit } });

export const listTaskSamples = (p: string, d: string, t: string, query: { offset: number; limit: number; sample_state?: string }) =>
  call<{ sample_count: number; samples: TaskSample[] }>(p, 'GET', `${taskPath(p, d, t)}/data-annotations/samples`, { query });

export const saveTaskLabels = (p: string, d: string, t: string, sampleId: string, labels: TaskLabel[]) =>
  call<BatchResult>(p, 'PUT', `${taskPath(p, d, t)}/data-annotations/samples`, { body: { samples: [{ sample_id: sampleId, labels }] } });

export const reviewTaskSample = (p: string, d: string, t: string, verdict: { sample_id: string; worker_id: string; accept: boolean; comment?: string }) =>
  call<BatchResult>(p, 'POST', `${taskPath(p, d, t)}/data-annotations/review`, { body: { comments: [verdict] } });

export const listDatasetTasks = (p: string, d: string) =>
  call<{ count: number; tasks: WorkforceTask[] }>(p, 'GET', `/v2/${enc(p)}/datasets/${enc(d)}/workforce-tasks`, { query: { offset: 0, limit: 100 } });

export const describeDatasetTask = (p: string, d: string, t: string) =>
  call<WorkforceTask>(p, 'GET', taskPath(p, d, t), { query: { sample_stats: true, workforce_stats: true } });

/** The task with the dataset's label set: open to the task's own members. */
export const describeTaskLabels = (p: string, d: string, t: string) => call<WorkforceTask>(p, 'GET', taskPath(p, d, t), { query: { label_stats: true } });

export const startAcceptance = (p: string, d: string, t: string, rate: number) =>
  call<{ task_id: string }>(p, 'POST', `${taskPath(p, d, t)}/acceptance`, { body: { sampling_rate: rate } });

export const acceptanceReport = (p: string, d: string, t: string, checkingTaskId: string) =>
  call<{ checking_stats?: CheckStats; total_stats?: CheckStats }>(p, 'GET', `${taskPath(p, d, t)}/acceptance/report`, {
    query: { checking_task_id: checkingTaskId },
  });

/** Ends the running acceptance: 0 passes every reviewed copy into the dataset, 2 cancels it. */
export const finishAcceptance = (p: string, d: string, t: string, action: 0 | 2) =>
  call<{ sample_count?: number }>(p, 'PUT', `${taskPath(p, d, t)}/acceptance/status`, { body: { action } });
