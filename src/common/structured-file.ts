import {
  type Document,
  isAlias,
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
} from 'yaml';
import type { z } from 'zod';
import { InputError } from './errors.ts';
import { MAX_YAML_ALIASES } from './limits.ts';
import { readPlainJson } from './plain-json.ts';
import { readWholeFile } from './read-whole-file.ts';

export { describeFsError } from './read-whole-file.ts';

/** A parsed JSON or YAML file that can say on which line a value stands. */
export interface StructuredFile {
  readonly path: string;
  readonly value: unknown;
  lineOf(path: readonly PropertyKey[]): number | undefined;
  /** The source text of the scalar at `path` (`2.0` for a float written so), if the file has one. */
  sourceOf(path: readonly PropertyKey[]): string | undefined;
}

/**
 * Read a JSON or YAML file. Text that is plain JSON is read with JSON.parse (a 20,000-host cluster
 * takes 50 ms there against 4 s through the YAML parser); the positions a message or a caller asks
 * for (lineOf, sourceOf) then come from a jsonc-parser tree built on the first such call. Anything
 * else, and JSON that YAML refuses (a key given twice), goes through the YAML parser (YAML 1.2 is a
 * superset of JSON). The file must be a regular file of at most 256 MiB (readWholeFile); YAML merge
 * keys (`<<`) and alias bombs are refused naming the file, line and key.
 */
export function readStructuredFile(path: string): StructuredFile {
  const text = readWholeFile(path);
  const json = readPlainJson(text);
  return json ? { path, ...json } : readYaml(path, text);
}

/** The YAML reading of `text` (every file that is not plain JSON; exported to compare the two). */
export function readYaml(path: string, text: string): StructuredFile {
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
  const lineOfNode = (node: unknown) => {
    const range = isNode(node) ? node.range : undefined;
    return range ? lineCounter.linePos(range[0]).line : undefined;
  };
  // Only a plain `<<` is a merge key (YAML 1.1); a quoted "<<" is an ordinary key.
  const merge = findNode(doc, (n) => isScalar(n) && n.type === 'PLAIN' && n.value === '<<', true);
  if (merge) {
    throw new InputError(
      path,
      lineOfNode(merge.node),
      formatPath([...merge.path, '<<']),
      'YAML merge keys (<<) are not supported: write the keys out',
    );
  }
  // A mapping or list as a key (`{ a: 1 }: 2`, or JSON with a quote lost) would become the string
  // "[object Object]", with a warning on stderr: refused instead.
  const complexKey = findNode(doc, (n) => isMap(n) || isSeq(n), true);
  if (complexKey) {
    throw new InputError(
      path,
      lineOfNode(complexKey.node),
      complexKey.path.length > 0 ? formatPath(complexKey.path) : undefined,
      'a mapping or a list as a key is not supported: keys are names',
    );
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (err) {
    // An alias bomb or an alias to an anchor not yet set: name the first alias in the file.
    const alias = findNode(doc, isAlias, false);
    const message = String((err as Error)?.message ?? err).split('\n')[0];
    const reason = /excessive alias count/i.test(message)
      ? `too many YAML alias expansions (more than ${MAX_YAML_ALIASES})`
      : alias
        ? `bad YAML alias: ${message}`
        : `not valid JSON or YAML: ${message}`;
    throw new InputError(path, lineOfNode(alias?.node), alias ? formatPath(alias.path) : undefined, reason);
  }
  return {
    path,
    value,
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

/**
 * The first node (in document order) that `test` accepts, with the key path to it; with `keys`,
 * only mapping keys are tested. Iterative, so a deeply nested file cannot overflow the stack; the
 * path is rebuilt from parent links only for the node found, so a large report costs no copies.
 */
function findNode(
  doc: Document,
  test: (node: unknown) => boolean,
  keys: boolean,
): { node: unknown; path: PropertyKey[] } | undefined {
  interface Entry {
    readonly node: unknown;
    readonly parent: Entry | undefined;
    readonly key: PropertyKey | undefined;
  }
  const pathOf = (e: Entry): PropertyKey[] => {
    const path: PropertyKey[] = [];
    for (let at: Entry | undefined = e; at?.parent; at = at.parent) path.push(at.key!);
    return path.reverse();
  };
  const stack: Entry[] = [{ node: doc.contents, parent: undefined, key: undefined }];
  while (stack.length > 0) {
    const e = stack.pop()!;
    const { node } = e;
    if (!keys && test(node)) return { node, path: pathOf(e) };
    const children: Entry[] = [];
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        if (keys && test(pair.key)) return { node: pair.key, path: pathOf(e) };
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        children.push({ node: pair.value, parent: e, key: typeof key === 'number' ? key : String(key) });
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        children.push({ node: item, parent: e, key: i });
      });
    }
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  }
  return undefined;
}
