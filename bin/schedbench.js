#!/usr/bin/env node
// Runs the TypeScript sources through tsx, so plugins may be .ts files too. Both hooks, as
// `node --import tsx` registers them: without the CommonJS one, a plugin outside an ES-module
// package (no "type": "module" above it) fails to load.
import { register as registerCjs } from 'tsx/cjs/api';
import { register } from 'tsx/esm/api';

registerCjs();
register();
// Plugin code runs in this thread when it is loaded: it may not exit the process or crash it.
const { installProcessGuard } = await import('../src/common/process-guard.ts');
installProcessGuard();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
