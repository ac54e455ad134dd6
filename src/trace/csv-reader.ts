import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { CsvError, type Parser, parse } from 'csv-parse';
import { InputError } from '../common/errors.ts';
import { MAX_TRACE_LINE_BYTES } from '../common/limits.ts';
import { describeFsError, describeNonRegular } from '../common/read-whole-file.ts';
import { indexColumns, RowDecoder } from './decode.ts';
import { emptyRow } from './row.ts';
import type { RowSink, RowSource } from './source.ts';

/**
 * Streams a trace CSV through csv-parse, decoding each record into one reused TraceRow and handing
 * it to the sink synchronously, so memory stays flat whatever the trace length.
 */
export class CsvTraceSource implements RowSource {
  constructor(readonly path: string) {}

  async read(sink: RowSink): Promise<void> {
    const { path } = this;
    try {
      await refuseNonRegular(path);
    } catch (err) {
      if (err instanceof InputError) throw err;
      throw new InputError(path, undefined, undefined, describeFsError(err));
    }
    const row = emptyRow();
    let decoder: RowDecoder | undefined;
    const parser = parse({
      bom: true,
      skip_empty_lines: true,
      // Short rows reach the decoder, which names the first missing field with the row's line.
      relax_column_count_less: true,
      // A FIFO or a file without newlines must not grow the parser's buffer without bound.
      max_record_size: MAX_TRACE_LINE_BYTES,
      on_record: (record: string[], info) => {
        const line = info.lines;
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
    await pipeFile(path, parser);
    if (!decoder) throw new InputError(path, 1, undefined, 'empty trace: expected a header row');
  }
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

/** Stream the file into the CSV parser until it ends; a read or parse error rejects as InputError. */
export function pipeFile(path: string, parser: Parser): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const input = createReadStream(path);
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
