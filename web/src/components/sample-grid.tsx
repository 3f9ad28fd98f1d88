// A dataset's samples as one scrolling grid of thumbnails, however many there are: only the rows in
// view (and a few around them) are in the page, and only the pages of 100 samples they show are
// fetched. While the grid scrolls no new page is asked for, so a fast scroll through a million
// samples costs no requests; pages already fetched still show at once. When it stops, the thumbnails
// of the rows in view are asked for first and those of the rows around them only once these have
// loaded, so the browser's few connections serve what the user sees first. A list taller than browsers
// let an element be is scrolled through a scaled range (useRowWindow), so its end can be reached.
import { memo, useEffect, useLayoutEffect, useRef, useState, type RefObject } from 'react';
import { flushSync } from 'react-dom';
import { useQueries, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client.ts';
import type { operations, paths } from '../api/schema.ts';
import { ErrorNote } from './error-note.tsx';
import { hasPreview, SHEET_CELLS, tileStyle, useBlockSheets, useSheetUrlsFreed, type PageSheet, type Sample } from './sample-sheet.ts';
import './sample-grid.css';

export const GRID_PAGE = 100;
const CELL_WIDTH = 160;
const GAP = 12;
const ROW_HEIGHT = 176;
/** The height of a cell's image (the CSS's .sample-cell img). */
const THUMB_HEIGHT = 120;
/** Left and right padding of the rows in the scroller (the CSS's .sample-row inset). */
const INSET = 8;
/** Rows rendered above and below the view. */
const OVERSCAN = 2;
/** The rendered rows start and end on multiples of this, so a scroll renders again every few rows rather than every row. */
const ROW_STEP = 4;
/** Scrolling is taken to have stopped after this long without a scroll event. */
const SCROLL_IDLE_MS = 60;
/** Rows are placed from a base row that moves in steps of this many, so most rows keep their place (and skip rendering) as the range moves. */
const BASE_STEP = 64;
/** Below every browser's cap on an element's height. */
const MAX_SCROLL_HEIGHT = 15_000_000;

type SamplePage = operations['ListSamples']['responses'][200]['content']['application/json'];
type ListQuery = NonNullable<paths['/v2/{project_id}/datasets/{dataset_id}/data-annotations/samples']['get']['parameters']['query']>;
export type SampleFilter = Pick<ListQuery, 'label_name' | 'sample_state' | 'search_conditions'>;

function pageQuery(projectId: string, datasetId: string, filter: SampleFilter, page: number) {
  return {
    queryKey: ['sample-page', projectId, datasetId, filter, page],
    queryFn: () =>
      unwrap(
        api.GET('/v2/{project_id}/datasets/{dataset_id}/data-annotations/samples', {
          params: { path: { project_id: projectId, dataset_id: datasetId }, query: { ...filter, offset: page, limit: GRID_PAGE, preview: true } },
        }),
      ),
    staleTime: 30_000,
  };
}

/** The scroller's inner width and height, kept up to date as it resizes. */
function useBox(node: HTMLDivElement | null): { width: number; height: number } {
  const [box, setBox] = useState({ width: 4 * (CELL_WIDTH + GAP), height: 600 });
  useEffect(() => {
    if (!node) return;
    const measure = () =>
      setBox((b) => (b.width === node.clientWidth && b.height === node.clientHeight ? b : { width: node.clientWidth, height: node.clientHeight }));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(node);
    return () => observer.disconnect();
  }, [node]);
  return box;
}

interface RowRange {
  /** The rows rendered: those in view, OVERSCAN more each side, widened to ROW_STEP boundaries. */
  first: number;
  last: number;
  /** The rows actually in view (while scrolling, as of the last render). */
  viewFirst: number;
  viewLast: number;
}

const baseRow = (range: RowRange) => range.first - (range.first % BASE_STEP);

/** One row of cells; its pages' data are its inputs, so a row whose pages did not change is not rendered again. */
const GridRow = memo(function GridRow(props: {
  row: number;
  cols: number;
  total: number;
  top: number;
  inView: boolean;
  /** Whether the cells' thumbnails are asked for yet. */
  images: boolean;
  a?: SamplePage;
  b?: SamplePage;
  /** The sheet of the row's block: undefined while it is (or will be) asked for, null when the cells show their own previews. */
  sheet?: PageSheet | null;
}) {
  const { row, cols, total } = props;
  const firstPage = Math.floor((row * cols) / GRID_PAGE);
  return (
    <div
      role="none"
      className="sample-row"
      data-in-view={props.inView ? '' : undefined}
      style={{ top: props.top, gridTemplateColumns: `repeat(${cols}, minmax(0, 1fr))` }}
    >
      {Array.from({ length: cols }, (_, c) => row * cols + c)
        .filter((i) => i < total)
        .map((i) => {
          const s = (Math.floor(i / GRID_PAGE) === firstPage ? props.a : props.b)?.samples?.[i % GRID_PAGE];
          const sheet = props.sheet;
          const tile = sheet && s?.sample_id !== undefined ? sheet.tiles.get(s.sample_id) : undefined;
          let thumb = <div className="thumb-slot" />;
          if (hasPreview(s) && sheet && tile !== undefined) {
            thumb = <div className="thumb-sheet" role="img" aria-label={s?.sample_name ?? ''} style={tileStyle(sheet, tile)} />;
          } else if (hasPreview(s) && sheet === undefined) {
            thumb = <div className="thumb-slot" data-pending="" />;
          } else if (hasPreview(s) && props.images) {
            thumb = <img src={s?.source} alt={s?.sample_name ?? ''} decoding="async" />;
          }
          return (
            <div role="listitem" key={i} className="sample-cell" aria-busy={s ? undefined : true}>
              {thumb}
              <div className="caption">
                {s ? s.sample_name : '…'}
                {s?.labels && s.labels.length > 0 ? <div className="muted">{s.labels.map((l) => l.name).join(', ')}</div> : null}
              </div>
            </div>
          );
        })}
    </div>
  );
});

/**
 * The rows in view of a scroller holding `rows` rows of ROW_HEIGHT. Browsers cap an element's height
 * (Chromium near 33.5M px, Firefox near 17.9M px), so past MAX_SCROLL_HEIGHT the scroll range stands
 * for the whole content, scaled: a pixel scrolled moves `scale` pixels of rows. The rows sit in a
 * sticky layer the height of the view and are moved by a transform written on each scroll event;
 * while scrolling React renders again only when the rendered rows change (every ROW_STEP rows), and
 * once when it stops (the rows in view then ask for their data).
 */
function useRowWindow(scroller: HTMLDivElement | null, slide: RefObject<HTMLDivElement | null>, rows: number, viewHeight: number) {
  const contentHeight = rows * ROW_HEIGHT;
  const spaceHeight = Math.min(contentHeight, MAX_SCROLL_HEIGHT);
  const scale = contentHeight > spaceHeight && spaceHeight > viewHeight ? (contentHeight - viewHeight) / (spaceHeight - viewHeight) : 1;
  const rangeAt = (offset: number): RowRange => {
    const viewFirst = Math.floor(offset / ROW_HEIGHT);
    const viewLast = Math.min(rows - 1, Math.floor((offset + viewHeight) / ROW_HEIGHT));
    const first = Math.max(0, viewFirst - OVERSCAN);
    const last = Math.max(-1, viewLast + OVERSCAN);
    return { first: first - (first % ROW_STEP), last: Math.min(rows - 1, last - (last % ROW_STEP) + ROW_STEP - 1), viewFirst, viewLast };
  };
  const [range, setRange] = useState<RowRange>(() => rangeAt(0));
  const [scrolling, setScrolling] = useState(false);
  /** The content offset at the top of the view, and the range the DOM shows now. */
  const offset = useRef(0);
  const shown = useRef(range);
  shown.current = range;
  const place = () => {
    if (slide.current) slide.current.style.transform = `translateY(${baseRow(shown.current) * ROW_HEIGHT - offset.current}px)`;
  };
  const sync = useRef<(scrolled: boolean) => void>(() => undefined);
  sync.current = (scrolled) => {
    const el = scroller;
    if (!el) return;
    offset.current = Math.min(Math.max(0, contentHeight - viewHeight), el.scrollTop * scale);
    const next = rangeAt(offset.current);
    const now = shown.current;
    const rendered = next.first !== now.first || next.last !== now.last;
    // At once, so no frame shows the view without its rows.
    if (rendered && scrolled) flushSync(() => setRange(next));
    else if (rendered || (!scrolled && (next.viewFirst !== now.viewFirst || next.viewLast !== now.viewLast))) setRange(next);
    place();
  };
  useLayoutEffect(place);
  useLayoutEffect(() => sync.current(false), [scroller, rows, viewHeight, scale]);
  useEffect(() => {
    const el = scroller;
    if (!el) return;
    // One timer per scroll, not one per scroll event: it looks again when events came since it was set.
    let idle: ReturnType<typeof setTimeout> | undefined;
    let lastEvent = 0;
    let moving = false;
    const settle = () => {
      const left = SCROLL_IDLE_MS - (performance.now() - lastEvent);
      if (left > 1) {
        idle = setTimeout(settle, left);
        return;
      }
      idle = undefined;
      moving = false;
      sync.current(false);
      setScrolling(false);
    };
    const onScroll = () => {
      lastEvent = performance.now();
      sync.current(true);
      if (!moving) {
        moving = true;
        setScrolling(true);
      }
      idle ??= setTimeout(settle, SCROLL_IDLE_MS);
    };
    el.addEventListener('scroll', onScroll, { passive: true });
    return () => {
      el.removeEventListener('scroll', onScroll);
      clearTimeout(idle);
    };
  }, [scroller]);
  return { range, scrolling, spaceHeight };
}

/**
 * Whether the rows around the view may ask for their thumbnails: once scrolling has stopped, not
 * until every cell in view has its sample and its image has loaded (or failed). `shown` changes
 * whenever what is in view may have; while scrolling the answer stays as it was.
 */
function useInViewFirst(slide: RefObject<HTMLDivElement | null>, scrolling: boolean, shown: string): boolean {
  const [ready, setReady] = useState(true);
  useEffect(() => {
    const el = slide.current;
    if (scrolling || !el) return;
    const cells = [...el.querySelectorAll<HTMLElement>('.sample-row[data-in-view] .sample-cell')];
    if (el.querySelector('.sample-row[data-in-view] .thumb-slot[data-pending]')) {
      setReady(false);
      return;
    }
    const pending = [...el.querySelectorAll<HTMLImageElement>('.sample-row[data-in-view] img')].filter((img) => !img.complete);
    if (cells.some((c) => c.getAttribute('aria-busy') === 'true') || pending.length > 0) setReady(false);
    if (cells.some((c) => c.getAttribute('aria-busy') === 'true')) return;
    if (pending.length === 0) {
      setReady(true);
      return;
    }
    let left = pending.length;
    const done = () => {
      left--;
      if (left === 0) setReady(true);
    };
    for (const img of pending) {
      img.addEventListener('load', done, { once: true });
      img.addEventListener('error', done, { once: true });
    }
    return () => {
      for (const img of pending) {
        img.removeEventListener('load', done);
        img.removeEventListener('error', done);
      }
    };
  }, [slide, scrolling, shown]);
  return ready;
}

export function SampleGrid(props: { projectId: string; datasetId: string; filter: SampleFilter; scanning: boolean }) {
  const { projectId, datasetId, filter } = props;
  // A state, not a ref: the scroller appears only once the first page is in, and its observers start then.
  const [scroller, setScroller] = useState<HTMLDivElement | null>(null);
  const slide = useRef<HTMLDivElement>(null);
  const box = useBox(scroller);
  const cols = Math.max(1, Math.floor((box.width - 2 * INSET + GAP) / (CELL_WIDTH + GAP)));
  // The first page also gives the count, and follows a scan while it adds samples.
  const head = useQuery({ ...pageQuery(projectId, datasetId, filter, 0), refetchInterval: props.scanning ? 1000 : false });
  const total = head.data?.sample_count ?? 0;
  const rows = Math.ceil(total / cols);
  const { range, scrolling, spaceHeight } = useRowWindow(scroller, slide, rows, box.height);
  const rowNumbers = Array.from({ length: Math.max(0, range.last - range.first + 1) }, (_, i) => range.first + i);
  const firstPage = Math.floor((range.first * cols) / GRID_PAGE);
  const lastPage = Math.floor(Math.max(0, Math.min(total, (range.last + 1) * cols) - 1) / GRID_PAGE);
  const pageNumbers = Array.from({ length: Math.max(0, lastPage - firstPage + 1) }, (_, i) => firstPage + i);
  // The pages of the rows in view are asked for first; a page only the rows around the view need
  // waits until the view's thumbnails have loaded, so it does not hold up the server (a deep page
  // takes a while) while the view's own page and thumbnails are being served.
  const viewFirstPage = Math.floor((range.viewFirst * cols) / GRID_PAGE);
  const viewLastPage = Math.floor(Math.max(0, Math.min(total, (range.viewLast + 1) * cols) - 1) / GRID_PAGE);
  const seen = (p: number) => p >= viewFirstPage && p <= viewLastPage;
  const viewList = pageNumbers.filter(seen);
  const aroundList = pageNumbers.filter((p) => !seen(p));
  const inView = useQueries({ queries: viewList.map((p) => ({ ...pageQuery(projectId, datasetId, filter, p), enabled: p > 0 && !scrolling })) });
  const viewReady = viewList.every((p, i) => (p === 0 ? head.data : inView[i]?.data) !== undefined);
  // The thumbnails come in sheets of a block of rows each: those of the blocks holding rows in view
  // once their pages are in, the others once the view's have loaded.
  useSheetUrlsFreed();
  const cellWidth = (box.width - 2 * INSET - (cols - 1) * GAP) / cols;
  /** A cell's image box: the cell's width less its 1px borders, THUMB_HEIGHT high. */
  const tile = { width: Math.max(16, Math.ceil(cellWidth - 2)), height: THUMB_HEIGHT };
  const blockRows = Math.max(1, Math.floor(SHEET_CELLS / cols));
  const firstBlock = Math.floor(range.first / blockRows);
  const blockNumbers = Array.from({ length: Math.max(0, Math.floor(range.last / blockRows) - firstBlock + 1) }, (_, i) => firstBlock + i);
  const viewBlocks = blockNumbers.filter((b) => (b + 1) * blockRows - 1 >= range.viewFirst && b * blockRows <= range.viewLast);
  const aroundBlocks = blockNumbers.filter((b) => !viewBlocks.includes(b));
  /** Blocks of rows rendered only to round the range to ROW_STEP are not asked for (a cached sheet still shows). */
  const nearView = (b: number) => (b + 1) * blockRows - 1 >= range.viewFirst - OVERSCAN && b * blockRows <= range.viewLast + OVERSCAN;
  const viewPageData = (p: number) => (p === 0 ? head.data : inView[viewList.indexOf(p)]?.data);
  /** The samples of a block's cells, from the pages `pageOf` has (undefined for a cell whose page is not in). */
  const blockSamples = (b: number, pageOf: (p: number) => SamplePage | undefined): Array<Sample | undefined> => {
    const from = b * blockRows * cols;
    const to = Math.min(total, (b + 1) * blockRows * cols);
    return Array.from({ length: Math.max(0, to - from) }, (_, k) => pageOf(Math.floor((from + k) / GRID_PAGE))?.samples?.[(from + k) % GRID_PAGE]);
  };
  /** A block of the view's edge, with rows out of view. */
  const edge = (b: number) => b * blockRows < range.viewFirst || Math.min(rows - 1, (b + 1) * blockRows - 1) > range.viewLast;
  // An edge block's sheet is first asked for with its rows in view only, so no preview out of view is
  // made before one in view; the whole block's follows with the blocks around.
  const inViewOnly = (b: number, samples: Array<Sample | undefined>) =>
    samples.map((s, k) => {
      const row = b * blockRows + Math.floor(k / cols);
      return row >= range.viewFirst && row <= range.viewLast ? s : undefined;
    });
  const viewSheets = useBlockSheets(
    projectId,
    datasetId,
    viewBlocks.map((block) => {
      const samples = blockSamples(block, viewPageData);
      return edge(block)
        ? { block, samples: inViewOnly(block, samples), whole: samples, enabled: !scrolling && viewReady }
        : { block, samples, enabled: !scrolling && viewReady };
    }),
    tile,
  );
  const aroundImages = useInViewFirst(
    slide,
    scrolling,
    `${range.viewFirst}:${range.viewLast}:${head.dataUpdatedAt}:${inView.map((p) => p.dataUpdatedAt).join()}:${[...viewSheets.values()].map((v) => `${v.updated}${v.failed ? 'x' : ''}`).join()}`,
  );
  const around = useQueries({
    queries: aroundList.map((p) => ({ ...pageQuery(projectId, datasetId, filter, p), enabled: p > 0 && !scrolling && viewReady && aroundImages })),
  });
  const pages = [...inView, ...around];
  const pageData = (p: number) => (p === 0 ? head.data : seen(p) ? inView[viewList.indexOf(p)]?.data : around[aroundList.indexOf(p)]?.data);
  const aroundSheets = useBlockSheets(
    projectId,
    datasetId,
    [...aroundBlocks, ...viewBlocks.filter(edge)].map((block) => ({
      block,
      samples: blockSamples(block, pageData),
      enabled: !scrolling && viewReady && aroundImages && nearView(block),
    })),
    tile,
  );
  /** A row's sheet; undefined while it is (or will be) asked for, null when its cells show their own previews. */
  const sheetOf = (row: number): PageSheet | null | undefined => {
    const block = Math.floor(row / blockRows);
    const cells = blockSamples(block, pageData).slice((row - block * blockRows) * cols, (row - block * blockRows + 1) * cols);
    const got = [viewSheets.get(block), aroundSheets.get(block)];
    const covering = got
      .map((g) => g?.sheet)
      .find((sheet): sheet is PageSheet => sheet !== undefined && cells.every((s) => !hasPreview(s) || sheet.ids.has(s?.sample_id ?? '')));
    if (covering) return covering;
    if (got.some((g) => g?.failed)) return null;
    return cells.some(hasPreview) ? undefined : null;
  };
  const failed = head.error ?? pages.find((p) => p.error)?.error;

  if (head.isPending) return <p className="muted">Loading samples…</p>;
  if (total === 0 && !failed) return <p className="notice">{props.scanning ? 'The input folder is being scanned…' : 'No samples match.'}</p>;
  return (
    <>
      <ErrorNote error={failed} />
      <p className="muted" aria-live="polite">
        {total.toLocaleString()} samples
      </p>
      <div ref={setScroller} className="sample-scroller" tabIndex={0} role="region" aria-label={`Sample grid, ${total} samples`}>
        <div style={{ height: spaceHeight }}>
          <div className="sample-layer" style={{ height: box.height }}>
            <div ref={slide} role="list" aria-label="Samples" className="sample-slide">
              {rowNumbers.map((row) => (
                <GridRow
                  key={row}
                  row={row}
                  cols={cols}
                  total={total}
                  top={(row - baseRow(range)) * ROW_HEIGHT}
                  inView={row >= range.viewFirst && row <= range.viewLast}
                  images={aroundImages || (row >= range.viewFirst && row <= range.viewLast)}
                  a={pageData(Math.floor((row * cols) / GRID_PAGE))}
                  b={pageData(Math.floor((row * cols + cols - 1) / GRID_PAGE))}
                  sheet={sheetOf(row)}
                />
              ))}
            </div>
          </div>
        </div>
      </div>
    </>
  );
}
