import { type FileHandle, open } from 'node:fs/promises';
import { InputError } from '../common/errors.ts';
import { describeFsError } from '../common/read-whole-file.ts';
import { CanonicalRowScanner, HAND_OFF, MAX_SCANNED_LINE, NEED_MORE } from './canonical-scanner.ts';
import { indexColumns, RowDecoder } from './decode.ts';
import type { TraceRow } from './row.ts';
import type { RowSink } from './source.ts';

/** Bytes read at a time, into one reused buffer. */
const CHUNK_BYTES = 1 << 20;
const LF = 10;
const CR = 13;
const QUOTE = 34;

/**
 * Where the byte scanner stopped and csv-parse must go on: at byte `offset` of the file, a row
 * boundary after `linesRead` lines. `header` (the header line with its line break) is fed to
 * csv-parse first, so that it splits the rest with the header's width and line break; `decoder` is
 * the header's. No header: csv-parse reads the whole file itself.
 */
export interface Handoff {
  readonly offset: number;
  readonly linesRead: number;
  readonly header: Buffer | undefined;
  readonly decoder: RowDecoder | undefined;
}

const FROM_START: Handoff = { offset: 0, linesRead: 0, header: undefined, decoder: undefined };

/**
 * Read a trace CSV with the byte scanner (canonical-scanner.ts), handing every row to the sink in
 * file order exactly as the csv-parse reader would. Returns undefined when the whole file was read,
 * or where csv-parse must take over: from the start when the header is not plain (a quote, a BOM
 * not at the start, a leading empty line), or from the first row the scanner does not split.
 */
export async function scanCanonicalCsv(
  path: string,
  sink: RowSink,
  row: TraceRow,
): Promise<Handoff | undefined> {
  let file: FileHandle;
  try {
    file = await open(path, 'r');
  } catch (err) {
    throw new InputError(path, undefined, undefined, describeFsError(err));
  }
  const read = async (b: Buffer, at: number): Promise<number> => {
    try {
      return (await file.read(b, at, b.length - at, null)).bytesRead;
    } catch (err) {
      throw new InputError(path, undefined, undefined, describeFsError(err));
    }
  };
  try {
    const buf = Buffer.allocUnsafe(CHUNK_BYTES);
    let base = 0; // file offset of buf[0]
    let filled = 0;
    let pos = 0;
    let breaks = 0; // line breaks before pos
    let crlf = false;
    let header: Buffer | undefined;
    let scanner: CanonicalRowScanner | undefined;
    let decoder: RowDecoder | undefined;
    const handoff = (at: number): Handoff => ({ offset: base + at, linesRead: breaks, header, decoder });
    for (;;) {
      const got = await read(buf, filled);
      filled += got;
      const eof = got === 0;
      const view = buf.subarray(0, filled);
      if (!scanner) {
        const bom = filled >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
        const nl = view.indexOf(LF, bom);
        if (nl < 0) {
          if (eof || filled === buf.length) return FROM_START;
          continue;
        }
        crlf = nl > bom && buf[nl - 1] === CR;
        const end = crlf ? nl - 1 : nl;
        if (end === bom || !plainHeader(buf, bom, end)) return FROM_START;
        const names = buf.toString('utf8', bom, end).split(',');
        const cols = indexColumns(path, names);
        decoder = new RowDecoder(path, cols, names);
        scanner = new CanonicalRowScanner(decoder, cols, names.length, row);
        header = Buffer.from(buf.subarray(bom, nl + 1));
        pos = nl + 1;
        breaks = 1;
      }
      while (pos < filled) {
        const next = scanner.scanRow(buf, pos, filled, breaks + 1, sink, crlf, eof);
        if (next === HAND_OFF) return handoff(pos);
        if (next === NEED_MORE) break;
        breaks++;
        pos = next;
      }
      if (eof) return undefined;
      if (filled - pos > MAX_SCANNED_LINE) return handoff(pos);
      buf.copyWithin(0, pos, filled);
      base += pos;
      filled -= pos;
      pos = 0;
    }
  } finally {
    await file.close();
  }
}

/** A header csv-parse splits at every comma: no quote, no carriage return inside. */
function plainHeader(b: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (b[i] === QUOTE || b[i] === CR) return false;
  return true;
}
