// A container image reference as a registry takes it: [registry[:port]/]path[:tag][@sha256:digest], with lower-case
// path components as the distribution spec allows. Every API that takes an image a cluster pulls checks it here.

const REFERENCE =
  /^(?:[a-zA-Z0-9.-]+(?::\d{1,5})?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

export const MAX_CONTAINER_REFERENCE = 255;

/** What a valid reference looks like, for error messages. */
export const CONTAINER_REFERENCE_FORM = `registry/organization/name:tag or @sha256:digest, at most ${MAX_CONTAINER_REFERENCE} characters`;

/** Whether `ref` is a container image reference (the registry host may not hold ".." either). */
export function isContainerReference(ref: string): boolean {
  return ref.length <= MAX_CONTAINER_REFERENCE && !ref.includes('..') && REFERENCE.test(ref);
}
