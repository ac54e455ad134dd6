// Where the real traces are: ../shared/traces beside the clone (CI, /work/main), or two levels up
// from a worktree (/work/wt/<name>). A test that needs them fails, naming both places, when neither exists.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

export function sharedTraces(sub: string): string {
  const candidates = [join(ROOT, '../shared/traces', sub), join(ROOT, '../../shared/traces', sub)];
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new Error(`real traces not found: expected ${candidates.join(' or ')}`);
  return found;
}

export const FIXTURES = join(ROOT, 'test/fixtures');
