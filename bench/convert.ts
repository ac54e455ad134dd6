// `convert` throughput: rows/s of an openb pod list streamed to a canonical trace, plain and with
// the buffered transforms (shuffle + inflate), on a pod list grown from the real slice in
// test/fixtures/openb (times shifted so it stays sorted).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convertTrace } from '../src/trace/convert.ts';
import { NO_TRANSFORMS, type TransformOptions } from '../src/trace/transforms/options.ts';

const ROOT = new URL('../', import.meta.url).pathname;

export interface ConvertBench {
  readonly name: string;
  readonly rows: number;
  readonly seconds: number;
  readonly rowsPerS: number;
}

/** A pod list of `rows` pods and the 12-node slice, in a temp folder. */
function makeInputs(rows: number): { dir: string; nodes: string; pods: string } {
  const dir = mkdtempSync(join(tmpdir(), 'schedbench-convert-bench-'));
  const slice = readFileSync(join(ROOT, 'test/fixtures/openb/pod_list_default.head64.csv'), 'utf8')
    .trimEnd()
    .split('\n');
  const [header, ...body] = slice;
  const parts = [header];
  for (let i = 0; i < rows; i++) {
    const f = body[i % body.length].split(',');
    const shift = Math.floor(i / body.length) * 20_000_000;
    f[0] = `pod-${i}`;
    f[8] = String(Number(f[8]) + shift);
    f[9] = String(Number(f[9]) + shift);
    parts.push(f.join(','));
  }
  const pods = join(dir, 'pods.csv');
  writeFileSync(pods, `${parts.join('\n')}\n`);
  return { dir, nodes: join(ROOT, 'test/fixtures/openb/node_list_gpu_node.head13.csv'), pods };
}

async function once(
  name: string,
  inputs: { dir: string; nodes: string; pods: string },
  rows: number,
  t: Partial<TransformOptions>,
) {
  const start = process.hrtime.bigint();
  const s = await convertTrace({
    format: 'openb',
    inputs: [inputs.nodes, inputs.pods],
    out: join(inputs.dir, 'out.csv'),
    clusterOut: undefined,
    cluster: undefined,
    transforms: { ...NO_TRANSFORMS, ...t },
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { name, rows: Math.max(rows, s.rows), seconds, rowsPerS: rows / seconds };
}

/** Median of `reps` runs per variant, interleaved. */
export async function benchConvert(rows: number, reps: number): Promise<ConvertBench[]> {
  const inputs = makeInputs(rows);
  const variants: [string, Partial<TransformOptions>][] = [
    ['openb -> canonical (streamed)', {}],
    ['+ --no-departures --shuffle 1 (buffered)', { noDepartures: true, shuffle: 1 }],
  ];
  const times = variants.map(() => [] as ConvertBench[]);
  try {
    for (let r = 0; r < reps; r++) {
      for (const [i, [name, t]] of variants.entries()) times[i].push(await once(name, inputs, rows, t));
    }
  } finally {
    rmSync(inputs.dir, { recursive: true, force: true });
  }
  return times.map((xs) => [...xs].sort((a, b) => a.seconds - b.seconds)[Math.floor(xs.length / 2)]);
}
