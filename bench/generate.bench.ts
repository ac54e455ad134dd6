// Generator throughput: rows/s writing a trace to disk, with the default knobs and with every knob
// on (target load, lognormal lifetimes, group policy weights, GPU requests, diurnal rate).
// Rounds are interleaved and summarised as medians (the machine is shared).
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type GeneratorInput, generatorOptionsSchema } from '../src/generate/options.ts';
import { generateTrace } from '../src/generate/trace.ts';
import { formatTable } from '../src/report/summary-table.ts';

const ROWS = Number(process.env.BENCH_GENERATE_ROWS ?? 500_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

const CASES: readonly { name: string; input: GeneratorInput }[] = [
  { name: 'default knobs', input: { rows: ROWS, hosts: 1000 } },
  {
    name: 'every knob',
    input: {
      rows: ROWS,
      hosts: 1000,
      targetLoad: 0.8,
      lifetime: 'lognormal',
      groupPolicies: { affinity: 2, 'anti-affinity': 1, 'soft-affinity': 1, 'soft-anti-affinity': 1 },
      gpuShare: 0.5,
      gpuSpecShare: 0.3,
      gpuHostShare: 0.5,
      diurnalAmplitude: 0.5,
    },
  },
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'schedbench-bench-gen-'));
  const seconds = CASES.map(() => [] as number[]);
  const bytes = CASES.map(() => 0);
  try {
    for (let round = 0; round < ROUNDS; round++) {
      CASES.forEach((c, i) => {
        const path = join(dir, `t${i}.csv`);
        const o = generatorOptionsSchema.parse({ ...c.input, seed: round + 1 });
        const start = process.hrtime.bigint();
        generateTrace(o, path);
        seconds[i].push(Number(process.hrtime.bigint() - start) / 1e9);
        bytes[i] = statSync(path).size;
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(
    `Generator: ${ROWS.toLocaleString('en-US')} rows to disk, medians of ${ROUNDS} interleaved rounds\n`,
  );
  process.stdout.write(
    `${formatTable(
      ['knobs', 'median s', 'rows/s', 'bytes/row'],
      CASES.map((c, i) => {
        const s = median(seconds[i]);
        return [
          c.name,
          s.toFixed(3),
          Math.round(ROWS / s).toLocaleString('en-US'),
          (bytes[i] / ROWS).toFixed(1),
        ];
      }),
    )}\n\n`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await run();
