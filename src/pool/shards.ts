import { InvalidArgumentError } from 'commander';
import type { CellSpec } from './cells.ts';

/** `--shard K/N`: this process runs the K-th (1-based) of N slices of the matrix. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** The largest N of `--shard K/N`: far above any real fan-out, small enough to list. */
export const MAX_SHARDS = 10_000;

/** Parse `K/N` (1 <= K <= N <= MAX_SHARDS), as commander's argument parser. */
export function parseShard(value: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(value);
  const index = m ? Number(m[1]) : Number.NaN;
  const count = m ? Number(m[2]) : Number.NaN;
  if (!(count >= 1 && count <= MAX_SHARDS && index >= 1 && index <= count)) {
    throw new InvalidArgumentError(
      `--shard expects K/N with 1 <= K <= N <= ${MAX_SHARDS} (the K-th of N slices), got "${value}"`,
    );
  }
  return { index, count };
}

/**
 * The shard (1-based) of every cell, by index: a deterministic longest-first balance of the cells'
 * estimated costs (rows x hosts). Cells are taken from the costliest down (ties in matrix order),
 * each given to the shard with the least cost so far (ties: the lowest shard). Every shard of a
 * run computes the same assignment from the same inputs, so the shards together run each cell
 * exactly once.
 */
export function assignShards(
  cells: readonly CellSpec[],
  costOf: (c: CellSpec) => number,
  count: number,
): number[] {
  const order = cells.map((c, i) => ({ i, cost: costOf(c) }));
  order.sort((a, b) => b.cost - a.cost || a.i - b.i);
  const load = new Array<number>(count).fill(0);
  const shardOf = new Array<number>(cells.length);
  for (const { i, cost } of order) {
    let best = 0;
    for (let s = 1; s < count; s++) if (load[s] < load[best]) best = s;
    load[best] += cost;
    shardOf[i] = best + 1;
  }
  return shardOf;
}
