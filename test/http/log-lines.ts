// Reading JSON log lines in tests: JSON.parse keeps the last of two equal keys without a word, so
// repeated keys are found with a scanner of their own.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';

/** The keys that appear more than once in one object of a JSON text, as `path.key` (any depth). */
export function repeatedKeys(text: string): string[] {
  let i = 0;
  const found: string[] = [];
  const ws = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i]!)) i++;
  };
  const str = (): string => {
    assert.equal(text[i], '"', `a string at ${i}`);
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (path: string): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const seen = new Set<string>();
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        const key = str();
        if (seen.has(key)) found.push(`${path}${key}`);
        seen.add(key);
        ws();
        assert.equal(text[i], ':', `a colon at ${i}`);
        i++;
        value(`${path}${key}.`);
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') return void i++;
        else assert.fail(`, or } expected at ${i}`);
      }
    } else if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        value(`${path}[].`);
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return void i++;
        else assert.fail(`, or ] expected at ${i}`);
      }
    } else if (c === '"') {
      str();
    } else {
      const m = /^(?:-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i));
      assert.ok(m, `a value expected at ${i}`);
      i += m[0].length;
    }
  };
  value('');
  return found;
}

/** A stream that keeps what a logger writes, line by line. */
export function logCapture(): { stream: Writable; lines: () => string[] } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, lines: () => text.split('\n').filter((l) => l !== '') };
}

/** Waits until `find` returns something from the captured lines (a request's line is written once its answer is out). */
export async function waitFor<T>(find: () => T | undefined, what: string, ms = 5000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > until) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
