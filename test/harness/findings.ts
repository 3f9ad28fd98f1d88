// Findings of a harness test, judged against a list of known ones (each with its reason) kept in
// the test file while the fix is under way: a known finding is reported, a new one fails the test,
// and a known one that no longer shows up is reported so the list can shrink. A known key ending in
// `*` covers every key that starts with what precedes it.
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';

export interface Finding {
  /** Stable: what failed, without values that change from run to run. */
  key: string;
  detail: string;
}

/** Array indices and ids out of a JSON pointer, so a key stays the same from run to run. */
export const stablePath = (path: string): string => path.replace(/\/\d+(?=\/|$)/g, '/*');

function matches(key: string, known: string): boolean {
  return known.endsWith('*') ? key.startsWith(known.slice(0, -1)) : key === known;
}

export function judge(t: TestContext, findings: Finding[], known: Record<string, string>): void {
  const unexpected: Finding[] = [];
  const seen = new Map<string, Finding[]>();
  for (const f of findings) {
    const k = Object.keys(known).find((x) => matches(f.key, x));
    if (k === undefined) unexpected.push(f);
    else seen.set(k, [...(seen.get(k) ?? []), f]);
  }
  for (const [k, fs] of seen) {
    const more = fs.length > 1 ? ` (and ${fs.length - 1} more like it)` : '';
    t.diagnostic(`known (${known[k]}): ${fs[0]!.key}: ${fs[0]!.detail}${more}`);
  }
  for (const k of Object.keys(known)) if (!seen.has(k)) t.diagnostic(`no longer found, remove it from the known list: ${k}`);
  const lines = [...new Set(unexpected.map((f) => `${f.key}: ${f.detail}`))].sort();
  assert.equal(lines.length, 0, `${lines.length} finding(s):\n  ${lines.join('\n  ')}`);
}
