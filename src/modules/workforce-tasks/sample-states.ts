// Where a member's copy of a sample may go next (TaskSampleState), in one place for labeling,
// review and acceptance alike.
import { TaskSampleState } from './tables.ts';

type State = (typeof TaskSampleState)[keyof typeof TaskSampleState];

/** The moves each actor may make; anything else is refused. */
export const SAMPLE_MOVES = {
  /** A labeler saves labels: a new copy, one sent back by review or refused by acceptance, or one labeled again before review. */
  label: [TaskSampleState.none, TaskSampleState.labeled, TaskSampleState.rejected, TaskSampleState.refused],
  /** A reviewer passes or rejects a labeled copy. */
  review: [TaskSampleState.labeled],
  /** An acceptance accepts or refuses a copy the review passed. */
  accept: [TaskSampleState.reviewed],
} as const satisfies Record<string, readonly State[]>;

export type SampleMove = keyof typeof SAMPLE_MOVES;

export function canMove(move: SampleMove, from: number): boolean {
  return (SAMPLE_MOVES[move] as readonly number[]).includes(from);
}

/** The state a labeler's save leaves: straight to reviewed when the task has no reviewer. */
export function afterLabel(hasReviewers: boolean): State {
  return hasReviewers ? TaskSampleState.labeled : TaskSampleState.reviewed;
}

/** The state after review: passed goes on to acceptance, rejected goes back to the labeler. */
export function afterReview(pass: boolean): State {
  return pass ? TaskSampleState.reviewed : TaskSampleState.rejected;
}

/** The state after acceptance: accepted, or refused back to the labeler. */
export function afterAcceptance(pass: boolean): State {
  return pass ? TaskSampleState.accepted : TaskSampleState.refused;
}
