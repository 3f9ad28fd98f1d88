// The workbench's keyboard map: which key does what, and the list the help panel shows.

export type Action =
  | { do: 'undo' | 'redo' | 'save' | 'save-next' | 'next' | 'previous' | 'help' | 'delete' | 'close-polygon' | 'cancel' }
  | { do: 'tool'; tool: Tool }
  | { do: 'label'; index: number }
  | { do: 'nudge'; dx: number; dy: number }
  | { do: 'resize'; dx: number; dy: number };

export type Tool = 'select' | 'box' | 'polygon';

/** The parts of a keyboard event the map reads. */
export interface Keys {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  shiftKey?: boolean;
  altKey?: boolean;
}

/** Where the key was typed: in a text field only the shortcuts with Ctrl act, so typing stays typing. */
export interface KeyContext {
  inField?: boolean;
}

/**
 * The action a key press stands for, or null. Ctrl and Cmd are the same (macOS); the arrow keys
 * nudge the selected shape by one pixel, ten with Shift; with Ctrl they resize it (its lower right
 * corner moves), so a box can be placed and shaped without a mouse. Alt is left to the browser.
 */
export function actionFor(e: Keys, ctx: KeyContext = {}): Action | null {
  const mod = Boolean(e.ctrlKey || e.metaKey);
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  const step = e.shiftKey ? 10 : 1;
  const arrows: Record<string, [number, number]> = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
  const d = arrows[key];
  if (mod && !e.altKey) {
    if (key === 'z') return { do: e.shiftKey ? 'redo' : 'undo' };
    if (key === 'y') return { do: 'redo' };
    if (key === 's') return { do: 'save' };
    if (key === 'Enter') return { do: 'save-next' };
    // In a text field Ctrl+arrows move by words.
    if (d && !ctx.inField) return { do: 'resize', dx: d[0], dy: d[1] };
    return null;
  }
  if (ctx.inField || e.altKey || mod) return null;
  if (/^[1-9]$/.test(key)) return { do: 'label', index: Number(key) - 1 };
  switch (key) {
    case '?':
      return { do: 'help' };
    case 'd':
      return { do: 'next' };
    case 'a':
      return { do: 'previous' };
    case 'v':
      return { do: 'tool', tool: 'select' };
    case 'r':
      return { do: 'tool', tool: 'box' };
    case 'p':
      return { do: 'tool', tool: 'polygon' };
    case 'Delete':
    case 'Backspace':
      return { do: 'delete' };
    case 'Enter':
      return { do: 'close-polygon' };
    case 'Escape':
      return { do: 'cancel' };
  }
  return d ? { do: 'nudge', dx: d[0], dy: d[1] } : null;
}

/** The help panel's rows: keys as written, and what they do. */
export const SHORTCUT_HELP: ReadonlyArray<readonly [string, string]> = [
  ['1 – 9', 'Toggle that label (classification), give it to the selected shape or the text selection, or pick it for new shapes'],
  ['R', 'Draw boxes: drag on the image, or press Enter to place one in its middle'],
  ['P', 'Draw polygons: click each point, Enter or a click on the first point closes'],
  ['V', 'Select: click a shape, drag it or its handles'],
  ['Arrow keys', 'Move the selected shape 1 pixel (Shift: 10)'],
  ['Ctrl+Arrow keys', 'Resize the selected box from its lower right corner, 1 pixel (Shift: 10)'],
  ['Delete', 'Delete the selected shape or span'],
  ['Escape', 'Stop drawing, or clear the selection'],
  ['Ctrl+Z', 'Undo'],
  ['Ctrl+Shift+Z, Ctrl+Y', 'Redo'],
  ['Ctrl+S', 'Save'],
  ['Ctrl+Enter', 'Save and go to the next sample'],
  ['D / A', 'Next / previous sample'],
  ['?', 'Show or hide this help'],
];
