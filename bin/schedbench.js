#!/usr/bin/env node
// Runs the TypeScript sources through tsx, so plugins may be .ts files too. Both hooks, as
// `node --import tsx` registers them: without the CommonJS one, a plugin outside an ES-module
// package (no "type": "module" above it) fails to load.
import { register as registerCjs } from 'tsx/cjs/api';
import { register } from 'tsx/esm/api';

registerCjs();
register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
