// Nova's nova/scheduler/filters/extra_specs_ops.py: match a host value against an extra-spec requirement.
import { pyCompare, pyFloat } from '../common/py-float.ts';
import { SchedulingError } from '../scheduler/errors.ts';

function f(s: string): number {
  const v = pyFloat(s);
  if (v === undefined) throw new SchedulingError(`could not convert string to float: '${s}'`);
  return v;
}

const OPS: Record<string, (x: string, y: string) => boolean> = {
  // '=' is Nova's odd "at least" operator.
  '=': (x, y) => f(x) >= f(y),
  '<in>': (x, y) => x.includes(y),
  '==': (x, y) => f(x) === f(y),
  '!=': (x, y) => f(x) !== f(y),
  '>=': (x, y) => f(x) >= f(y),
  '<=': (x, y) => f(x) <= f(y),
  's==': (x, y) => x === y,
  's!=': (x, y) => x !== y,
  's<': (x, y) => pyCompare(x, y) < 0,
  's<=': (x, y) => pyCompare(x, y) <= 0,
  's>': (x, y) => pyCompare(x, y) > 0,
  's>=': (x, y) => pyCompare(x, y) >= 0,
};

/** Python's `str.split()` with no separator: runs of whitespace, no empty words. */
function pySplit(s: string): string[] {
  const t = s.trim();
  return t === '' ? [] : t.split(/\s+/);
}

/**
 * `extra_specs_ops.match(value, req)`. Throws SchedulingError where Nova raises (a float operator on
 * a non-numeric string, or a dangling `<or>`).
 */
export function matchExtraSpec(value: string | undefined, req: string): boolean {
  const words = pySplit(req);
  const op = words.length > 0 ? words.shift() : undefined;
  const method = op !== undefined && Object.hasOwn(OPS, op) ? OPS[op] : undefined;
  if (op !== '<or>' && op !== '<all-in>' && !method) return value === req;
  if (value === undefined) return false;
  if (op === '<or>') {
    for (;;) {
      if (words.length === 0)
        throw new SchedulingError('pop from empty list (extra spec "<or>" without a value)');
      if (words.shift() === value) return true;
      if (words.length === 0) break;
      words.shift();
      if (words.length === 0) break;
    }
    return false;
  }
  if (words.length > 0) {
    if (op === '<all-in>') return words.every((w) => value.includes(w));
    return method!(value, words[0]);
  }
  return false;
}
