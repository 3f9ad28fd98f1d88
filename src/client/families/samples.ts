import type { HttpClient } from '../http-client.ts';

export const samplesClient = (http: HttpClient) => ({ http });
