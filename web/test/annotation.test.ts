import { describe, expect, test } from 'vitest';
import { addSpan, EMPTY, fromLabels, segments, textOf, toggleTag, toLabels } from '../src/workbench/annotation.ts';
import { canRedo, canUndo, record, redo, startHistory, undo } from '../src/workbench/history.ts';

describe('labels to and from the API', () => {
  test('object detection shapes keep their other properties and labels of other types stay as they are', () => {
    const labels = [
      {
        name: 'car',
        type: 1,
        score: 0.8,
        annotated_by: 'auto',
        property: {
          '@modelarts:shape': 'bndbox',
          '@modelarts:feature': [
            [1, 2],
            [30, 40],
          ],
          color: 'x',
        },
      },
      { name: 'ring', type: 1, property: { '@modelarts:shape': 'circle', '@modelarts:feature': [[5, 5], [3]] } },
      { name: 'tag', type: 0, property: {} },
    ];
    const a = fromLabels(labels, 'object-detection');
    expect(a.shapes).toHaveLength(1);
    expect(a.others.map((l) => l.name)).toEqual(['ring', 'tag']);
    expect(toLabels(a, 'object-detection')).toEqual([
      {
        name: 'car',
        type: 1,
        score: 0.8,
        annotated_by: 'auto',
        property: {
          color: 'x',
          '@modelarts:shape': 'bndbox',
          '@modelarts:feature': [
            [1, 2],
            [30, 40],
          ],
        },
      },
      { name: 'ring', type: 1, property: { '@modelarts:shape': 'circle', '@modelarts:feature': [[5, 5], [3]] } },
      { name: 'tag', type: 0 },
    ]);
  });
  test('classification: one label replaces the other, several toggle', () => {
    let a = toggleTag(EMPTY, 'cat', false);
    a = toggleTag(a, 'dog', false);
    expect(toLabels(a, 'image-classification')).toEqual([{ name: 'dog', type: 0 }]);
    a = toggleTag(a, 'cat', true);
    expect(toLabels(a, 'text-classification')).toEqual([
      { name: 'dog', type: 100 },
      { name: 'cat', type: 100 },
    ]);
    expect(toggleTag(a, 'dog', true).tags.map((t) => t.name)).toEqual(['cat']);
  });
  test('named entities: spans ordered, an overlapping one replaced, empty ones refused', () => {
    let a = addSpan(EMPTY, 12, 17, 'Thing')!;
    a = addSpan(a, 4, 0, 'Hope')!;
    expect(addSpan(a, 3, 3, 'X')).toBeNull();
    a = addSpan(a, 15, 22, 'Other')!;
    expect(toLabels(a, 'named-entity')).toEqual([
      { name: 'Hope', type: 101, property: { '@modelarts:start_index': 0, '@modelarts:end_index': 4 } },
      { name: 'Other', type: 101, property: { '@modelarts:start_index': 15, '@modelarts:end_index': 22 } },
    ]);
    const text = 'Hope is the thing with feathers';
    expect(segments(text, a.spans).map((s) => [s.text, s.span?.name ?? null])).toEqual([
      ['Hope', 'Hope'],
      [' is the thi', null],
      ['ng with', 'Other'],
      [' feathers', null],
    ]);
  });
  test('text samples are read from content://', () => {
    expect(textOf('content://hello there')).toBe('hello there');
    expect(textOf('https://x/y.txt')).toBeNull();
  });
});

describe('undo history', () => {
  test('undo and redo walk the edits; a new edit drops the redo list', () => {
    let h = startHistory(0);
    h = record(h, 1);
    h = record(h, 2);
    h = undo(h);
    expect(h.present).toBe(1);
    expect(canRedo(h)).toBe(true);
    h = redo(h);
    expect(h.present).toBe(2);
    h = undo(undo(h));
    expect(h.present).toBe(0);
    expect(canUndo(h)).toBe(false);
    expect(undo(h)).toBe(h);
    h = record(h, 5);
    expect(canRedo(h)).toBe(false);
    expect(h.past).toEqual([0]);
  });
});
