// Workarounds for V8 behaviour that slowed the server down, each in its own file with the measurements
// that called for it. Every entry point imports this first (main.ts, app.ts for the tests, the bench
// servers), so they act before the rest of the module graph loads.
import './tick-shapes.ts';
import './no-pretenuring.ts';
