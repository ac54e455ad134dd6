// A replay that finished but whose report fails its own schema (a schedbench bug, e.g. a metric
// that came out NaN) loses nothing: the figures are kept beside the reports, and the error says so.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { builtinCatalog } from '../../src/catalog/bootstrap.ts';
import { InlineExecutor } from '../../src/pool/executor.ts';
import { readReports } from '../../src/report/read-report.ts';
import { reportSchema } from '../../src/report/schema.ts';
import { generated, runFixture } from '../helpers/pool.ts';
import { tempDir } from '../helpers/replay.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('a report that fails its own schema', () => {
  it('is written as <cell>.invalid.json with the real figures, and the cell fails as internal naming it', async () => {
    const g = generated(300, 8);
    const out = tempDir();
    const real = reportSchema.safeParse.bind(reportSchema);
    let calls = 0;
    // The second cell's report is refused at one field; the first is valid.
    vi.spyOn(reportSchema, 'safeParse').mockImplementation(((value: unknown) => {
      calls++;
      if (calls === 2) {
        return {
          success: false,
          error: {
            issues: [{ path: ['quality', 'balance_cv', 'cpu'], message: 'expected number, received NaN' }],
          },
        };
      }
      return real(value);
    }) as never);
    const { outcomes } = await runFixture(
      {
        spec: {
          traces: [g.trace],
          strategies: ['filter'],
          configs: [],
          setFlags: [],
          sweepFlags: [],
          seeds: [1, 2],
        },
        clusterPath: g.cluster,
        outDir: out,
        sharing: 'never',
      },
      new InlineExecutor(builtinCatalog()),
      builtinCatalog(),
    );
    expect(outcomes.map((o) => o.status)).toEqual(['ok', 'failed']);
    const kept = join(out, 'filter__seed=2.invalid.json');
    expect(outcomes[1].error).toEqual({
      kind: 'internal',
      message: `the report fails its own schema at quality.balance_cv.cpu: expected number, received NaN (the unvalidated report is kept in ${kept})`,
      stack: expect.any(String),
    });
    expect(existsSync(join(out, 'filter__seed=2.json'))).toBe(false);
    // The kept figures are the replay's own: same trace and instance count as the valid cell.
    const good = JSON.parse(readFileSync(join(out, 'filter__seed=1.json'), 'utf8'));
    const bad = JSON.parse(readFileSync(kept, 'utf8'));
    expect(bad.placement.instances).toBe(good.placement.instances);
    expect(bad.inputs.trace.sha256).toBe(good.inputs.trace.sha256);
    // The gate reading the folder sees the one valid report, not the kept file.
    vi.restoreAllMocks();
    expect(readReports([out]).map((l) => l.path)).toEqual([join(out, 'filter__seed=1.json')]);
  });
});
