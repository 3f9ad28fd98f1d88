// Imported for its effect, first thing in every entry point (see src/v8-workarounds/index.ts),
// before any allocation-site feedback exists.
//
// V8 watches object and array literals: when nearly all objects from one literal survive a minor
// collection, later ones are allocated straight into the old generation ("pretenured"). Start-up
// builds many lasting objects, and now and then a literal that request handling also uses gets
// marked this way. Its per-request objects then die in the old generation, and until the next full
// collection the minor collector takes every young object they point at as alive, promotes it, and
// so on down each request's objects. Measured in about one fresh server in five: old space grew by
// some 5 KB per request (40 to 178 MB between full collections), minor collections took 7-10 ms
// instead of under 1 ms, V8's helper threads marked full time, and throughput halved. With this
// feedback off, none of 22 measured servers did so (test/v8-workarounds/no-pretenuring.test.ts
// checks the flag takes effect).
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--no-allocation-site-pretenuring');
