// Numbers (and short ASCII strings) read straight from CSV bytes, for the canonical byte scanner. Each parse accepts only a
// form whose value it can give bit-identical to the decoder's `Number(text)`, and returns NaN for
// anything else, so that the row goes to the decoder itself (which parses or rejects it).

/** Above 15 digits an integer accumulated digit by digit may no longer be exact. */
const MAX_DIGITS = 15;

const POW10 = Array.from({ length: MAX_DIGITS + 1 }, (_, k) => 10 ** k);

/** `[0-9]{1,15}` as its exact value, else NaN. */
export function plainInteger(b: Uint8Array, start: number, end: number): number {
  if (end === start || end - start > MAX_DIGITS) return Number.NaN;
  let v = 0;
  for (let i = start; i < end; i++) {
    const d = b[i] - 48;
    if (d < 0 || d > 9) return Number.NaN;
    v = v * 10 + d;
  }
  return v;
}

/**
 * `-?[0-9]+(\.[0-9]+)?` with at most 15 digits in all, else NaN. The digits m are exact and so is
 * 10^k; one IEEE division rounds m / 10^k correctly, which is the value `Number()` gives the text.
 */
export function plainDecimal(b: Uint8Array, start: number, end: number): number {
  let i = start;
  const negative = i < end && b[i] === 45;
  if (negative) i++;
  let m = 0;
  let digits = 0;
  let fraction = -1;
  for (; i < end; i++) {
    const c = b[i];
    if (c === 46) {
      if (fraction >= 0 || digits === 0) return Number.NaN;
      fraction = 0;
      continue;
    }
    const d = c - 48;
    if (d < 0 || d > 9) return Number.NaN;
    m = m * 10 + d;
    digits++;
    if (fraction >= 0) fraction++;
  }
  if (digits === 0 || digits > MAX_DIGITS || fraction === 0) return Number.NaN;
  const v = fraction > 0 ? m / POW10[fraction] : m;
  return negative ? -v : v;
}

/**
 * Buffer's own latin1 decoder, which `toString('latin1', ...)` calls after checking its arguments.
 * Undocumented but in every Node release.
 */
interface Latin1Buffer {
  latin1Slice(start: number, end: number): string;
}

const char = String.fromCharCode;

/**
 * The bytes `b[start, end)` as a string, one char per byte (as latin1). Up to 9 bytes (most ids, zone
 * and group names), String.fromCharCode with its arguments written out builds the string in a
 * builtin: half the cost of latin1Slice's call into C++.
 */
export function latin1(b: Buffer, start: number, end: number): string {
  const s = start;
  switch (end - s) {
    case 0:
      return '';
    case 1:
      return char(b[s]);
    case 2:
      return char(b[s], b[s + 1]);
    case 3:
      return char(b[s], b[s + 1], b[s + 2]);
    case 4:
      return char(b[s], b[s + 1], b[s + 2], b[s + 3]);
    case 5:
      return char(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4]);
    case 6:
      return char(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5]);
    case 7:
      return char(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6]);
    case 8:
      return char(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7]);
    case 9:
      return char(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8]);
    default:
      return (b as unknown as Latin1Buffer).latin1Slice(start, end);
  }
}
