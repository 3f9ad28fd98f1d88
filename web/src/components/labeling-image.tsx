// The object detection canvas: the image with its shapes drawn over it in an SVG whose coordinates
// are the image's pixels. Boxes are drawn by dragging, polygons point by point; in select mode a
// shape moves by its body and resizes by its handles. Drags show live and enter the history once.
import { useRef, useState, type PointerEvent as ReactPointerEvent } from 'react';
import {
  addPolygonPoint,
  handlePoints,
  HANDLES,
  moveShape,
  moveVertex,
  rectFromDrag,
  resizeRect,
  shapeAt,
  type Handle,
  type Point,
  type Rect,
  type Shape,
  type Size,
} from '../workbench/geometry.ts';
import { newKey, type Annotation } from '../workbench/annotation.ts';
import type { Tool } from '../workbench/shortcuts.ts';

type Drag =
  | { kind: 'draw'; start: Point; now: Point }
  | { kind: 'move'; key: number; start: Point; shape: Shape }
  | { kind: 'resize'; key: number; handle: Handle; rect: Rect }
  | { kind: 'vertex'; key: number; index: number; points: Point[] };

export interface ImageCanvasProps {
  src: string;
  alt: string;
  annotation: Annotation;
  size: Size | null;
  onSize: (s: Size) => void;
  tool: Tool;
  activeLabel: string;
  selected: number | null;
  onSelect: (key: number | null) => void;
  /** The polygon being built, in image pixels. */
  draft: Point[];
  onDraft: (points: Point[]) => void;
  /** A drag in progress (null: none); the page shows it instead of the recorded state. */
  onLive: (a: Annotation | null) => void;
  onCommit: (a: Annotation) => void;
  colorOf: (name: string) => string;
}

const rectPoints = (r: Rect): string => `${r.x1},${r.y1} ${r.x2},${r.y1} ${r.x2},${r.y2} ${r.x1},${r.y2}`;

