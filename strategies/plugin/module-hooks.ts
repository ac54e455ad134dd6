import { register } from 'node:module';
import { extname } from 'node:path';

// What a thread needs before it imports a plugin file: `schedbench/plugin` (and `schedbench`)
// resolved to this very copy of schedbench, and a TypeScript loader for a .ts file.

/** Running from the TypeScript sources (under tsx), or from the compiled dist/? */
const FROM_SOURCES = import.meta.url.endsWith('.ts');
const EXT = FROM_SOURCES ? '.ts' : '.js';
const TYPESCRIPT = new Set(['.ts', '.mts', '.cts']);

/** Where this copy's plugin API and public API are: the plugin shares their classes and brands. */
const SELF: Readonly<Record<string, string>> = {
  'schedbench/plugin': new URL(`./index${EXT}`, import.meta.url).href,
  schedbench: new URL(`../../src/index${EXT}`, import.meta.url).href,
};

// An ES-module resolve hook, as a data: URL (no file to ship or find): a plugin anywhere on disk
// imports `schedbench/plugin` without a node_modules of its own, and never a second copy.
const HOOKS = `const SELF = ${JSON.stringify(SELF)};
export async function resolve(specifier, context, next) {
  return next(Object.hasOwn(SELF, specifier) ? SELF[specifier] : specifier, context);
}`;

let selfResolving = false;
let typescript: Promise<void> | undefined;

/** Make this thread ready to import `file` (a plugin or strategy file); idempotent. */
export async function preparePluginImport(file: string): Promise<void> {
  if (!selfResolving) {
    register(`data:text/javascript,${encodeURIComponent(HOOKS)}`);
    selfResolving = true;
  }
  // From the sources tsx is already loaded; from dist/ it is loaded only when a .ts plugin comes.
  if (!FROM_SOURCES && TYPESCRIPT.has(extname(file))) typescript ??= registerTsx();
  await typescript;
}

/** tsx's ES-module and CommonJS hooks, as `node --import tsx` registers them. */
async function registerTsx(): Promise<void> {
  const [esm, cjs] = await Promise.all([import('tsx/esm/api'), import('tsx/cjs/api')]);
  esm.register();
  cjs.register();
}
