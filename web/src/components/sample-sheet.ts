// The thumbnails of a page of samples as one image (GetSampleSheet): one request and one decode for
// up to 100 cells, where single previews cost one each and browsers load only 6 at a time from one
// host. A cell shows its tile of the sheet; a sample the sheet left blank (or a sheet that failed)
// falls back to the sample's own preview URL.
import { useEffect } from 'react';
import { useQueries, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client.ts';
import type { operations } from '../api/schema.ts';

type SamplePage = operations['ListSamples']['responses'][200]['content']['application/json'];
type Sample = NonNullable<SamplePage['samples']>[number];

/** The sheet's tiles are cut at most this many pixels a side (the server's bound). */
const MAX_TILE_PIXELS = 320;

export interface PageSheet {
  /** An object URL of the decoded sheet. */
  url: string;
  columns: number;
  /** The tile of each sample id that has one; the tile's size in CSS pixels; the sheet's rows. */
  tiles: Map<string, number>;
  width: number;
  height: number;
  rows: number;
}

/** Samples shown as images: those a preview is made for. */
export const hasPreview = (s: Sample | undefined): boolean => s?.sample_type === 0 && Boolean(s.source);

function sheetQuery(projectId: string, datasetId: string, page: SamplePage | undefined, width: number, height: number, enabled: boolean) {
  const ids = (page?.samples ?? []).filter(hasPreview).map((s) => s.sample_id ?? '');
  const scale = Math.min(window.devicePixelRatio || 1, MAX_TILE_PIXELS / width, MAX_TILE_PIXELS / height);
  return {
    queryKey: ['sample-sheet', projectId, datasetId, ids.join(','), width, height, scale],
    enabled: enabled && ids.length > 0,
    // A sheet changes with its ids (in the key); an object replaced under the same ids shows when the
    // query is asked again after it was dropped, as a preview URL does when the browser asks again.
    staleTime: Infinity,
    retry: false,
    queryFn: async (): Promise<PageSheet> => {
      const { response, data } = await api.GET('/v2/{project_id}/datasets/{dataset_id}/data-annotations/sample-sheet', {
        params: {
          path: { project_id: projectId, dataset_id: datasetId },
          query: { sample_ids: ids.join(','), tile_width: Math.round(width * scale), tile_height: Math.round(height * scale) },
        },
        parseAs: 'blob',
      });
      if (!response.ok || !(data instanceof Blob)) throw new Error(`sample sheet: HTTP ${response.status}`);
      const missing = new Set((response.headers.get('x-atelier-sheet-missing') ?? '').split(',').filter(Boolean).map(Number));
      const columns = Number(response.headers.get('x-atelier-sheet-columns'));
      const url = URL.createObjectURL(data);
      // Decoded before any cell shows it, off the main thread.
      const img = new Image();
      img.src = url;
      try {
        await img.decode();
      } catch (e) {
        URL.revokeObjectURL(url);
        throw e;
      }
      const tiles = new Map(ids.flatMap((id, i) => (missing.has(i) ? [] : [[id, i] as const])));
      return { url, columns, tiles, width, height, rows: Math.ceil(ids.length / columns) };
    },
  };
}

/** Frees a sheet's object URL when its query is dropped (no cell shows it then). */
export function useSheetUrlsFreed(): void {
  const client = useQueryClient();
  useEffect(
    () =>
      client.getQueryCache().subscribe((e) => {
        if (e.type !== 'removed' || e.query.queryKey[0] !== 'sample-sheet') return;
        const sheet = e.query.state.data as PageSheet | undefined;
        if (sheet) URL.revokeObjectURL(sheet.url);
      }),
    [client],
  );
}

export interface SheetState {
  sheet: PageSheet | undefined;
  failed: boolean;
  updated: number;
}

/** The sheets of `pages` (by page number), asked for once `enabled`. */
export function usePageSheets(
  projectId: string,
  datasetId: string,
  pages: Array<{ page: number; data: SamplePage | undefined }>,
  tile: { width: number; height: number },
  enabled: boolean,
): Map<number, SheetState> {
  const results = useQueries({ queries: pages.map((p) => sheetQuery(projectId, datasetId, p.data, tile.width, tile.height, enabled && p.data !== undefined)) });
  return new Map(pages.map((p, i) => [p.page, { sheet: results[i]?.data, failed: results[i]?.isError ?? false, updated: results[i]?.dataUpdatedAt ?? 0 }]));
}

/** The style that shows tile `i` of a sheet in a box of the tile's size. */
export function tileStyle(sheet: PageSheet, i: number): { backgroundImage: string; backgroundSize: string; backgroundPosition: string } {
  const col = i % sheet.columns;
  const row = Math.floor(i / sheet.columns);
  return {
    backgroundImage: `url(${sheet.url})`,
    backgroundSize: `${sheet.columns * sheet.width}px ${sheet.rows * sheet.height}px`,
    backgroundPosition: `${-col * sheet.width}px ${-row * sheet.height}px`,
  };
}
