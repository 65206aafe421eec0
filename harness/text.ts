/**
 * Text from outside the suite (an API server's answer, a tool's output, a bundle from a stranger)
 * made safe to print and to write into a report: control bytes (C0, DEL, C1: NUL, escape sequences,
 * carriage returns) and the bidirectional overrides that reorder what a reader sees are shown as
 * \xNN / \u{NNNN}, and it is cut to a length. Invalid UTF-8 has already become U+FFFD when the bytes
 * were decoded, and stays so.
 */

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const CONTROL_OR_NEWLINE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

function escape(c: string): string {
  const code = c.codePointAt(0)!;
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
}

function cut(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max)}… (${s.length - max} more characters)` : s;
}

/** One line: every control character escaped, newlines and tabs included. */
export function safeLine(s: string, max = 2000): string {
  return cut(String(s).replace(CONTROL_OR_NEWLINE, escape), max);
}

/** Several lines kept as lines (\n and \t stay); every other control character escaped. */
export function safeText(s: string, max = Infinity): string {
  return cut(String(s).replace(CONTROL, escape), max);
}

/** True when the text holds nothing safeText would change. */
export function isSafeText(s: string): boolean {
  return !new RegExp(CONTROL.source).test(s);
}
