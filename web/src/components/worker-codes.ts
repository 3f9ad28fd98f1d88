// Words for the team labeling codes the worker and owner pages show.
const TASK_STATUS: Record<number, string> = {
  0: 'Assigning samples',
  1: 'Running',
  2: 'Acceptance open',
  3: 'Accepted',
  4: 'Sent back',
  5: 'Syncing into the dataset',
  6: 'Not started',
};
const ROLE: Record<number, string> = { 0: 'Labeler', 1: 'Reviewer', 2: 'Team administrator', 3: 'Dataset owner' };

export const taskStatusName = (code: number): string => TASK_STATUS[code] ?? `status ${code}`;
export const roleName = (code: number): string => ROLE[code] ?? `role ${code}`;

/** Where a member's copy stands, from its review and acceptance verdicts. */
export function copyStateName(s: { labels?: unknown[]; review_accept?: boolean; check_accept?: boolean }): string {
  if (s.check_accept === true) return 'accepted';
  if (s.check_accept === false) return 'refused by acceptance';
  if (s.review_accept === false) return 'sent back by review';
  if (s.review_accept === true) return 'review passed';
  return s.labels && s.labels.length > 0 ? 'labeled' : 'not labeled';
}
