#!/usr/bin/env node
// The `schedbench` command. Installed, this runs as compiled JavaScript (dist/src/cli/entry.js);
// in the repository bin/schedbench.js runs it from the sources through tsx.
import { installProcessGuard } from '../common/process-guard.ts';
import { main } from './main.ts';

// Plugin code runs in this thread when it is loaded: it may not exit the process or crash it.
installProcessGuard();
process.exitCode = await main(process.argv.slice(2));
