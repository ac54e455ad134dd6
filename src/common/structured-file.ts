import { readFileSync } from 'node:fs';
import { isNode, isScalar, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { InputError } from './errors.ts';

/** A parsed JSON or YAML file that can say on which line a value stands. */
export interface StructuredFile {
  readonly path: string;
  readonly value: unknown;
  lineOf(path: readonly PropertyKey[]): number | undefined;
  /** The source text of the scalar at `path` (`2.0` for a float written so), if the file has one. */
  sourceOf(path: readonly PropertyKey[]): string | undefined;
}

/** Read a JSON or YAML file (YAML 1.2 is a superset of JSON, so one parser serves both). */
export function readStructuredFile(path: string): StructuredFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new InputError(path, undefined, undefined, describeFsError(err));
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const line = lineCounter.linePos(e.pos[0]).line;
    throw new InputError(path, line, undefined, `not valid JSON or YAML: ${e.message.split('\n')[0]}`);
  }
  // The deepest node on the path that exists, and whether the whole path was found.
  const walk = (p: readonly PropertyKey[]): [unknown, boolean] => {
    let node: unknown = doc.contents;
    for (const key of p) {
      const child =
        isNode(node) && 'get' in node
          ? (node as { get(k: unknown, keep: true): unknown }).get(key, true)
          : undefined;
      if (!isNode(child)) return [node, false];
      node = child;
    }
    return [node, true];
  };
  return {
    path,
    value: doc.toJS({ maxAliasCount: 1000 }),
    lineOf(p) {
      // A missing key points at its parent.
      const [node] = walk(p);
      const range = isNode(node) ? node.range : undefined;
      return range ? lineCounter.linePos(range[0]).line : undefined;
    },
    sourceOf(p) {
      const [node, found] = walk(p);
      return found && isScalar(node) && typeof node.source === 'string' ? node.source : undefined;
    },
  };
}

/** Validate a structured file with a zod schema; the first problem becomes a one-line InputError. */
export function parseStructured<S extends z.ZodType>(file: StructuredFile, schema: S): z.output<S> {
  const result = schema.safeParse(file.value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new InputError(file.path, file.lineOf(issue.path), formatPath(issue.path), issue.message);
}

/** `hosts[3].vcpus` from a zod path. */
export function formatPath(path: readonly PropertyKey[]): string | undefined {
  if (path.length === 0) return undefined;
  let out = '';
  for (const key of path) {
    out += typeof key === 'number' ? `[${key}]` : out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

export function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a directory, expected a file';
  if (code === 'EACCES') return 'permission denied';
  return (err as Error).message;
}
