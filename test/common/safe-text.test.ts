import { describe, expect, it } from 'vitest';
import { InputError, UsageError } from '../../src/common/errors.ts';
import { cut, escapeControls, quote, safeMessage } from '../../src/common/safe-text.ts';

describe('messages are safe to print as one line', () => {
  it('escapes newlines, ESC (ANSI and OSC sequences), NUL, DEL, C1 and bidi controls', () => {
    expect(escapeControls('a\nb\r\tc')).toBe('a\\nb\\r\\tc');
    expect(escapeControls('\x1b[31mred\x1b]0;title\x07')).toBe('\\x1b[31mred\\x1b]0;title\\x07');
    expect(escapeControls('\0\x7f\x9b')).toBe('\\x00\\x7f\\x9b');
    expect(escapeControls('x\u202ey\u2028')).toBe('x\\u{202e}y\\u{2028}');
    expect(escapeControls('plain ünïcode ✓')).toBe('plain ünïcode ✓');
  });

  it('cuts a value to 80 characters, the last an ellipsis', () => {
    expect(cut('x'.repeat(80))).toBe('x'.repeat(80));
    expect(cut('x'.repeat(81))).toBe(`${'x'.repeat(79)}…`);
    expect(quote(`${'y'.repeat(10_000)}\n`)).toBe(`"${'y'.repeat(79)}…"`);
  });

  it('is idempotent, so a message rebuilt from a safe reason reads the same', () => {
    const raw = `got "${'z'.repeat(500)}\x1b[2J" and ${'w'.repeat(600)}`;
    const once = safeMessage(raw);
    expect(safeMessage(once)).toBe(once);
    expect(once).toBe(`got "${'z'.repeat(79)}…" and ${'w'.repeat(255)}…`);
  });

  it('InputError and UsageError escape every part and cut long values', () => {
    const e = new InputError('t\n.csv', 3, 'f\x1bx', `expected a number, got "1\nschedbench: forged"`);
    expect(e.message).toBe('t\\n.csv:3: f\\x1bx: expected a number, got "1\\nschedbench: forged"');
    expect(e.message.includes('\n') || e.message.includes('\x1b')).toBe(false);
    const u = new UsageError(`--set k=${'v'.repeat(10_000)}`);
    expect(u.message.length).toBeLessThan(300);
    expect(u.message.endsWith('…')).toBe(true);
  });
});