export function ImageCanvas(props: ImageCanvasProps) {
  const { annotation, size, tool, selected } = props;
  const svg = useRef<SVGSVGElement>(null);
  const [drag, setDrag] = useState<Drag | null>(null);
  const [scale, setScale] = useState(1);

  /** The pointer's position in image pixels (and how many image pixels one screen pixel covers). */
  const at = (e: { clientX: number; clientY: number }): Point => {
    const box = svg.current!.getBoundingClientRect();
    const kx = size ? size.width / box.width : 1;
    const ky = size ? size.height / box.height : 1;
    if (Math.abs(kx - scale) > 0.01) setScale(kx);
    return [(e.clientX - box.left) * kx, (e.clientY - box.top) * ky];
  };

  const withShape = (key: number, shape: Shape): Annotation => ({ ...annotation, shapes: annotation.shapes.map((s) => (s.key === key ? { ...s, shape } : s)) });

  const down = (e: ReactPointerEvent<SVGSVGElement>) => {
    if (!size || e.button !== 0) return;
    // A new shape takes the chosen label: with none yet, there is nothing to draw with.
    if (tool !== 'select' && !props.activeLabel) return;
    const p = at(e);
    svg.current!.setPointerCapture(e.pointerId);
    if (tool === 'polygon') {
      const r = addPolygonPoint(props.draft, p, size, 8 * scale);
      if (r.closed) {
        const key = newKey();
        props.onCommit({
          ...annotation,
          shapes: [...annotation.shapes, { key, name: props.activeLabel, shape: { kind: 'polygon', points: r.points }, property: {} }],
        });
        props.onDraft([]);
        props.onSelect(key);
      } else props.onDraft(r.points);
      return;
    }
    if (tool === 'box') {
      setDrag({ kind: 'draw', start: p, now: p });
      return;
    }
    const i = shapeAt(
      annotation.shapes.map((s) => s.shape),
      p,
      4 * scale,
    );
    const hit = annotation.shapes[i];
    props.onSelect(hit ? hit.key : null);
    if (hit) setDrag({ kind: 'move', key: hit.key, start: p, shape: hit.shape });
  };

  const startHandle = (e: ReactPointerEvent, d: Drag) => {
    if (e.button !== 0) return;
    e.stopPropagation();
    svg.current!.setPointerCapture(e.pointerId);
    setDrag(d);
  };

  const liveOf = (d: Drag, p: Point): Annotation | null => {
    if (!size) return null;
    switch (d.kind) {
      case 'draw':
        return null;
      case 'move':
        return withShape(d.key, moveShape(d.shape, p[0] - d.start[0], p[1] - d.start[1], size));
      case 'resize':
        return withShape(d.key, { kind: 'bndbox', rect: resizeRect(d.rect, d.handle, p, size) });
      case 'vertex':
        return withShape(d.key, { kind: 'polygon', points: moveVertex(d.points, d.index, p, size) });
    }
  };

  const move = (e: ReactPointerEvent<SVGSVGElement>) => {
    if (!drag) return;
    const p = at(e);
    if (drag.kind === 'draw') setDrag({ ...drag, now: p });
    else props.onLive(liveOf(drag, p));
  };

  const up = (e: ReactPointerEvent<SVGSVGElement>) => {
    if (!drag || !size) return;
    const p = at(e);
    setDrag(null);
    if (drag.kind === 'draw') {
      const rect = rectFromDrag(drag.start, p, size);
      if (rect) {
        const key = newKey();
        props.onCommit({ ...annotation, shapes: [...annotation.shapes, { key, name: props.activeLabel, shape: { kind: 'bndbox', rect }, property: {} }] });
        props.onSelect(key);
      } else {
        const i = shapeAt(
          annotation.shapes.map((s) => s.shape),
          p,
          4 * scale,
        );
        props.onSelect(annotation.shapes[i]?.key ?? null);
      }
      return;
    }
    const live = liveOf(drag, p);
    props.onLive(null);
    if (live) props.onCommit(live);
  };

  const preview = drag?.kind === 'draw' && size ? rectFromDrag(drag.start, drag.now, size, 1) : null;
  const hs = 5 * scale;
  const chosen = annotation.shapes.find((s) => s.key === selected);
  return (
    <div className={`wb-stage wb-tool-${tool}`}>
      <img
        src={props.src}
        alt={props.alt}
        draggable={false}
        onLoad={(e) => {
          const img = e.currentTarget;
          props.onSize({ width: img.naturalWidth, height: img.naturalHeight });
          setScale(img.naturalWidth / Math.max(1, img.getBoundingClientRect().width));
        }}
      />
      {size ? (
        <svg
          ref={svg}
          viewBox={`0 0 ${size.width} ${size.height}`}
          preserveAspectRatio="none"
          role="img"
          aria-label={`Canvas: ${annotation.shapes.length} shapes. Draw with R (boxes) or P (polygons); select with V.`}
          data-testid="canvas"
          onPointerDown={down}
          onPointerMove={move}
          onPointerUp={up}
          onPointerCancel={() => {
            setDrag(null);
            props.onLive(null);
          }}
        >
          {annotation.shapes.map((s) => {
            const color = props.colorOf(s.name);
            const cls = s.key === selected ? 'wb-shape wb-selected' : 'wb-shape';
            const pts = s.shape.kind === 'bndbox' ? rectPoints(s.shape.rect) : s.shape.points.map((q) => q.join(',')).join(' ');
            return <polygon key={s.key} className={cls} points={pts} stroke={color} fill={color} data-label={s.name} vectorEffect="non-scaling-stroke" />;
          })}
          {preview ? <polygon className="wb-preview" points={rectPoints(preview)} vectorEffect="non-scaling-stroke" /> : null}
          {props.draft.length > 0 ? (
            <>
              <polyline className="wb-preview" points={props.draft.map((q) => q.join(',')).join(' ')} vectorEffect="non-scaling-stroke" />
              {props.draft.map((q, i) => (
                <circle key={i} className="wb-vertex" cx={q[0]} cy={q[1]} r={hs} vectorEffect="non-scaling-stroke" />
              ))}
            </>
          ) : null}
          {chosen && chosen.shape.kind === 'bndbox'
            ? HANDLES.map((h) => {
                const [x, y] = handlePoints((chosen.shape as { rect: Rect }).rect)[h];
                return (
                  <rect
                    key={h}
                    className={`wb-handle wb-handle-${h}`}
                    data-handle={h}
                    x={x - hs}
                    y={y - hs}
                    width={hs * 2}
                    height={hs * 2}
                    vectorEffect="non-scaling-stroke"
                    onPointerDown={(e) => startHandle(e, { kind: 'resize', key: chosen.key, handle: h, rect: (chosen.shape as { rect: Rect }).rect })}
                  />
                );
              })
            : null}
          {chosen && chosen.shape.kind === 'polygon'
            ? chosen.shape.points.map(([x, y], i) => (
                <circle
                  key={i}
                  className="wb-handle"
                  data-vertex={i}
                  cx={x}
                  cy={y}
                  r={hs}
                  vectorEffect="non-scaling-stroke"
                  onPointerDown={(e) => startHandle(e, { kind: 'vertex', key: chosen.key, index: i, points: (chosen.shape as { points: Point[] }).points })}
                />
              ))
            : null}
        </svg>
      ) : null}
    </div>
  );
}
