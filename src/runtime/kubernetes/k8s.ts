// The Kubernetes client (@kubernetes/client-node) holds about 80 MB of a server's memory once loaded, and only the
// kubernetes executor uses it: registerModules loads it first on that executor (the kube tests' helper does too), and
// the executor's files take its classes from k8s() when they run. Its types are imported as types, which load nothing.
import type * as Client from '@kubernetes/client-node';

let client: typeof Client | undefined;

/** Loads the client once; later calls answer at once. */
export async function loadK8s(): Promise<typeof Client> {
  client ??= await import('@kubernetes/client-node');
  return client;
}

/** The loaded client: only code of the kubernetes executor calls it, which runs after loadK8s(). */
export function k8s(): typeof Client {
  if (!client) throw new Error('the Kubernetes client is not loaded (loadK8s() comes first on the kubernetes executor)');
  return client;
}

/** Whether `err` is the client's ApiException (never, when the client was not loaded: nothing could have thrown one). */
export function isApiException(err: unknown): err is Client.ApiException<unknown> {
  return client !== undefined && err instanceof client.ApiException;
}
