import type { Generated } from 'kysely';

// Team labeling tasks (#17, #18, #26-40, #46): a dataset's samples split among the members of labeling
// teams, each member's labels kept in the task until the owner accepts them into the dataset.

/** Task status on the wire (WorkforceTask.status). */
export const WorkforceTaskStatus = { starting: 0, running: 1, accepting: 2, accepted: 3, rejected: 4, syncing: 5, created: 6 } as const;

/** data_sync_type 1 or 3: samples added to the dataset join the task, as with synchronize_data. */
export const takesArrivals = (t: Pick<WorkforceTaskRow, 'synchronize_data' | 'data_sync_type'>): boolean =>
  t.synchronize_data === 1 || t.data_sync_type === 1 || t.data_sync_type === 3;

/** auto_sync_dataset, or data_sync_type 2 or 3: a passed acceptance writes the accepted labels into the dataset. */
export const labelsFlowBack = (t: Pick<WorkforceTaskRow, 'auto_sync_dataset' | 'data_sync_type'>): boolean =>
  t.auto_sync_dataset === 1 || t.data_sync_type >= 2;

/**
 * Where one member's copy of a sample stands. Labelers move it from `none` to `labeled`; a reviewer
 * passes it (`reviewed`) or sends it back (`rejected`, back on the labeler's list); an acceptance
 * ends it `accepted` or `refused` (back on the labeler's list). A team without reviewers sends a
 * labeled copy straight to `reviewed`.
 */
export const TaskSampleState = { none: 0, labeled: 1, rejected: 2, reviewed: 3, accepted: 4, refused: 5 } as const;

export interface WorkforceTaskRow {
  id: string;
  project_id: string;
  dataset_id: string;
  name: string;
  description: string;
  status: number;
  /** How many members label each sample (>= 1). */
  repetition: number;
  /** JSON array of the SearchCondition objects that chose the samples; '[]' for all samples. */
  sample_conditions: string;
  auto_sync_dataset: number;
  data_sync_type: number;
  synchronize_data: number;
  synchronize_auto_labeling_data: number;
  /** The team administrator's e-mail when the administrator assigns the samples; null when split evenly. */
  agency: string | null;
  /** The dataset version the task's samples were taken from; null for the working samples. */
  version_id: string | null;
  /** The acceptance running now (workforce_acceptances.id); null when none. */
  checking_task_id: string | null;
  create_time: number;
  update_time: number;
}

/** A member taking part in a task, with the role they have in it. */
export interface WorkforceTaskWorkerRow {
  task_id: string;
  worker_id: string;
  workforce_id: string;
  email: string;
  /** 0 labeler, 1 reviewer, 2 team administrator. */
  role: number;
  /** 0 not notified, 1 notified. */
  email_status: number;
  last_notify_time: number;
  create_time: number;
}

/** One member's copy of one sample of a task (repetition > 1 gives a sample several rows). */
export interface WorkforceTaskSampleRow {
  task_id: string;
  sample_id: string;
  /** The labeler holding this copy. */
  worker_id: string;
  /** The sample's list order key (samples.sample_time), copied so a member's page needs no join to order. */
  sample_time: number;
  state: number;
  /** JSON array of the labels this member gave (the samples family's StoredAnnotation). */
  labels: string;
  labeled_time: number;
  review_accept: number | null;
  review_comment: string | null;
  review_score: string | null;
  reviewer_id: string | null;
  review_time: number;
  /** When an acceptance passed this copy, ms since the epoch; 0 until then. */
  accepted_time: number;
  update_time: number;
}

/** Acceptance status: 0 checking, 1 passed, 2 rejected, 3 cancelled. */
export const AcceptanceStatus = { checking: 0, passed: 1, rejected: 2, cancelled: 3 } as const;

/** One sampling acceptance the owner ran over a task (#32-34). */
export interface WorkforceAcceptanceRow {
  id: string;
  task_id: string;
  status: number;
  sampling_num: number;
  /** The UpdateWorkforceSamplingTask action that ended it; null while checking. */
  action: number | null;
  overwrite_last_result: number;
  create_time: number;
  end_time: number;
}

/** A sampled copy in an acceptance, with the owner's verdict once checked (#38). */
export interface WorkforceAcceptanceSampleRow {
  acceptance_id: string;
  task_id: string;
  sample_id: string;
  worker_id: string;
  /** null until checked; 1 passed, 0 refused. */
  accept: number | null;
  comment: string | null;
  /** A, B, C or D. */
  score: string | null;
  check_time: number;
}

export interface WorkforceTaskTables {
  workforce_tasks: WorkforceTaskRow;
  workforce_task_workers: WorkforceTaskWorkerRow;
  /** accepted_time defaults to 0 on insert. */
  workforce_task_samples: Omit<WorkforceTaskSampleRow, 'accepted_time'> & { accepted_time: Generated<number> };
  workforce_acceptances: WorkforceAcceptanceRow;
  workforce_acceptance_samples: WorkforceAcceptanceSampleRow;
}
