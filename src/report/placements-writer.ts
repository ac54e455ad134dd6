import { StagedFile } from '../common/atomic-write.ts';
import type { ReplayObserver } from '../replay/observer.ts';
import type { InstanceOutcome } from '../scheduler/outcome.ts';

/** Bytes gathered before a write: rows are encoded straight into one buffer, not into strings. */
const CHUNK = 1 << 16;
/** Room one row may take besides its id (two numbers, commas, newline); a longer row is written alone. */
const ROW_SLACK = 64;

const COMMA = 0x2c;
const NEWLINE = 0x0a;
const QUOTE = 0x22;
const CR = 0x0d;
const PIPE = 0x7c;

/**
 * `--placements FILE`: one CSV row per instance outcome, in trace order: seq,id,host,attempts, and
 * in zed mode (`alternates`) a fifth column, the instance's alternate hosts `|`-separated.
 */
export class PlacementsWriter implements ReplayObserver {
  private readonly file: StagedFile;
  private readonly withAlternates: boolean;
  /** Each host's name as an encoded CSV field, quoted once here rather than per row. */
  private readonly hostFields: readonly Buffer[];
  /** Zed mode: each host's name with `"` doubled, for an alternates field that must be quoted. */
  private readonly altFields: readonly Buffer[];
  private buf = Buffer.allocUnsafe(CHUNK);
  private pos = 0;
  /** The last row's seq and its decimal digits: seq counts up by one, so a carry rewrites them. */
  private seq = 0;
  private readonly seqDigits = new Uint8Array(20).fill(0x30);
  private seqLength = 1;

  constructor(path: string, hostNames: readonly string[], options: { alternates?: boolean } = {}) {
    this.file = new StagedFile(path);
    this.withAlternates = options.alternates ?? false;
    // Zed mode: host names are written raw inside the quoted alternates field, so `"` is doubled.
    this.hostFields = hostNames.map((n) => Buffer.from(csvField(n)));
    this.altFields = this.withAlternates ? hostNames.map((n) => Buffer.from(n.replaceAll('"', '""'))) : [];
    this.file.write(this.withAlternates ? 'seq,id,host,attempts,alternates\n' : 'seq,id,host,attempts\n');
  }

  instanceScheduled(o: InstanceOutcome): void {
    const { seq, spec, index, host, attempts } = o;
    const id = spec.instanceIds[index];
    const name = host >= 0 ? this.hostFields[host] : undefined;
    let altBytes = 0;
    for (let i = 0; i < o.alternateCount; i++) altBytes += this.altFields[o.alternates[i]].length + 1;
    // UTF-8 takes at most 3 bytes per UTF-16 unit; quoting at most doubles that.
    const need = 6 * id.length + (name ? name.length : 0) + altBytes + ROW_SLACK;
    if (this.pos + need > this.buf.length) {
      this.flush();
      if (need > this.buf.length) this.buf = Buffer.allocUnsafe(need);
    }
    const buf = this.buf;
    let p = this.writeSeq(buf, this.pos, seq);
    buf[p++] = COMMA;
    p = writeField(buf, p, id);
    buf[p++] = COMMA;
    if (name) {
      // Byte by byte: a host name is a few bytes, cheaper copied here than by a call into C++.
      for (let i = 0; i < name.length; i++) buf[p + i] = name[i];
      p += name.length;
    }
    buf[p++] = COMMA;
    p = writeUint(buf, p, attempts);
    if (this.withAlternates) p = this.writeAlternates(buf, p, o);
    buf[p++] = NEWLINE;
    this.pos = p;
  }

  /** `seq` in decimal at `p` (as writeUint), by counting on from the last row's when it follows it. */
  private writeSeq(buf: Buffer, p: number, seq: number): number {
    const d = this.seqDigits;
    // this.seq is a safe integer >= 0 or NaN (digits not kept).
    if (seq === this.seq + 1 && Number.isSafeInteger(seq)) {
      let i = this.seqLength - 1;
      while (i >= 0 && d[i] === 0x39) d[i--] = 0x30;
      if (i >= 0) d[i]++;
      else {
        d.copyWithin(1, 0, this.seqLength);
        d[0] = 0x31;
        this.seqLength++;
      }
    } else {
      const end = writeUint(buf, p, seq);
      if (!Number.isSafeInteger(seq) || seq < 0) {
        this.seq = Number.NaN;
        return end;
      }
      for (let i = p; i < end; i++) d[i - p] = buf[i];
      this.seqLength = end - p;
    }
    this.seq = seq;
    for (let i = 0; i < this.seqLength; i++) buf[p + i] = d[i];
    return p + this.seqLength;
  }

  /** `,` then the alternates `|`-separated, quoted when a name needs it (as the whole field). */
  private writeAlternates(buf: Buffer, p: number, o: InstanceOutcome): number {
    buf[p++] = COMMA;
    const n = o.alternateCount;
    let quote = false;
    for (let i = 0; i < n; i++) quote ||= this.hostFields[o.alternates[i]][0] === QUOTE;
    if (quote) buf[p++] = QUOTE;
    for (let i = 0; i < n; i++) {
      if (i > 0) buf[p++] = PIPE;
      p += (quote ? this.altFields : this.hostFields)[o.alternates[i]].copy(buf, p);
    }
    if (quote) buf[p++] = QUOTE;
    return p;
  }

  finish(): void {
    this.flush();
    this.file.commit();
  }

  abort(): void {
    this.file.discard();
  }

  private flush(): void {
    if (this.pos === 0) return;
    // The staged file writes synchronously, so the buffer can be reused at once.
    this.file.write(this.buf.subarray(0, this.pos));
    this.pos = 0;
  }
}

/** Write a non-negative integer's decimal digits at `p`; returns the position after them. */
function writeUint(buf: Buffer, p: number, n: number): number {
  if (n < 10) {
    buf[p] = 0x30 + n;
    return p + 1;
  }
  if (!Number.isSafeInteger(n) || n < 0) return p + buf.write(String(n), p, 'latin1');
  let digits = 1;
  for (let x = n; x >= 10; x = Math.floor(x / 10)) digits++;
  let q = p + digits;
  for (let x = n; q > p; x = Math.floor(x / 10)) buf[--q] = 0x30 + (x % 10);
  return p + digits;
}

/** Write `s` as a CSV field at `p` (UTF-8, quoted only when it needs it); returns the end. */
function writeField(buf: Buffer, p: number, s: string): number {
  // Short ASCII ids (the usual case) byte by byte: cheaper than a call into the encoder.
  const n = s.length;
  let i = 0;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80 || c === QUOTE || c === COMMA || c === NEWLINE || c === CR) break;
    buf[p + i] = c;
  }
  if (i === n) return p + n;
  const end = p + buf.write(s, p, 'utf8');
  // Multi-byte UTF-8 sequences never contain these ASCII bytes, so scanning bytes is exact.
  for (let j = p; j < end; j++) {
    const c = buf[j];
    if (c === QUOTE || c === COMMA || c === NEWLINE || c === CR) return p + buf.write(csvField(s), p, 'utf8');
  }
  return end;
}

/** Quote a CSV field only when it needs it. */
export function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}
