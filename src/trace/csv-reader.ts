import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { CsvError, parse } from 'csv-parse';
import { InputError } from '../common/errors.ts';
import { describeFsError } from '../common/structured-file.ts';
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
      const s = await stat(path);
      if (s.isDirectory())
        throw new InputError(path, undefined, undefined, 'is a directory, expected a trace CSV file');
    } catch (err) {
      if (err instanceof InputError) throw err;
      throw new InputError(path, undefined, undefined, describeFsError(err));
    }
    const row = emptyRow();
    let decoder: RowDecoder | undefined;
    const parser = parse({
      bom: true,
      skip_empty_lines: true,
      relax_column_count_less: true,
      on_record: (record: string[], info) => {
        const line = info.lines;
        if (!decoder) {
          decoder = new RowDecoder(path, indexColumns(path, record));
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
    await new Promise<void>((resolve, reject) => {
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
    if (!decoder) throw new InputError(path, 1, undefined, 'empty trace: expected a header row');
  }
}

function toInputError(path: string, err: unknown): unknown {
  if (err instanceof InputError) return err;
  if (err instanceof CsvError) {
    const line = (err as unknown as { lines?: number }).lines;
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
