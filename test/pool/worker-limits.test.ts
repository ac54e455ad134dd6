import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { WORKER_YOUNG_GENERATION_MB, workerResourceLimits } from '../../src/pool/executor.ts';

/** A thread that churns short-lived objects, then reports how big its young generation grew (MB). */
function youngGenerationAfterChurn(limits: ReturnType<typeof workerResourceLimits> | undefined) {
  const code = `
    const { parentPort } = require('node:worker_threads');
    const v8 = require('node:v8');
    let keep = [];
    for (let i = 0; i < 2e6; i++) { keep.push({ i, s: 'x' + i }); if (keep.length > 50000) keep = []; }
    const s = v8.getHeapSpaceStatistics().find((x) => x.space_name === 'new_space');
    parentPort.postMessage(s.space_size / 1048576);`;
  return new Promise<number>((resolve, reject) => {
    const w = new Worker(code, { eval: true, resourceLimits: limits });
    w.once('message', (mb: number) => {
      resolve(mb);
      void w.terminate();
    });
    w.once('error', reject);
  });
}

describe('pool worker heap limits', () => {
  it('caps the young generation, and the old one only when --max-heap asks', () => {
    expect(workerResourceLimits()).toEqual({ maxYoungGenerationSizeMb: 12 });
    expect(workerResourceLimits(96)).toEqual({ maxYoungGenerationSizeMb: 12, maxOldGenerationSizeMb: 96 });
  });

  it('keeps a churning worker young generation within the limit (V8 grows it to 32 MB unlimited)', async () => {
    const [limited, unlimited] = await Promise.all([
      youngGenerationAfterChurn(workerResourceLimits()),
      youngGenerationAfterChurn(undefined),
    ]);
    expect(limited).toBeLessThanOrEqual(WORKER_YOUNG_GENERATION_MB);
    expect(unlimited).toBeGreaterThan(WORKER_YOUNG_GENERATION_MB);
  });
});
