#!/usr/bin/env node
// The CLI from the TypeScript sources, through tsx (the repository's entry: tests, README, demo).
// The installed package runs the compiled dist/src/cli/entry.js instead, without tsx. Both hooks,
// as `node --import tsx` registers them: without the CommonJS one, a plugin outside an ES-module
// package (no "type": "module" above it) fails to load.
import { register as registerCjs } from 'tsx/cjs/api';
import { register } from 'tsx/esm/api';

registerCjs();
register();
await import('../src/cli/entry.ts');
