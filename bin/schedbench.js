#!/usr/bin/env node
// The `schedbench` command. In a checkout of the repository it runs the TypeScript sources through
// tsx, so an edit is live without a build; installed from the package (which ships no sources) it
// runs the compiled dist/, with no TypeScript loader. Both tsx hooks, as `node --import tsx`
// registers them: without the CommonJS one, a plugin outside an ES-module package (no "type":
// "module" above it) fails to load.
import { existsSync } from 'node:fs';

const sources = new URL('../src/cli/entry.ts', import.meta.url);
if (existsSync(sources)) {
  const { register: registerCjs } = await import('tsx/cjs/api');
  const { register } = await import('tsx/esm/api');
  registerCjs();
  register();
  await import(sources.href);
} else {
  await import('../dist/src/cli/entry.js');
}
