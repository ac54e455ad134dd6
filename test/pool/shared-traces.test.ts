// prepareTraces makes a streamed plain trace's shape guess once, beside its line count.
import { describe, expect, it } from 'vitest';
import { guessShapes, sameShapes } from '../../src/metrics/shape-guess.ts';
import { prepareTraces } from '../../src/pool/shared-traces.ts';
import { scanTrace } from '../../src/trace/columnar-builder.ts';
import { generated } from '../helpers/pool.ts';

describe('prepareTraces', () => {
  it('guesses the shapes of a trace its tasks stream, and of none it shares, reads through an adapter or leaves to one task among several traces', async () => {
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

    // Two traces of one task each: each task guesses its own, on its worker.
    const other = generated(200, 8, 2);
    const two = await prepareTraces(
      new Map([
        [g.trace, 1],
        [other.trace, 1],
      ]),
      { mode: 'auto', onBadRow: 'stop' },
    );
    expect([...two.values()].map((t) => t.shapeGuess)).toEqual([undefined, undefined]);
    expect(two.get(other.trace)!.rows).toBe((await scanTrace(other.trace)).lines - 1);

    const adapted = await prepareTraces(new Map([[g.trace, 1]]), {
      mode: 'auto',
      onBadRow: 'stop',
      streamOnly: 'read through --trace-format or transforms',
    });
    expect(adapted.get(g.trace)!.shapeGuess).toBeUndefined();
    expect(adapted.get(g.trace)!.rows).toBe(lines - 1);
  });
});
