// The shape guess split between this thread and a helper: whoever takes which chunks, and whatever
// the helper does (starts late, fails, never comes), the result is the one-pass guess's.
import { writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sameShapes, scanTraceAndShapes } from '../../src/metrics/shape-guess.ts';
import {
  type ChunkPart,
  type GuessChunksJob,
  type GuessHelper,
  guessFarChunks,
  planSplit,
  type SplitOptions,
} from '../../src/metrics/shape-guess-chunks.ts';
import { distributionOf } from '../../src/metrics/shape-guess-scan.ts';
import { PoolExecutor } from '../../src/pool/executor.ts';
import { scanTrace } from '../../src/trace/columnar-builder.ts';
import { tempDir } from '../helpers/replay.ts';

const HEADER = 'time,event,id,vcpus,memory_mb,disk_gb,count,duration,gpus,gpu_milli';

function write(text: string): string {
  const path = join(tempDir(), 'trace.csv');
  writeFileSync(path, text);
  return path;
}

/** Rows of every kind the guess reads: creates of several shapes and counts, deletes, GPUs. */
function rows(n: number, seed = 1): string[] {
  const out: string[] = [];
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const t = (i * 0.5).toFixed(1);
    if (x % 5 === 0) out.push(`${t},delete,i${i - 1},,,,,,,`);
    else
      out.push(
        `${t},create,i${i},${1 + (x % 4)},${1024 * (1 + (x % 3))},${x % 2 ? 40 : ''},${x % 7 === 0 ? 3 : ''},,${x % 11 === 0 ? 1 : ''},${x % 13 === 0 ? 500 : ''}`,
      );
  }
  return out;
}

/** Helpers as the pool's worker may behave. */
function helpers(): Record<string, { helper: GuessHelper; took: () => number }> {
  const spy = (h: GuessHelper) => {
    let took = 0;
    return {
      helper: async (job: GuessChunksJob) => {
        const parts = await h(job);
        took += parts.length;
        return parts;
      },
      took: () => took,
    };
  };
  return {
    'at once': spy(guessFarChunks),
    late: spy((job) => new Promise((r) => setTimeout(r, 30)).then(() => guessFarChunks(job))),
    failing: spy(() => Promise.reject(new Error('worker died'))),
    'failing after taking a chunk': spy((job) => {
      Atomics.add(new Int32Array(job.claims), 0, 1);
      return Promise.reject(new Error('worker died'));
    }),
  };
}

const SPLITS: SplitOptions[] = [
  { chunkBytes: 97, minBytes: 0, tailBytes: 4096 },
  { chunkBytes: 1000, minBytes: 0, tailBytes: 4096 },
  { chunkBytes: 4096, minBytes: 0, tailBytes: 8192 },
];

async function expectSameAsOnePass(path: string, o: { helperTakes?: boolean } = {}) {
  const one = await scanTraceAndShapes(path);
  expect({ bytes: one.bytes, lines: one.lines }).toEqual(await scanTrace(path));
  let helped = 0;
  for (const split of SPLITS) {
    for (const [name, { helper, took }] of Object.entries(helpers())) {
      const two = await scanTraceAndShapes(path, helper, split);
      const what = `${name}, chunks of ${split.chunkBytes}`;
      expect({ bytes: two.bytes, lines: two.lines }, what).toEqual({ bytes: one.bytes, lines: one.lines });
      expect(two.shapes === undefined, what).toBe(one.shapes === undefined);
      if (one.shapes) expect(sameShapes(two.shapes!, one.shapes), what).toBe(true);
      if (name === 'at once') helped += took();
    }
  }
  // The comparison covers the helper's side: it read chunks of its own.
  if (o.helperTakes !== false) expect(helped).toBeGreaterThan(0);
  return one;
}

