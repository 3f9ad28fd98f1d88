// A text sample: plain for text classification; for named entities the labeled spans are
// highlighted, and the text selected with the mouse (or keyboard) becomes the span to label.
import { useEffect, useRef } from 'react';
import { segments, type SpanItem } from '../workbench/annotation.ts';

/** Where a DOM position falls in the text: each run carries its start offset in data-start. */
function offsetOf(root: HTMLElement, node: Node, offset: number): number | null {
  const el = node.nodeType === Node.TEXT_NODE ? node.parentElement : (node as HTMLElement);
  const run = el?.closest<HTMLElement>('[data-start]');
  if (!run || !root.contains(run)) return null;
  if (node.nodeType !== Node.TEXT_NODE) return Number(run.dataset.start) + (offset > 0 ? (run.textContent?.length ?? 0) : 0);
  return Number(run.dataset.start) + offset;
}

export interface TextViewProps {
  text: string;
  spans?: readonly SpanItem[];
  selectedSpan?: number | null;
  onSelectSpan?: (key: number | null) => void;
  /** The current text selection as [start, end), or null when there is none inside the text. */
  onSelection?: (range: [number, number] | null) => void;
  colorOf: (name: string) => string;
}

export function TextView({ text, spans, selectedSpan, onSelectSpan, onSelection, colorOf }: TextViewProps) {
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!onSelection) return;
    const changed = () => {
      const sel = document.getSelection();
      const el = root.current;
      if (!sel || !el || sel.rangeCount === 0 || sel.isCollapsed) return onSelection(null);
      const r = sel.getRangeAt(0);
      const a = offsetOf(el, r.startContainer, r.startOffset);
      const b = offsetOf(el, r.endContainer, r.endOffset);
      onSelection(a === null || b === null || a === b ? null : [Math.min(a, b), Math.max(a, b)]);
    };
    document.addEventListener('selectionchange', changed);
    return () => document.removeEventListener('selectionchange', changed);
  }, [onSelection]);
  return (
    <div ref={root} className="wb-text" data-testid="sample-text">
      {segments(text, spans ?? []).map((s) =>
        s.span ? (
          <mark
            key={s.start}
            data-start={s.start}
            data-label={s.span.name}
            className={s.span.key === selectedSpan ? 'wb-span wb-selected' : 'wb-span'}
            style={{ borderColor: colorOf(s.span.name) }}
            onClick={() => onSelectSpan?.(s.span!.key)}
          >
            {s.text}
          </mark>
        ) : (
          <span key={s.start} data-start={s.start}>
            {s.text}
          </span>
        ),
      )}
    </div>
  );
}
