// The file piscina starts in each worker thread. It registers tsx's hooks in the thread and
// imports the TypeScript worker as an ES module. (`execArgv: ['--import', 'tsx']` would give the
// thread only tsx's require hook under Node 20: the sources would load as transformed CommonJS,
// whose getter-based imports made the schedule loop about 25% slower than on the main thread.)
// Both hooks, as bin/schedbench.js registers them: without the CommonJS one, a plugin outside an
// ES-module package (no "type": "module" above it) fails to load in the worker.
import { register as registerCjs } from 'tsx/cjs/api';
import { register } from 'tsx/esm/api';

register();
const worker = await import('./worker.ts');
// Only now, with schedbench's own modules loaded as ES modules: registered first, the CommonJS
// hook made the schedule loop about 20% slower in the worker.
registerCjs();

export default worker.default;
