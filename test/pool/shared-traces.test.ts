// prepareTraces makes a streamed plain trace's shape guess once, beside its line count.
import { describe, expect, it } from 'vitest';
import { guessShapes, sameShapes } from '../../src/metrics/shape-guess.ts';
import { prepareTraces } from '../../src/pool/shared-traces.ts';
import { scanTrace } from '../../src/trace/columnar-builder.ts';
import { generated } from '../helpers/pool.ts';

describe('prepareTraces', () => {
  it('guesses the shapes of a trace streamed by one task, and of none it shares or reads through an adapter', async () => {
    const g = generated(300, 8);
    const { lines } = await scanTrace(g.trace);
    const once = (await prepareTraces(new Map([[g.trace, 1]]), { mode: 'auto', onBadRow: 'stop' })).get(
      g.trace,
    )!;
    expect(once.shared).toBeUndefined();
    expect(once.rows).toBe(lines - 1);
    expect(sameShapes(once.shapeGuess!, (await guessShapes(g.trace))!)).toBe(true);

    const never = (await prepareTraces(new Map([[g.trace, 3]]), { mode: 'never', onBadRow: 'stop' })).get(
      g.trace,
    )!;
    expect(sameShapes(never.shapeGuess!, once.shapeGuess!)).toBe(true);

    const shared = (await prepareTraces(new Map([[g.trace, 3]]), { mode: 'auto', onBadRow: 'stop' })).get(
      g.trace,
    )!;
    expect(shared.shared).toBeDefined();
    expect(shared.shapeGuess).toBeUndefined();

    const adapted = await prepareTraces(new Map([[g.trace, 1]]), {
      mode: 'auto',
      onBadRow: 'stop',
      streamOnly: 'read through --trace-format or transforms',
    });
    expect(adapted.get(g.trace)!.shapeGuess).toBeUndefined();
    expect(adapted.get(g.trace)!.rows).toBe(lines - 1);
  });
});
