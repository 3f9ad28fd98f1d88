// Signed object URLs: what other families use to put fetchable URLs on the wire (sample sources,
// previews). A folder of its own rather than part of http/ (transport only) or storage/ (the object
// store port): it has a route, a service other families call, a signing key and a thumbnail cache,
// as a family does. The wiring builds it from module.ts.
export type { ObjectUrls, UrlOrigin } from './object-urls.ts';
export { PREVIEW_PROCESS, parseImageProcess } from './image-process.ts';
export { requestOrigin } from './request-origin.ts';
export { objectUrlErrors } from './errors.ts';
export type { Sheet, TileSize } from './sheets.ts';
export { MAX_SHEET_TILES, MAX_TILE_SIDE, SHEET_COLUMNS } from './sheets.ts';
