import { describe, expect, test } from 'vitest';
import { actionFor, SHORTCUT_HELP } from '../src/workbench/shortcuts.ts';

describe('keyboard shortcuts', () => {
  test('undo, redo, save and save-and-next use Ctrl (or Cmd)', () => {
    expect(actionFor({ key: 'z', ctrlKey: true })).toEqual({ do: 'undo' });
    expect(actionFor({ key: 'Z', ctrlKey: true, shiftKey: true })).toEqual({ do: 'redo' });
    expect(actionFor({ key: 'z', metaKey: true, shiftKey: true })).toEqual({ do: 'redo' });
    expect(actionFor({ key: 'y', ctrlKey: true })).toEqual({ do: 'redo' });
    expect(actionFor({ key: 's', ctrlKey: true })).toEqual({ do: 'save' });
    expect(actionFor({ key: 'Enter', ctrlKey: true })).toEqual({ do: 'save-next' });
    expect(actionFor({ key: 'q', ctrlKey: true })).toBeNull();
  });
  test('number keys 1-9 pick labels 0-8; 0 picks none', () => {
    expect(actionFor({ key: '1' })).toEqual({ do: 'label', index: 0 });
    expect(actionFor({ key: '9' })).toEqual({ do: 'label', index: 8 });
    expect(actionFor({ key: '0' })).toBeNull();
  });
  test('tools, navigation, help, delete, Enter and Escape', () => {
    expect(actionFor({ key: 'r' })).toEqual({ do: 'tool', tool: 'box' });
    expect(actionFor({ key: 'P' })).toEqual({ do: 'tool', tool: 'polygon' });
    expect(actionFor({ key: 'v' })).toEqual({ do: 'tool', tool: 'select' });
    expect(actionFor({ key: 'd' })).toEqual({ do: 'next' });
    expect(actionFor({ key: 'a' })).toEqual({ do: 'previous' });
    expect(actionFor({ key: '?', shiftKey: true })).toEqual({ do: 'help' });
    expect(actionFor({ key: 'Delete' })).toEqual({ do: 'delete' });
    expect(actionFor({ key: 'Backspace' })).toEqual({ do: 'delete' });
    expect(actionFor({ key: 'Enter' })).toEqual({ do: 'close-polygon' });
    expect(actionFor({ key: 'Escape' })).toEqual({ do: 'cancel' });
  });
  test('arrow keys nudge by one pixel, ten with Shift', () => {
    expect(actionFor({ key: 'ArrowLeft' })).toEqual({ do: 'nudge', dx: -1, dy: 0 });
    expect(actionFor({ key: 'ArrowDown', shiftKey: true })).toEqual({ do: 'nudge', dx: 0, dy: 10 });
  });
  test('typing in a field keeps its keys; only the Ctrl shortcuts act there', () => {
    expect(actionFor({ key: '1' }, { inField: true })).toBeNull();
    expect(actionFor({ key: 'Backspace' }, { inField: true })).toBeNull();
    expect(actionFor({ key: 's', ctrlKey: true }, { inField: true })).toEqual({ do: 'save' });
  });
  test('Alt combinations are left to the browser', () => {
    expect(actionFor({ key: 'ArrowLeft', altKey: true })).toBeNull();
    expect(actionFor({ key: 'z', ctrlKey: true, altKey: true })).toBeNull();
  });
  test('the help lists every key the map reads', () => {
    const keys = SHORTCUT_HELP.map(([k]) => k).join(' ');
    for (const k of ['Ctrl+Z', 'Ctrl+S', 'Ctrl+Enter', '?', 'Delete', 'Escape', 'R', 'P', 'V', '1 – 9', 'D / A']) expect(keys).toContain(k);
  });
});

describe('shapes from the keyboard', () => {
  test("Ctrl (or Cmd) with arrows resizes (Shift: 10 px), plain arrows still move; in a text field Ctrl+arrows stay the field's", () => {
    expect(actionFor({ key: 'ArrowRight', ctrlKey: true })).toEqual({ do: 'resize', dx: 1, dy: 0 });
    expect(actionFor({ key: 'ArrowUp', metaKey: true, shiftKey: true })).toEqual({ do: 'resize', dx: 0, dy: -10 });
    expect(actionFor({ key: 'ArrowLeft' })).toEqual({ do: 'nudge', dx: -1, dy: 0 });
    expect(actionFor({ key: 'ArrowDown', ctrlKey: true }, { inField: true })).toBeNull();
    expect(actionFor({ key: 'ArrowDown', ctrlKey: true, altKey: true })).toBeNull();
  });
  test('Enter is what places a box (and closes a polygon); the help lists the keys', () => {
    expect(actionFor({ key: 'Enter' })).toEqual({ do: 'close-polygon' });
    expect(SHORTCUT_HELP.some(([keys]) => keys === 'Ctrl+Arrow keys')).toBe(true);
  });
});
