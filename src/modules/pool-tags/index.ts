// The pool-tags family's public face: the tag schemas.
export { PoolTag } from './schemas.ts';
