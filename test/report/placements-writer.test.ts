import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PlacementsWriter } from '../../src/report/placements-writer.ts';
import type { InstanceOutcome } from '../../src/scheduler/outcome.ts';
import type { RequestSpec } from '../../src/scheduler/request-spec.ts';

function outcome(seq: number, ids: string[], index: number, host: number, attempts: number): InstanceOutcome {
  const spec = { requestId: ids[0], instanceIds: ids } as unknown as RequestSpec;
  return {
    seq,
    context: { time: 0 },
    spec,
    index,
    host,
    slot: -1,
    attempts,
    reason: undefined,
    emptiedBy: undefined,
    alternates: new Int32Array(0),
    alternateCount: 0,
  };
}

function tempFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'placements-')), 'p.csv');
}

describe('PlacementsWriter', () => {
  it('writes seq,id,host,attempts rows, quoting ids and host names that need it', () => {
    const path = tempFile();
    const w = new PlacementsWriter(path, ['h0', 'rack,1', 'say "hi"']);
    w.instanceScheduled(outcome(1, ['a'], 0, 0, 1));
    w.instanceScheduled(outcome(2, ['x,y', 'q"z'], 0, 1, 2));
    w.instanceScheduled(outcome(3, ['x,y', 'q"z'], 1, 2, 10));
    w.instanceScheduled(outcome(4, ['line\nbreak'], 0, -1, 3));
    w.instanceScheduled(outcome(5, ['cr\rid'], 0, 0, 0));
    w.finish();
    expect(readFileSync(path, 'utf8')).toBe(
      'seq,id,host,attempts\n' +
        '1,a,h0,1\n' +
        '2,"x,y","rack,1",2\n' +
        '3,"q""z","say ""hi""",10\n' +
        '4,"line\nbreak",,3\n' +
        '5,"cr\rid",h0,0\n',
    );
  });

  it('encodes non-ASCII ids and host names as UTF-8, quoted only when they need it', () => {
    const path = tempFile();
    const w = new PlacementsWriter(path, ['höst']);
    w.instanceScheduled(outcome(1, ['ü-1'], 0, 0, 1));
    w.instanceScheduled(outcome(2, ['日本,語'], 0, 0, 1));
    w.finish();
    expect(readFileSync(path, 'utf8')).toBe('seq,id,host,attempts\n1,ü-1,höst,1\n2,"日本,語",höst,1\n');
  });

  it('keeps every row, in order, across many buffer flushes and multi-digit numbers', () => {
    const path = tempFile();
    const w = new PlacementsWriter(path, ['a', 'b']);
    const rows = 20_000;
    const expected = ['seq,id,host,attempts'];
    for (let s = 1; s <= rows; s++) {
      const id = `inst-${s * 7919}`;
      w.instanceScheduled(outcome(s, [id], 0, s % 2, s % 13));
      expected.push(`${s},${id},${s % 2 === 0 ? 'a' : 'b'},${s % 13}`);
    }
    // A row longer than the whole buffer is written too.
    const long = 'L'.repeat(70_000);
    w.instanceScheduled(outcome(rows + 1, [long], 0, 0, 1));
    expected.push(`${rows + 1},${long},a,1`);
    w.instanceScheduled(outcome(1234567890, ['last'], 0, 1, 99));
    expected.push('1234567890,last,b,99');
    w.finish();
    expect(readFileSync(path, 'utf8')).toBe(`${expected.join('\n')}\n`);
  });

  it('writes each seq as itself after a jump, a repeat or a carry into a new digit', () => {
    const path = tempFile();
    const w = new PlacementsWriter(path, ['a']);
    const seqs = [7, 8, 9, 10, 99, 100, 100, 101, 0, 1, 999_999, 1_000_000, 1_000_001, 2 ** 53 - 1, 5];
    for (const s of seqs) w.instanceScheduled(outcome(s, ['i'], 0, 0, 1));
    w.finish();
    const body = seqs.map((s) => `${s},i,a,1\n`).join('');
    expect(readFileSync(path, 'utf8')).toBe(`seq,id,host,attempts\n${body}`);
  });

  it('abort leaves no file', () => {
    const path = tempFile();
    const w = new PlacementsWriter(path, ['a']);
    w.instanceScheduled(outcome(1, ['a'], 0, 0, 1));
    w.abort();
    expect(() => readFileSync(path)).toThrow();
  });
});