describe('a shape guess split with a helper', () => {
  it('gives the one-pass guess on plain rows, whoever reads which chunk', async () => {
    const one = await expectSameAsOnePass(write(`${[HEADER, ...rows(3000)].join('\n')}\n`));
    expect(one.shapes!.size).toBeGreaterThan(10);
  });

  it('with CRLF, a BOM, blank lines (before the header too), no final break', async () => {
    const r = rows(2000, 7);
    r.splice(500, 0, '', '');
    await expectSameAsOnePass(write(`\ufeff\r\n\r\n${[HEADER, ...r].join('\r\n')}`));
    await expectSameAsOnePass(write(`\n${[HEADER, ...r].join('\n')}\n\n`));
  });

  it('with rows of one width, so chunk edges fall on line breaks and line starts', async () => {
    // Every line 32 bytes with its break, the header too: chunks of 4096 end just after a break, of
    // 97 one byte into a line.
    // (Padded in a column of its own: the guess reads only plain integers.)
    const line = (s: string) => `${s},`.padEnd(31, 'p');
    const body = [line('time,event,id,vcpus,memory_mb')];
    for (let i = 0; i < 4000; i++) body.push(line(`${i},create,i${i},${1 + (i % 3)},${512 * (1 + (i % 5))}`));
    const path = write(`${body.join('\n')}\n`);
    const one = await expectSameAsOnePass(path);
    expect([...one.shapes!.instances].reduce((a, b) => a + b, 0)).toBe(4000);
  });

  it('with short rows and unknown events (skipped), and text columns after the counted ones', async () => {
    const header = 'time,event,id,vcpus,memory_mb,disk_gb,extra_specs,same_host,count';
    const body = [header];
    for (let i = 0; i < 3000; i++) {
      if (i % 97 === 5) body.push(`${i},create,s${i},2,4096`);
      else if (i % 89 === 3) body.push(`${i},resize,s${i},2,4096,1,,,1`);
      else body.push(`${i},create,i${i},${1 + (i % 5)},1024,${i % 2 ? 40 : ''},ssd=true,,${1 + (i % 4)}`);
    }
    await expectSameAsOnePass(write(`${body.join('\n')}\n`));
  });

  it('gives up as one pass does: a quote in a late row or in the header, a header without the columns', async () => {
    const r = rows(3000, 3);
    r[2500] = '1250,create,"q",1,512,1,,,,';
    expect((await expectSameAsOnePass(write(`${[HEADER, ...r].join('\n')}\n`))).shapes).toBeUndefined();
    const quoted = `${['time,event,"id",vcpus,memory_mb', ...rows(2000)].join('\n')}\n`;
    expect((await expectSameAsOnePass(write(quoted))).shapes).toBeUndefined();
    const noColumns = `${['a,b,c', ...rows(2000)].join('\n')}\n`;
    expect((await expectSameAsOnePass(write(noColumns))).shapes).toBeUndefined();
  });

  it('falls back to one pass for a line longer than the tail, or a header longer than a chunk', async () => {
    const r = rows(3000, 5);
    r[1500] = `750,create,${'x'.repeat(10_000)},1,512,1,,,,`;
    await expectSameAsOnePass(write(`${[HEADER, ...r].join('\n')}\n`), { helperTakes: false });
    const longHeader = `${HEADER},${'y'.repeat(5000)}`;
    await expectSameAsOnePass(write(`${[longHeader, ...rows(3000)].join('\n')}\n`), { helperTakes: false });
  });

  it('reads a small file in one pass: the helper is not asked', async () => {
    let asked = 0;
    const path = write(`${[HEADER, ...rows(100)].join('\n')}\n`);
    await scanTraceAndShapes(path, async (job) => {
      asked++;
      return guessFarChunks(job);
    });
    expect(asked).toBe(0);
  });
});

describe("the pool's guess helper", () => {
  it("reads a job's chunks on a worker thread, from the end, as this thread would", async () => {
    const path = write(`${[HEADER, ...rows(3000, 11)].join('\n')}\n`);
    const file = await open(path, 'r');
    let job: GuessChunksJob;
    try {
      job = (await planSplit(path, file, (await file.stat()).size, SPLITS[1]))!;
    } finally {
      await file.close();
    }
    const executor = new PoolExecutor({ workers: 1 });
    let parts: readonly ChunkPart[];
    try {
      // Nothing taken here: the worker takes every chunk.
      parts = await executor.guessHelper(job);
    } finally {
      await executor.close();
    }
    expect(parts.map((p) => p.chunk)).toEqual(
      Array.from({ length: job.chunks }, (_, k) => job.chunks - 1 - k),
    );
    const one = await scanTraceAndShapes(path);
    const sorted = [...parts].sort((a, b) => a.chunk - b.chunk);
    expect(sorted.reduce((n, p) => n + p.breaks, 0) + 1).toBe(one.lines);
    expect(sameShapes(distributionOf(sorted)!, one.shapes!)).toBe(true);
  });
});
