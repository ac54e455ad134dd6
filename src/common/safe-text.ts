import { MAX_ECHOED_VALUE } from './limits.ts';

// Characters that would let an echoed value forge a line, move the cursor, recolour the terminal
// (ESC starts ANSI/OSC sequences) or reorder the text (bidi controls): C0, DEL, C1, the Unicode
// line and paragraph separators and the bidi embedding, override and isolate controls.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

// A value quoted in a message, or a run of text without spaces, longer than its bound.
const LONG_QUOTED = new RegExp(`"([^"]{${MAX_ECHOED_VALUE + 1},})"`, 'g');
const MAX_RUN = 256;
const LONG_RUN = new RegExp(`\\S{${MAX_RUN + 1},}`, 'g');

/** Control characters written as escapes (`\n`, `\x1b`, `\u{202e}`): the text stays one line. */
export function escapeControls(s: string): string {
  return s.replace(UNSAFE, (ch) => {
    const named = NAMED[ch];
    if (named !== undefined) return named;
    const cp = ch.codePointAt(0)!;
    return cp <= 0xff ? `\\x${cp.toString(16).padStart(2, '0')}` : `\\u{${cp.toString(16)}}`;
  });
}

/** Cut `s` to at most `max` characters, the last an ellipsis when something was cut. */
export function cut(s: string, max = MAX_ECHOED_VALUE): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

/** A user's value as an error message shows it: escaped, cut, in double quotes. */
export function quote(value: string): string {
  return `"${cut(escapeControls(value))}"`;
}

/**
 * Make a message safe to print as one terminal line: controls escaped, quoted values cut to
 * MAX_ECHOED_VALUE characters and any other run without spaces to 256. Idempotent, so a message
 * rebuilt from an already safe reason (the shared trace columns) reads the same.
 */
export function safeMessage(s: string): string {
  return escapeControls(s)
    .replace(LONG_QUOTED, (_, v: string) => `"${cut(v)}"`)
    .replace(LONG_RUN, (run) => cut(run, MAX_RUN));
}
