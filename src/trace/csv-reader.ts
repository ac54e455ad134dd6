import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { CsvError, type Parser, parse } from 'csv-parse';
import { InputError } from '../common/errors.ts';
import { MAX_TRACE_LINE_BYTES } from '../common/limits.ts';
import { describeFsError, describeNonRegular } from '../common/read-whole-file.ts';
import { type Handoff, scanCanonicalCsv } from './canonical-reader.ts';
import { indexColumns, RowDecoder } from './decode.ts';
import { emptyRow, type TraceRow } from './row.ts';
import type { RowSink, RowSource } from './source.ts';

/** Which reader a CsvTraceSource uses. */
export interface CsvReadOptions {
  /**
   * Read with the byte scanner (canonical-reader.ts), csv-parse taking over only from the first
   * row the scanner does not split (default true); false: csv-parse for the whole file.
   */
  readonly byteScanner?: boolean;
}

/**
 * Streams a trace CSV, decoding each record into one reused TraceRow and handing it to the sink
 * synchronously, so memory stays flat whatever the trace length. Plain rows (the canonical numeric
 * trace) are split by the byte scanner, anything else by csv-parse; rows, line numbers and errors
 * are the same either way.
 */
export class CsvTraceSource implements RowSource {
  constructor(
    readonly path: string,
    private readonly options: CsvReadOptions = {},
  ) {}

  async read(sink: RowSink): Promise<void> {
    const { path } = this;
    try {
      await refuseNonRegular(path);
    } catch (err) {
      if (err instanceof InputError) throw err;
      throw new InputError(path, undefined, undefined, describeFsError(err));
    }
    const row = emptyRow();
    let from: Handoff | undefined;
    if (this.options.byteScanner !== false) {
      from = await scanCanonicalCsv(path, sink, row);
      if (from === undefined) return;
    }
    await parseWithCsvParse(path, sink, row, from);
  }
}

/** csv-parse from the start of the file, or from where the byte scanner handed over. */
async function parseWithCsvParse(
  path: string,
  sink: RowSink,
  row: TraceRow,
  from: Handoff | undefined,
): Promise<void> {
  let decoder = from?.decoder;
  // The header fed again (see Handoff) is skipped: its decoder is known.
  let skipHeader = from?.header !== undefined;
  const parser = parse({
    // A BOM is only stripped at the start of the file.
    bom: from?.header === undefined,
    skip_empty_lines: true,
    // Short rows reach the decoder, which names the first missing field with the row's line.
    relax_column_count_less: true,
    // A FIFO or a file without newlines must not grow the parser's buffer without bound.
    max_record_size: MAX_TRACE_LINE_BYTES,
    on_record: (record: string[], info) => {
      const line = info.lines;
      if (skipHeader) {
        skipHeader = false;
        return null;
      }
      if (!decoder) {
        decoder = new RowDecoder(path, indexColumns(path, record), record);
        return null;
      }
      try {
        decoder.decode(record, line, row);
        sink.row(row);
      } catch (err) {
        if (!(err instanceof InputError)) throw err;
        sink.badRow(err);
      }
      return null;
    },
  });
  const start = from?.header === undefined ? undefined : { offset: from.offset, prefix: handoffPrefix(from) };
  await pipeFile(path, parser, start);
  if (!decoder) throw new InputError(path, 1, undefined, 'empty trace: expected a header row');
}

/**
 * The header, then one empty line for each line the scanner read: csv-parse skips them and so
 * counts lines, in rows and in its own error messages, as if it had read the file from the start.
 */
function* handoffPrefix(from: Handoff): Generator<Buffer> {
  const header = from.header as Buffer;
  yield header;
  const lineBreak = header.length >= 2 && header[header.length - 2] === 13 ? '\r\n' : '\n';
  let left = from.linesRead - 1;
  const block = Buffer.from(lineBreak.repeat(Math.min(left, 1 << 15)));
  for (; left > 0; left -= 1 << 15)
    yield left >= 1 << 15 ? block : block.subarray(0, left * lineBreak.length);
}

/**
 * A trace must be a regular file: a directory, a FIFO or a device (`/dev/zero`) is refused with one
 * line naming the path, before anything is read.
 */
export async function refuseNonRegular(path: string): Promise<void> {
  const s = await stat(path);
  if (s.isDirectory())
    throw new InputError(path, undefined, undefined, 'is a directory, expected a trace CSV file');
  if (!s.isFile()) throw new InputError(path, undefined, undefined, describeNonRegular(s));
}

/** A csv-parse or file-system error as the InputError naming the file (and line) it came from. */
export function toInputError(path: string, err: unknown): unknown {
  if (err instanceof InputError) return err;
  if (err instanceof CsvError) {
    const line = (err as unknown as { lines?: number }).lines;
    if (err.code === 'CSV_MAX_RECORD_SIZE') {
      const mib = MAX_TRACE_LINE_BYTES / (1024 * 1024);
      return new InputError(path, line, undefined, `a row longer than the ${mib} MiB limit`);
    }
    return new InputError(
      path,
      line,
      undefined,
      `CSV syntax: ${err.message.replace(/^Invalid\s+/i, 'invalid ')}`,
    );
  }
  if ((err as NodeJS.ErrnoException).code)
    return new InputError(path, undefined, undefined, describeFsError(err));
  return err;
}

/** Where to start streaming a file into the parser: the `prefix` chunks first, then the file from `offset`. */
export interface PipeStart {
  readonly offset: number;
  readonly prefix: Iterable<Buffer>;
}

/** Stream the file into the CSV parser until it ends; a read or parse error rejects as InputError. */
export function pipeFile(path: string, parser: Parser, start?: PipeStart): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const input = start
      ? Readable.from(prefixed(path, start), { objectMode: false })
      : createReadStream(path);
    const fail = (err: unknown) => {
      input.destroy();
      parser.destroy();
      reject(toInputError(path, err));
    };
    input.on('error', fail);
    parser.on('error', fail);
    parser.on('end', () => resolve());
    parser.resume();
    input.pipe(parser);
  });
}

async function* prefixed(path: string, start: PipeStart): AsyncGenerator<Buffer> {
  yield* start.prefix;
  yield* createReadStream(path, { start: start.offset });
}
