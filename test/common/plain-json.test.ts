import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/common/errors.ts';
import { readPlainJson } from '../../src/common/plain-json.ts';
import { readStructuredFile, readYaml } from '../../src/common/structured-file.ts';

const ROOT = join(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'schedbench-plain-json-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every path in a parsed value, parents before children (keys of objects, indices of arrays). */
function paths(value: unknown, at: (string | number)[] = [], out: (string | number)[][] = []) {
  out.push(at);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) paths(value[i], [...at, i], out);
  } else if (value !== null && typeof value === 'object')
    for (const [k, x] of Object.entries(value)) paths(x, [...at, k], out);
  return out;
}

/** The JSON reading answers exactly as the YAML reading of the same text: value, lines, sources. */
function expectSameAsYaml(text: string, label: string) {
  const json = readPlainJson(text);
  expect(json, `${label} is read as plain JSON`).toBeDefined();
  const yaml = readYaml(label, text);
  expect(json!.value).toStrictEqual(yaml.value);
  // Every path of a small file; of a large one (reports), an even sample of about 300.
  const all = paths(yaml.value);
  const stride = Math.max(1, Math.floor(all.length / 300));
  for (let i = 0; i < all.length; i += stride) {
    const p = all[i];
    expect(json!.lineOf(p), `${label} lineOf ${p.join('.')}`).toBe(yaml.lineOf(p));
    expect(json!.sourceOf(p), `${label} sourceOf ${p.join('.')}`).toBe(yaml.sourceOf(p));
    // A key that is not there points at the deepest value that is.
    const missing = [...p, 'no-such-key'];
    expect(json!.lineOf(missing), `${label} lineOf ${missing.join('.')}`).toBe(yaml.lineOf(missing));
    expect(json!.sourceOf(missing)).toBe(yaml.sourceOf(missing));
  }
}

describe('plain JSON read without the YAML parser', () => {
  it('answers as the YAML reading for every JSON file in the repository', () => {
    const files = execFileSync('git', ['ls-files', '*.json'], { cwd: ROOT, encoding: 'utf8' })
      .split('\n')
      .filter((f) => f !== '' && !f.endsWith('package-lock.json'));
    expect(files.length).toBeGreaterThan(50);
    // Every small file, and a few of the many large reports (the YAML reading of each takes long).
    const texts = files.map((f) => ({ f, text: readFileSync(join(ROOT, f), 'utf8') }));
    const large = texts.filter((t) => t.text.length > 40_000);
    const chosen = [...texts.filter((t) => t.text.length <= 40_000), ...large.slice(0, 4)];
    let checked = 0;
    for (const { f, text } of chosen) {
      if (readPlainJson(text) === undefined) continue; // e.g. a fixture that is deliberately broken
      expectSameAsYaml(text, f);
      checked++;
    }
    expect(checked).toBeGreaterThan(30);
  });

  it('answers as the YAML reading for numbers, literals, escapes and layout', () => {
    const text = [
      '\ufeff{',
      '  "a": "x\\u0041y: \\"quoted\\" \\\\", "b": 2.0, "c": true,',
      '  "d": null, "e": -0, "f": 1E3, "g": [1, 2.5e-3, [], {}],',
      '\t"h": 12345678901234567890, "i": {"j": {"k": [{"l": "m"}]}},',
      '  "colon:key": ":", "": 0, "esc\\"aped": "\\\\"',
      '}',
      '',
    ].join('\r\n');
    expectSameAsYaml(text, 'literals.json');
    expect(readPlainJson(text)!.sourceOf(['b'])).toBe('2.0');
    expect(readPlainJson(text)!.lineOf(['i', 'j', 'k', 0, 'l'])).toBe(4);
  });

  it('leaves to the YAML reading what JSON.parse would read otherwise', () => {
    // JSON.parse keeps the last of two equal keys; the YAML reading refuses the file.
    const twice = '{"hosts": [{"name": "a", "vcpus": 1,\n "vcpus": 2}]}';
    expect(readPlainJson(twice)).toBeUndefined();
    expect(readPlainJson('{"a": {"x": 1}, "b": {"x": 1, "\\u0078": 2}}')).toBeUndefined();
    expect(readPlainJson('{"__proto__": {"a": 1}}')).toBeUndefined();
    // Not JSON at all: YAML, or JSON with a syntax error the YAML parser reports with its line.
    expect(readPlainJson('hosts: []')).toBeUndefined();
    expect(readPlainJson('{"a": 1,}')).toBeUndefined();
    // Equal keys in different objects, and colons inside strings, are no duplicates.
    expect(readPlainJson('{"a": {"x": "1:2"}, "b": {"x": "\\":"}, "x": [{"x": 0}]}')).toBeDefined();
  });

  it('gives the YAML errors with their lines for a key given twice or a syntax error', () => {
    const twice = join(dir, 'twice.json');
    writeFileSync(twice, '{\n "hosts": [\n  {"name": "a",\n   "name": "b"}\n ]\n}\n');
    expect(() => readStructuredFile(twice)).toThrow(InputError);
    expect(() => readStructuredFile(twice)).toThrow(/twice\.json:4: .*unique/i);
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{\n "a": 1,\n "b": [1, 2\n}\n');
    expect(() => readStructuredFile(broken)).toThrow(/broken\.json:\d+: not valid JSON or YAML/);
  });

  it('reads deep nesting without overflowing the stack', () => {
    const depth = 20_000;
    const text = `${'['.repeat(depth)}1${']'.repeat(depth)}`;
    const json = readPlainJson(text);
    expect(json).toBeDefined();
    let v = json!.value;
    for (let i = 0; i < depth; i++) v = (v as unknown[])[0];
    expect(v).toBe(1);
  });
});
