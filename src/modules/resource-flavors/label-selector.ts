// labelSelector as Kubernetes writes it: requirements joined by commas, each `key=value`,
// `key==value`, `key!=value`, `key in (a,b)`, `key notin (a,b)`, `key` or `!key`. A label whose
// value lists several items (os.modelarts/scope: "Train,Infer,Notebook") matches a value it lists.
import { errors } from '#src/core/errors.ts';

interface Requirement {
  key: string;
  op: 'in' | 'notin' | 'exists' | 'absent';
  /** The values of in and notin (none for exists and absent). */
  values: string[];
}

const KEY = /^[A-Za-z0-9]([A-Za-z0-9._/-]*[A-Za-z0-9])?$/;
const VALUE = /^[A-Za-z0-9._-]*$/;

function splitTopLevel(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts.map((p) => p.trim());
}

function bad(part: string): never {
  throw errors.badParam(`labelSelector: "${part}" is not a requirement (key=value, key!=value, key in (a,b), key notin (a,b), key, !key)`);
}

function checked(part: string, key: string, values: string[]): void {
  if (!KEY.test(key) || values.some((v) => !VALUE.test(v))) bad(part);
}

export function parseLabelSelector(selector: string): Requirement[] {
  if (selector.trim() === '') return [];
  return splitTopLevel(selector).map((part): Requirement => {
    let m = /^(\S+?)\s*(==|=|!=)\s*(\S*)$/.exec(part);
    if (m) {
      const [, key = '', op, value = ''] = m;
      checked(part, key, [value]);
      return { key, op: op === '!=' ? 'notin' : 'in', values: [value] };
    }
    m = /^(\S+)\s+(in|notin)\s*\(([^()]*)\)$/.exec(part);
    if (m) {
      const [, key = '', op, list = ''] = m;
      const values = list.split(',').map((v) => v.trim());
      checked(part, key, values);
      return { key, op: op === 'in' ? 'in' : 'notin', values };
    }
    m = /^(!?)(\S+)$/.exec(part);
    if (m) {
      const [, not, key = ''] = m;
      checked(part, key, []);
      return { key, op: not ? 'absent' : 'exists', values: [] };
    }
    return bad(part);
  });
}

export function matchesLabels(reqs: Requirement[], labels: Record<string, string>): boolean {
  return reqs.every((r) => {
    const value = labels[r.key];
    if (r.op === 'exists' || r.op === 'absent') return (value !== undefined) === (r.op === 'exists');
    const items = value === undefined ? [] : value.split(',');
    const hit = r.values.some((v) => items.includes(v));
    return r.op === 'in' ? hit : !hit;
  });
}
