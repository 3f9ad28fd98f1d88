// Notebook instance statuses and leases as the console shows them.
import type { operations } from '../api/schema.ts';

export type Notebook = operations['ShowNotebook']['responses'][200]['content']['application/json'];
export type NotebookStatus = Notebook['status'];

/** The statuses a list can be filtered by, in the order an instance lives them. */
export const NOTEBOOK_STATUSES: readonly NotebookStatus[] = [
  'CREATING',
  'STARTING',
  'RUNNING',
  'STOPPING',
  'STOPPED',
  'DELETING',
  'CREATE_FAILED',
  'START_FAILED',
  'ERROR',
];

/** Statuses that change by themselves: pages poll while one is shown. */
export const notebookBusy = (status: string | undefined): boolean =>
  ['INIT', 'CREATING', 'STARTING', 'STOPPING', 'DELETING', 'SNAPSHOTTING'].includes(status ?? '');

export const notebookCanStart = (status: string | undefined): boolean => status === 'STOPPED' || status === 'START_FAILED' || status === 'ERROR';

const STATUS_NAMES: Record<string, string> = {
  INIT: 'Initializing',
  CREATING: 'Creating',
  STARTING: 'Starting',
  STOPPING: 'Stopping',
  DELETING: 'Deleting',
  RUNNING: 'Running',
  STOPPED: 'Stopped',
  SNAPSHOTTING: 'Saving an image',
  CREATE_FAILED: 'Creation failed',
  START_FAILED: 'Start failed',
  DELETE_FAILED: 'Deletion failed',
  ERROR: 'Error',
  DELETED: 'Deleted',
  FROZEN: 'Frozen',
};
export const notebookStatusName = (status: string | undefined): string => STATUS_NAMES[status ?? ''] ?? status ?? '';

const hours = (ms: number): string => {
  const min = Math.round(ms / 60_000);
  return min < 60 ? `${min} min` : `${Math.floor(min / 60)} h${min % 60 ? ` ${min % 60} min` : ''}`;
};

/** The lease in words: a timed stop at a clock time, or a stop after idleness. */
export function leaseText(lease: Notebook['lease'] | undefined, status: string | undefined): string {
  if (!lease || !lease.enable) return 'no automatic stop';
  if (lease.type === 'IDLE') return `stops after ${hours(lease.duration)} idle`;
  if (status !== 'RUNNING' && !notebookBusy(status)) return `${hours(lease.duration)} per run`;
  return `stops at ${new Date(lease.create_at + lease.duration).toLocaleTimeString()}`;
}

/** Where "Open" leads: the proxied URL with the instance's token, which the proxy trades for a cookie. */
export const openUrl = (nb: Pick<Notebook, 'url' | 'token'>): string => `${nb.url}?token=${encodeURIComponent(nb.token)}`;
