// Trace CSV reading throughput: the byte scanner (src/trace/canonical-reader.ts) against csv-parse
// alone, streaming rows to a sink and parsing into the shared columns, on a large canonical numeric
// trace (the bundled openb trace's rows repeated with shifted times and unique ids).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseColumnar } from '../src/trace/columnar-builder.ts';
import { CsvTraceSource } from '../src/trace/csv-reader.ts';

const ROOT = new URL('../', import.meta.url).pathname;

export interface CsvReadBench {
  readonly name: string;
  readonly rows: number;
  /** Median over the runs. */
  readonly cpuSeconds: number;
  readonly rowsPerCpuS: number;
  readonly rowsPerWallS: number;
}

/** A canonical trace of `rows` rows in a temp folder. */
function makeTrace(rows: number): { dir: string; path: string } {
  const [header, ...body] = readFileSync(join(ROOT, 'traces/default-trace.csv'), 'utf8')
    .trimEnd()
    .split('\n');
  const parts = [header];
  const span = 20_000_000;
  for (let i = 0; i < rows; i++) {
    const f = body[i % body.length].split(',');
    f[0] = String(Number(f[0]) + Math.floor(i / body.length) * span);
    f[2] = `${f[2]}-${Math.floor(i / body.length)}`;
    parts.push(f.join(','));
  }
  const dir = mkdtempSync(join(tmpdir(), 'schedbench-csv-bench-'));
  const path = join(dir, 'trace.csv');
  writeFileSync(path, `${parts.join('\n')}\n`);
  return { dir, path };
}

const sink = { row: () => {}, badRow: () => {} };

/** Median of `reps` interleaved runs per variant, by CPU time of this process. */
export async function benchCsvRead(rows: number, reps: number): Promise<CsvReadBench[]> {
  const { dir, path } = makeTrace(rows);
  const variants: [string, () => Promise<unknown>][] = [
    ['rows, byte scanner', () => new CsvTraceSource(path).read(sink)],
    ['rows, csv-parse', () => new CsvTraceSource(path, { byteScanner: false }).read(sink)],
    ['shared columns, byte scanner', () => parseColumnar(path, 'stop', rows + 1)],
    ['shared columns, csv-parse', () => parseColumnar(path, 'stop', rows + 1, { byteScanner: false })],
  ];
  const runs = variants.map(() => [] as { cpu: number; wall: number }[]);
  try {
    for (let r = 0; r < reps; r++) {
      for (const [i, [, run]] of variants.entries()) {
        const cpu0 = process.cpuUsage();
        const wall0 = process.hrtime.bigint();
        await run();
        const wall = Number(process.hrtime.bigint() - wall0) / 1e9;
        const c = process.cpuUsage(cpu0);
        runs[i].push({ cpu: (c.user + c.system) / 1e6, wall });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return variants.map(([name], i) => {
    const cpu = median(runs[i].map((x) => x.cpu));
    return {
      name,
      rows,
      cpuSeconds: cpu,
      rowsPerCpuS: rows / cpu,
      rowsPerWallS: rows / median(runs[i].map((x) => x.wall)),
    };
  });
}
