// The file piscina starts in each worker thread. Installed, the package's compiled worker.js sits
// beside this file and is imported as it is: no TypeScript loader (a .ts plugin brings tsx in when
// it is loaded). From the sources, it registers tsx's hooks in the thread and imports worker.ts as
// an ES module. (`execArgv: ['--import', 'tsx']` would give the thread only tsx's require hook
// under Node 20: the sources would load as transformed CommonJS, whose getter-based imports made
// the schedule loop about 25% slower than on the main thread.) Both hooks, as bin/schedbench.js
// registers them: without the CommonJS one, a plugin outside an ES-module package (no "type":
// "module" above it) fails to load in the worker.
import { existsSync } from 'node:fs';

const compiled = new URL('./worker.js', import.meta.url);
let worker;
if (existsSync(compiled)) {
  worker = await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  worker = await import('./worker.ts');
  // Only now, with schedbench's own modules loaded as ES modules: registered first, the CommonJS
  // hook made the schedule loop about 20% slower in the worker.
  const cjs = await import('tsx/cjs/api');
  cjs.register();
}

export default worker.default;
