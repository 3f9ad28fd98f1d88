// Paging of the lists whose spec calls offset the "start page" (datasets, versions, samples, labels,
// import tasks): offset is a 0-based page index and a page skips offset x limit records. The bound
// is the project's one (request-bounds.ts); with the largest limit of these lists (100,000 labels)
// the product still fits a safe integer.
export { MAX_OFFSET as MAX_PAGE_OFFSET } from './request-bounds.ts';

/** Records a page skips. */
export const pageStart = (offset: number, limit: number): number => offset * limit;
