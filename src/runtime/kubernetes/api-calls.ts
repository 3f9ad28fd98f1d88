// Idempotent calls on the API server: a retry, or a second replica, makes nothing twice and removes nothing twice.
import { isApiException } from './k8s.ts';

export const isCode = (e: unknown, code: number) => isApiException(e) && e.code === code;

/** Creates, or keeps the object that already exists (409). */
export async function createOrKeep(create: () => Promise<unknown>): Promise<'created' | 'existed'> {
  try {
    await create();
    return 'created';
  } catch (e) {
    if (isCode(e, 409)) return 'existed';
    throw e;
  }
}

/** Deletes; false when the object was already gone (404). */
export async function deleteIfThere(del: () => Promise<unknown>): Promise<boolean> {
  try {
    await del();
    return true;
  } catch (e) {
    if (isCode(e, 404)) return false;
    throw e;
  }
}
