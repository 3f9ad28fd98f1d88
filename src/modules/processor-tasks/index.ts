// The processor-tasks family's public face: nothing other families use yet; the client reads the wire schemas.
export type { ProcessorService } from './service.ts';
