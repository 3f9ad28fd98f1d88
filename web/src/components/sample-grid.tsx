// A dataset's samples as one scrolling grid of thumbnails, however many there are: only the rows in
// view (and a few around them) are in the page, and only the pages of 100 samples they show are
// fetched. While the grid scrolls no new page is asked for, so a fast scroll through a million
// samples costs no requests; pages already fetched still show at once.
import { useEffect, useRef, useState, type RefObject } from 'react';
import { useQueries, useQuery } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { api, unwrap } from '../api/client.ts';
import type { paths } from '../api/schema.ts';
import { ErrorNote } from './error-note.tsx';
import './sample-grid.css';

export const GRID_PAGE = 100;
const CELL_WIDTH = 160;
const GAP = 12;
const ROW_HEIGHT = 176;

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

/** How many cells of CELL_WIDTH fit across the element, kept up to date as it resizes. */
function useColumns(el: RefObject<HTMLDivElement | null>): number {
  const [cols, setCols] = useState(4);
  useEffect(() => {
    const node = el.current;
    if (!node) return;
    const measure = () => setCols(Math.max(1, Math.floor((node.clientWidth + GAP) / (CELL_WIDTH + GAP))));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(node);
    return () => observer.disconnect();
  }, [el]);
  return cols;
}

export function SampleGrid(props: { projectId: string; datasetId: string; filter: SampleFilter; scanning: boolean }) {
  const { projectId, datasetId, filter } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const cols = useColumns(scroller);
  // The first page also gives the count, and follows a scan while it adds samples.
  const head = useQuery({ ...pageQuery(projectId, datasetId, filter, 0), refetchInterval: props.scanning ? 1000 : false });
  const total = head.data?.sample_count ?? 0;
  const rows = Math.ceil(total / cols);
  const virtual = useVirtualizer({ count: rows, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 2 });
  const items = virtual.getVirtualItems();
  const firstPage = Math.floor(((items[0]?.index ?? 0) * cols) / GRID_PAGE);
  const lastPage = Math.floor(Math.max(0, Math.min(total, ((items.at(-1)?.index ?? 0) + 1) * cols) - 1) / GRID_PAGE);
  const pageNumbers = Array.from({ length: Math.max(0, lastPage - firstPage + 1) }, (_, i) => firstPage + i);
  const pages = useQueries({
    queries: pageNumbers.map((p) => ({ ...pageQuery(projectId, datasetId, filter, p), enabled: p > 0 && !virtual.isScrolling })),
  });
  const sampleAt = (i: number) => {
    const p = Math.floor(i / GRID_PAGE);
    const data = p === 0 ? head.data : pages[p - firstPage]?.data;
    return data?.samples?.[i % GRID_PAGE];
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
      <div ref={scroller} className="sample-scroller" tabIndex={0} role="region" aria-label={`Sample grid, ${total} samples`}>
        <div role="list" aria-label="Samples" style={{ height: virtual.getTotalSize(), position: 'relative' }}>
          {items.map((row) => (
            <div
              key={row.key}
              role="none"
              className="sample-row"
              style={{ transform: `translateY(${row.start}px)`, gridTemplateColumns: `repeat(${cols}, minmax(0, 1fr))` }}
            >
              {Array.from({ length: cols }, (_, c) => row.index * cols + c)
                .filter((i) => i < total)
                .map((i) => {
                  const s = sampleAt(i);
                  return (
                    <div role="listitem" key={i} className="sample-cell" aria-busy={s ? undefined : true}>
                      {s?.sample_type === 0 && s.source ? <img src={s.source} alt={s.sample_name ?? ''} decoding="async" /> : <div className="thumb-slot" />}
                      <div className="caption">
                        {s ? s.sample_name : '…'}
                        {s?.labels && s.labels.length > 0 ? <div className="muted">{s.labels.map((l) => l.name).join(', ')}</div> : null}
                      </div>
                    </div>
                  );
                })}
            </div>
          ))}
        </div>
      </div>
    </>
  );
}
