// `npm run build` (run by prepare, so by npm ci, npm pack and npm publish): the package's
// JavaScript and .d.ts in dist/, from src/ and strategies/ (tsconfig.build.json). Two steps tsc
// does not do: the .d.ts files keep the sources' `.ts` import specifiers, which a consumer's
// tsconfig without allowImportingTsExtensions refuses (TS5097), so they are rewritten to `.js`;
// and the plain .mjs worker files are copied beside the compiled modules.
import { execFileSync } from 'node:child_process';
import { copyFileSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });

const files = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
  );
// `from './x.ts'`, `import('./x.ts')`: relative specifiers only (packages keep theirs).
const TS_SPECIFIER = /(from\s+|import\()(['"])(\.{1,2}\/[^'"]*?)\.(m?)ts\2/g;
let rewritten = 0;
for (const file of files(dist)) {
  if (!file.endsWith('.d.ts')) continue;
  const text = readFileSync(file, 'utf8');
  const out = text.replace(TS_SPECIFIER, (_, head, q, path, m) => `${head}${q}${path}.${m}js${q}`);
  if (out !== text) {
    writeFileSync(file, out);
    rewritten++;
  }
}
let copied = 0;
for (const top of ['src', 'strategies']) {
  for (const file of files(join(root, top))) {
    if (!file.endsWith('.mjs')) continue;
    copyFileSync(file, join(dist, relative(root, file)));
    copied++;
  }
}
console.log(`build: dist/ (${rewritten} .d.ts specifier files rewritten, ${copied} .mjs copied)`);
