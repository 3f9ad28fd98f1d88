import { describe, expect, test } from 'vitest';
import { historyMove, leavesSample } from '../src/workbench/leave-guard.ts';

const at = (path: string) => new URL(path, 'http://console.test');

describe('Back and Forward with unsaved edits', () => {
  const here = at('/projects/p/datasets/d/label?sample=s1&at=0');
  test('another sample or another page is leaving; another view option of the same sample is not', () => {
    expect(leavesSample(here, at('/projects/p/datasets/d/label?sample=s2&at=1'))).toBe(true);
    expect(leavesSample(here, at('/projects/p/datasets/d'))).toBe(true);
    expect(leavesSample(here, at('/projects/p/datasets/d/label?sample=s1&at=0&multi=1'))).toBe(false);
  });
  test('only unsaved edits ask', () => {
    const to = at('/projects/p/datasets');
    expect(historyMove(true, here, to)).toBe('ask');
    expect(historyMove(false, here, to)).toBe('pass');
    expect(historyMove(true, here, at('/projects/p/datasets/d/label?sample=s1&at=0&multi=1'))).toBe('pass');
  });
});
