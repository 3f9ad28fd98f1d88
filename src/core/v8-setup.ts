// The V8 workarounds every entry point imports first (main.ts, app.ts for the tests, the bench
// servers), so they act before the rest of the module graph loads.
import './tick-shapes.ts';
import './no-pretenuring.ts';
