import { findNodeAtLocation, type Node, parseTree } from 'jsonc-parser';

/** What readStructuredFile needs of a file read as JSON (structured-file.ts adds the path). */
export interface PlainJson {
  readonly value: unknown;
  lineOf(path: readonly PropertyKey[]): number | undefined;
  sourceOf(path: readonly PropertyKey[]): string | undefined;
}

const BACKSLASH = 0x5c;

/**
 * `text` read as plain JSON, or undefined when it is not (then the YAML parser reads it, and
 * reports what is wrong with the line). Also undefined for JSON the YAML reading refuses or may read
 * otherwise: a key given twice in one object (JSON.parse keeps the last, YAML refuses the file) and
 * a `__proto__` key. Positions come from a jsonc-parser tree made on the first lineOf or sourceOf,
 * and answer as the YAML reading does: the line of a value's first character (a missing key: of
 * the deepest value on the path that exists), a number's or a literal's text as written, a
 * string's value.
 */
export function readPlainJson(text: string): PlainJson | undefined {
  // A BOM is no JSON; it sits on line 1 and moves no line.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const first = body.trimStart().charCodeAt(0);
  if (first !== 0x7b && first !== 0x5b) return undefined; // `{` or `[`: else no JSON document worth a try
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (body.includes('"__proto__"') || keyOccurrences(body) !== distinctKeys(value)) return undefined;
  let tree: Node | undefined;
  let lineStarts: number[] | undefined;
  const nodeAt = (path: readonly PropertyKey[]): [Node | undefined, boolean] => {
    tree ??= parseTree(body, undefined, { disallowComments: true, allowTrailingComma: false });
    let node = tree;
    for (let i = 0; i < path.length && node; i++) {
      const child = findNodeAtLocation(node, [path[i] as string | number]);
      if (!child) return [node, false];
      node = child;
    }
    return [node, node !== undefined];
  };
  const lineAt = (offset: number): number => {
    lineStarts ??= newlineOffsets(body);
    // Lines before the offset: the last newline below it, by binary search.
    let lo = 0;
    let hi = lineStarts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (lineStarts[mid] < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  };
  return {
    value,
    lineOf(path) {
      const [node] = nodeAt(path);
      return node ? lineAt(node.offset) : undefined;
    },
    sourceOf(path) {
      const [node, found] = nodeAt(path);
      if (!found || !node) return undefined;
      if (node.type === 'string') return node.value as string;
      if (node.type === 'number' || node.type === 'boolean' || node.type === 'null')
        return body.slice(node.offset, node.offset + node.length);
      return undefined;
    },
  };
}

/** Offsets of every line feed. */
function newlineOffsets(s: string): number[] {
  const out: number[] = [];
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) out.push(i);
  return out;
}

/**
 * Keys written in valid JSON text: every key is followed by one colon, and no colon stands outside
 * a string otherwise.
 */
function keyOccurrences(s: string): number {
  let keys = 0;
  let colon = s.indexOf(':');
  let at = 0;
  while (colon >= 0) {
    const quote = s.indexOf('"', at);
    const stop = quote < 0 ? s.length : quote;
    while (colon >= 0 && colon < stop) {
      keys++;
      colon = s.indexOf(':', colon + 1);
    }
    if (quote < 0) break;
    // The string's closing quote: the first one after an even run of backslashes.
    let end = s.indexOf('"', quote + 1);
    for (;;) {
      let b = end - 1;
      while (s.charCodeAt(b) === BACKSLASH) b--;
      if ((end - 1 - b) % 2 === 0) break;
      end = s.indexOf('"', end + 1);
    }
    at = end + 1;
    if (colon >= 0 && colon < at) colon = s.indexOf(':', at);
  }
  return keys;
}

/** Own keys of every object in a parsed JSON value (iterative: deep nesting cannot overflow). */
function distinctKeys(value: unknown): number {
  let keys = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      for (const x of v) if (x !== null && typeof x === 'object') stack.push(x);
      continue;
    }
    for (const k in v) {
      keys++;
      const x = (v as Record<string, unknown>)[k];
      if (x !== null && typeof x === 'object') stack.push(x);
    }
  }
  return keys;
}
