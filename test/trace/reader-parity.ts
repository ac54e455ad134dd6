import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../src/common/errors.ts';
import { CsvTraceSource } from '../../src/trace/csv-reader.ts';
import type { TraceRow } from '../../src/trace/row.ts';
import { tempDir } from '../helpers/replay.ts';

/** What a read gave: each row (copied) or bad row in order, and the error that ended it. */
export interface ReadOutcome {
  readonly events: (TraceRow | { bad: string; line: number | undefined; field: string | undefined })[];
  readonly error: string | undefined;
}

/** Write the exact bytes (no newline added) into a fresh temp file. */
export function rawTrace(content: string | Buffer): string {
  const path = join(tempDir(), 'trace.csv');
  writeFileSync(path, content);
  return path;
}

/** Read `path` with the byte scanner or with csv-parse alone; `stop`: the first bad row ends it. */
export async function readWith(path: string, byteScanner: boolean, stop = false): Promise<ReadOutcome> {
  const events: ReadOutcome['events'] = [];
  try {
    await new CsvTraceSource(path, { byteScanner }).read({
      row: (r) => events.push({ ...r }),
      badRow: (e) => {
        if (stop) throw e;
        events.push({ bad: e.message, line: e.line, field: e.field });
      },
    });
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    return { events, error: err.message };
  }
  return { events, error: undefined };
}

/** Both readers' outcomes, with bad rows skipped and with stop. */
export async function bothReaders(path: string) {
  return {
    fast: [await readWith(path, true), await readWith(path, true, true)],
    csvParse: [await readWith(path, false), await readWith(path, false, true)],
  };
}
