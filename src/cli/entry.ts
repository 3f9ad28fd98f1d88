// The entry point of every command but `serve`: bin/atelier.mjs runs it from the compiled bundle
// (dist/cli/entry.js) when that is up to date, else from here through tsx.
import { exitOnError, runCli } from './program.ts';

runCli(process.argv.slice(2)).catch(exitOnError);
