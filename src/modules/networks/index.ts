// The networks family's public face: the service pools will attach to (and ask before a delete).
export type { NetworkService } from './service.ts';
export { Network } from './schemas.ts';
export { matches, parseLabelSelector } from './label-selector.ts';
