import type { HttpClient } from '../http-client.ts';

export const datasetsClient = (http: HttpClient) => ({ http });
