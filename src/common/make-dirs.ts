import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * `mkdir -p` made of single mkdir calls. Node's own `mkdirSync(dir, { recursive: true })` spins
 * forever in C++ (at 100% CPU, deaf to SIGTERM) where mkdir fails with ENOENT under a folder that
 * exists, as everywhere under /proc: it retries the parent, meets EEXIST and starts over. Here each
 * missing folder is made once, from the top, and the first failure is thrown as it is.
 */
export function makeDirs(dir: string): void {
  const missing: string[] = [];
  for (let p = resolve(dir); !existsSync(p); p = dirname(p)) {
    missing.push(p);
    if (dirname(p) === p) break;
  }
  for (const p of missing.reverse()) {
    try {
      mkdirSync(p);
    } catch (err) {
      // Made meanwhile by someone else: fine if it is a folder.
      if ((err as NodeJS.ErrnoException).code === 'EEXIST' && isDirectory(p)) continue;
      throw err;
    }
  }
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
