// The browser's Back and Forward buttons, guarded while a sample has unsaved edits. A history move
// cannot be cancelled: by the time `popstate` fires the address has already changed. So the router
// runs this check before any page hears of the move; on a refusal the sample's address is put back
// and the page stays as it is, edits and all.
import { useEffect, useRef } from 'react';
import { checkHistoryMoves } from '../router.ts';

/** Whether going from `from` to `to` leaves the sample being edited (another page, or another sample of the list). */
export function leavesSample(from: URL, to: URL): boolean {
  return from.pathname !== to.pathname || from.searchParams.get('sample') !== to.searchParams.get('sample');
}

/** What a history move asks for: nothing (let it through), or a question whose refusal undoes it. */
export function historyMove(dirty: boolean, from: URL, to: URL): 'pass' | 'ask' {
  return dirty && leavesSample(from, to) ? 'ask' : 'pass';
}

/** Asks `question` before Back or Forward leaves the sample while `dirty`; a refusal keeps the page as it is. */
export function useHistoryGuard(dirty: boolean, question: string): void {
  const now = useRef({ dirty, question, here: window.location.href });
  now.current = { dirty, question, here: window.location.href };
  useEffect(
    () =>
      checkHistoryMoves(() => {
        const { dirty: unsaved, question: ask, here } = now.current;
        if (historyMove(unsaved, new URL(here), new URL(window.location.href)) === 'pass' || window.confirm(ask)) return true;
        window.history.pushState(null, '', here);
        return false;
      }),
    [],
  );
}
