import { networkErrors } from './errors.ts';

/** One condition of a labelSelector: the label equals (or not) a value, or exists (or not). */
type Condition = { key: string; op: '=' | '!='; value: string } | { key: string; op: 'exists' | '!exists' };

const KEY = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/;

/** Parses "k=v,k!=v,k,!k" into conditions; anything else is a 400 naming the term. */
export function parseLabelSelector(selector: string): Condition[] {
  return selector
    .split(',')
    .map((term) => term.trim())
    .filter((term) => term.length > 0)
    .map((term): Condition => {
      const m = /^([^!=]+?)\s*(!=|==|=)\s*([^!=]*)$/.exec(term);
      const [, key, op, value] = m ?? [];
      if (key !== undefined && op !== undefined && value !== undefined && KEY.test(key)) return { key, op: op === '!=' ? '!=' : '=', value: value.trim() };
      if (term.startsWith('!') && KEY.test(term.slice(1))) return { key: term.slice(1), op: '!exists' };
      if (KEY.test(term)) return { key: term, op: 'exists' };
      throw networkErrors.badRequest(`labelSelector: "${term}" is not key=value, key!=value, key or !key`);
    });
}

export function matches(conditions: readonly Condition[], labels: Record<string, string | undefined>): boolean {
  return conditions.every((c) => {
    const value = labels[c.key];
    switch (c.op) {
      case '=':
        return value === c.value;
      case '!=':
        return value !== c.value;
      case 'exists':
        return value !== undefined;
      case '!exists':
        return value === undefined;
    }
  });
}
