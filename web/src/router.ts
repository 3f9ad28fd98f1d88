// A small router over the History API: the URL (path and query) is the page's whole state, so every
// page can be linked to and reloaded.
import { createElement, useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

const CHANGE = 'atelier:navigate';

function subscribe(listener: () => void): () => void {
  window.addEventListener('popstate', listener);
  window.addEventListener(CHANGE, listener);
  return () => {
    window.removeEventListener('popstate', listener);
    window.removeEventListener(CHANGE, listener);
  };
}

const current = (): string => window.location.pathname + window.location.search;

/** Run first on every Back or Forward move; false means it was refused (and the address put back), so no page hears of it. */
let historyCheck: (() => boolean) | undefined;
// Registered as the module loads, before any page subscribes, so it is the first popstate listener.
if (typeof window !== 'undefined') {
  window.addEventListener('popstate', (e) => {
    if (historyCheck && !historyCheck()) e.stopImmediatePropagation();
  });
}

/** Sets the check of Back and Forward moves (one page at a time has one); returns its removal. */
export function checkHistoryMoves(check: () => boolean): () => void {
  historyCheck = check;
  return () => {
    if (historyCheck === check) historyCheck = undefined;
  };
}

/** The current path and query, re-rendering on every navigation. */
export function useLocation(): { pathname: string; query: URLSearchParams } {
  const href = useSyncExternalStore(subscribe, current);
  const url = new URL(href, window.location.origin);
  return { pathname: url.pathname, query: url.searchParams };
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === current()) return;
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.dispatchEvent(new Event(CHANGE));
}

/** The current query with some parameters changed (undefined or '' removes one). */
export function withQuery(query: URLSearchParams, changes: Record<string, string | number | undefined>): string {
  const next = new URLSearchParams(query);
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined || v === '') next.delete(k);
    else next.set(k, String(v));
  }
  const s = next.toString();
  return s ? `?${s}` : '';
}

type LinkProps = AnchorHTMLAttributes<HTMLAnchorElement> & { to: string };

/** An ordinary link (open in a new tab works), navigating in place on a plain click. */
export function Link({ to, onClick, ...rest }: LinkProps) {
  const handle = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return createElement('a', { ...rest, href: to, onClick: handle });
}
