import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder of schedbench's package.json: the repository when run from the sources, the installed
 * package when run from its compiled dist/ (one level deeper), found by walking up from here.
 */
function findPackageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, 'package.json');
    if (
      existsSync(file) &&
      (JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown }).name === 'schedbench'
    )
      return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json of schedbench above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

export const PACKAGE_ROOT = findPackageRoot();

/** A file or folder shipped with the package (README.md, docs/, traces/), by its path in it. */
export function packagePath(relative: string): string {
  return join(PACKAGE_ROOT, relative);
}
