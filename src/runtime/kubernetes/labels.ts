// The labels that tie a Kubernetes object to the Atelier resource it runs: reconciliation finds every object of a
// resource by them, and orphans by their absence from the database.
export const LABEL_KIND = 'atelier.io/resource-kind';
export const LABEL_ID = 'atelier.io/resource-id';
export const LABEL_PROJECT = 'atelier.io/project-id';
export const LABEL_MANAGED = 'app.kubernetes.io/managed-by';
export const MANAGER = 'atelier';

export type ResourceKind = 'training-job' | 'service' | 'notebook' | 'task';

/** A label value: at most 63 characters, alphanumerics with - _ . inside. */
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export function resourceLabels(kind: ResourceKind, id: string, projectId: string): Record<string, string> {
  for (const [what, v] of [
    ['resource id', id],
    ['project id', projectId],
  ] as const) {
    if (v.length > 63 || !LABEL_VALUE.test(v)) throw new Error(`the ${what} ${JSON.stringify(v)} cannot be a Kubernetes label value`);
  }
  return { [LABEL_MANAGED]: MANAGER, [LABEL_KIND]: kind, [LABEL_ID]: id, [LABEL_PROJECT]: projectId };
}

/** The label selector of every object Atelier manages for one kind of resource. */
export const kindSelector = (kind: ResourceKind) => `${LABEL_MANAGED}=${MANAGER},${LABEL_KIND}=${kind}`;

/** The label selector of every object of one resource. */
export const resourceSelector = (kind: ResourceKind, id: string) => `${kindSelector(kind)},${LABEL_ID}=${id}`;
