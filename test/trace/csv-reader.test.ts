import { describe, expect, it } from 'vitest';
import type { InputError } from '../../src/common/errors.ts';
import { CsvTraceSource } from '../../src/trace/csv-reader.ts';
import type { TraceRow } from '../../src/trace/row.ts';
import { tempDir, traceFile } from '../helpers/replay.ts';

async function readAll(path: string, skip = false) {
  const rows: Pick<TraceRow, 'line' | 'id'>[] = [];
  const bad: string[] = [];
  await new CsvTraceSource(path).read({
    row: (r) => rows.push({ line: r.line, id: r.id }),
    badRow: (e: InputError) => {
      if (!skip) throw e;
      bad.push(e.message);
    },
  });
  return { rows, bad };
}

describe('CsvTraceSource', () => {
  it('streams rows with their line numbers, skipping blank lines and a BOM', async () => {
    const path = traceFile(['\uFEFFtime,id,vcpus,memory_mb', '0,a,1,1', '', '1,b,1,1', '"2","c,d",1,1']);
    const { rows } = await readAll(path);
    expect(rows).toEqual([
      { line: 2, id: 'a' },
      { line: 4, id: 'b' },
      { line: 5, id: 'c,d' },
    ]);
  });

  it('stops at the first bad row with its line, or skips and reports each one', async () => {
    const path = traceFile(['time,id,vcpus,memory_mb', '0,a,1,1', '1,b,x,1', '2,c,1,1', '3,d,1,-5']);
    await expect(readAll(path)).rejects.toThrow(`${path}:3: vcpus: expected a non-negative integer, got "x"`);
    const { rows, bad } = await readAll(path, true);
    expect(rows.map((r) => r.id)).toEqual(['a', 'c']);
    expect(bad).toEqual([
      `${path}:3: vcpus: expected a non-negative integer, got "x"`,
      `${path}:5: memory_mb: expected a non-negative integer, got "-5"`,
    ]);
  });

  it('names the line of a CSV syntax error', async () => {
    const path = traceFile(['time,id,vcpus,memory_mb', '0,a,1,1', '1,b,1,1,extra']);
    await expect(readAll(path)).rejects.toThrow(new RegExp(`^${path}:3: CSV syntax`));
  });

  it('reports a missing file, a directory and an empty file', async () => {
    await expect(readAll('/nonexistent/trace.csv')).rejects.toThrow('/nonexistent/trace.csv: no such file');
    const dir = tempDir();
    await expect(readAll(dir)).rejects.toThrow(`${dir}: is a directory, expected a trace CSV file`);
    const empty = traceFile([]);
    await expect(readAll(empty)).rejects.toThrow(`${empty}:1: empty trace: expected a header row`);
  });
});
