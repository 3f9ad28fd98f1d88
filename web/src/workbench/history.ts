// Undo and redo over whole snapshots of the sample's labels: every edit pushes the state it made.

export interface History<T> {
  past: T[];
  present: T;
  future: T[];
}

/** How many edits back undo reaches. */
export const HISTORY_DEPTH = 200;

export const startHistory = <T>(present: T): History<T> => ({ past: [], present, future: [] });

/** The history after an edit: the old state goes to the past and the redo list is dropped. */
export function record<T>(h: History<T>, next: T): History<T> {
  if (Object.is(next, h.present)) return h;
  return { past: [...h.past, h.present].slice(-HISTORY_DEPTH), present: next, future: [] };
}

export function undo<T>(h: History<T>): History<T> {
  const prev = h.past[h.past.length - 1];
  if (h.past.length === 0) return h;
  return { past: h.past.slice(0, -1), present: prev as T, future: [h.present, ...h.future] };
}

export function redo<T>(h: History<T>): History<T> {
  if (h.future.length === 0) return h;
  const [next, ...rest] = h.future;
  return { past: [...h.past, h.present], present: next as T, future: rest };
}

export const canUndo = (h: History<unknown>): boolean => h.past.length > 0;
export const canRedo = (h: History<unknown>): boolean => h.future.length > 0;
