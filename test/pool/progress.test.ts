import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ProgressSnapshot } from '../../src/pool/dispatcher.ts';
import {
  formatDuration,
  ProgressReporter,
  progressLine,
  progressMode,
  progressText,
} from '../../src/pool/progress.ts';

/** A stream that keeps what is written; `isTTY` as asked. */
function sink(isTTY: boolean) {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  }) as Writable & { isTTY?: boolean; columns?: number; cursorTo?: unknown; clearLine?: unknown };
  if (isTTY) {
    stream.isTTY = true;
    stream.columns = 200;
    stream.cursorTo = (_x: number, _y?: number, cb?: () => void) => cb?.() ?? true;
    stream.clearLine = (_d: number, cb?: () => void) => cb?.() ?? true;
    (stream as unknown as { moveCursor: unknown }).moveCursor = (_x: number, _y: number, cb?: () => void) =>
      cb?.() ?? true;
  }
  return { stream, text: () => chunks.join('') };
}

const snap = (p: Partial<ProgressSnapshot>): ProgressSnapshot => ({
  tasksTotal: 8,
  tasksDone: 0,
  tasksFailed: 0,
  rowsTotal: 800_000,
  rowsDone: 0,
  ...p,
});

afterEach(() => {
  vi.useRealTimers();
});

describe('progress', () => {
  it('picks the bar on a terminal, lines elsewhere, nothing with --quiet', () => {
    expect(progressMode(false, { isTTY: true })).toBe('bar');
    expect(progressMode(false, { isTTY: false })).toBe('lines');
    expect(progressMode(false, {})).toBe('lines');
    expect(progressMode(true, { isTTY: true })).toBe('quiet');
  });

  it('formats a plain line: share, rows, tasks, failures, elapsed and ETA', () => {
    // 200,000 of 800,000 rows in 30 s: 600,000 left at 200,000 per 30 s = 90 s = 1m30s.
    expect(progressLine(snap({ rowsDone: 200_000, tasksDone: 2, tasksFailed: 1 }), 30_000)).toBe(
      'progress: 25% | rows 200,000/800,000 | tasks 2/8 (1 failed) | elapsed 30s | ETA 1m30s',
    );
    expect(formatDuration(3_725_000)).toBe('1h02m');
    expect(formatDuration(59_400)).toBe('59s');
  });

  it('shows no empty counts before the tasks are queued, and no ETA without a rate or at the end', () => {
    expect(progressText(snap({ tasksTotal: 0, rowsTotal: 0 }), 2_000)).toBe(
      'reading the traces | elapsed 2s',
    );
    // No row read yet: no rate, so no ETA (never "ETA ?", "NFs" or "Infinity").
    expect(progressText(snap({}), 1_000)).toBe('0% | rows 0/800,000 | tasks 0/8 | elapsed 1s');
    // All rows read and every task done: nothing left to estimate.
    expect(progressText(snap({ rowsDone: 800_000, tasksDone: 8 }), 4_000)).toBe(
      '100% | rows 800,000/800,000 | tasks 8/8 | elapsed 4s',
    );
    // 799,999 of 800,000 is not yet 100%: the share rounds down.
    expect(progressText(snap({ rowsDone: 799_999, tasksDone: 7 }), 8_000)).toMatch(/^99% /);
  });

  it('lines mode writes a line per interval and a last one at the end; short runs stay silent', () => {
    vi.useFakeTimers();
    let now = 0;
    let p = snap({});
    const out = sink(false);
    const r = new ProgressReporter({ mode: 'lines', stream: out.stream, intervalMs: 1000, now: () => now });
    r.start(() => p);
    now = 1000;
    p = snap({ rowsDone: 100_000, tasksDone: 1 });
    vi.advanceTimersByTime(1000);
    now = 2000;
    p = snap({ rowsDone: 800_000, tasksDone: 8 });
    r.stop();
    expect(out.text()).toBe(
      'progress: 12% | rows 100,000/800,000 | tasks 1/8 | elapsed 1s | ETA 7s\n' +
        'progress: 100% | rows 800,000/800,000 | tasks 8/8 | elapsed 2s\n',
    );

    const quick = sink(false);
    const q = new ProgressReporter({ mode: 'lines', stream: quick.stream, intervalMs: 1000 });
    q.start(() => p);
    q.stop();
    expect(quick.text()).toBe('');
  });

  it('quiet mode writes nothing', () => {
    vi.useFakeTimers();
    const out = sink(true);
    const r = new ProgressReporter({ mode: 'quiet', stream: out.stream, intervalMs: 10 });
    r.start(() => snap({ rowsDone: 5 }));
    vi.advanceTimersByTime(100);
    r.stop();
    expect(out.text()).toBe('');
  });

  it('bar mode draws rows and tasks on the terminal stream', () => {
    vi.useFakeTimers();
    const out = sink(true);
    let p = snap({});
    const r = new ProgressReporter({ mode: 'bar', stream: out.stream, redrawMs: 100 });
    r.start(() => p);
    p = snap({ rowsDone: 400_000, tasksDone: 4, tasksFailed: 1 });
    vi.advanceTimersByTime(1000);
    r.stop();
    expect(out.text()).toContain('50% | rows 400,000/800,000 | tasks 4/8 (1 failed)');
  });

  it('bar mode puts a logged line above the bar, never onto its line', () => {
    vi.useFakeTimers();
    const out = sink(true);
    const p = snap({ rowsDone: 400_000, tasksDone: 4 });
    const r = new ProgressReporter({ mode: 'bar', stream: out.stream, redrawMs: 100 });
    r.start(() => p);
    r.log('trace t.csv: parsed once and shared');
    vi.advanceTimersByTime(500);
    r.stop();
    const lines = out.text().split('\n');
    const logged = lines.filter((l) => l.includes('trace t.csv'));
    expect(logged).toHaveLength(1);
    // The logged line carries no part of the bar: its own line, whole.
    expect(logged[0]).not.toContain('rows');
    const ansi = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]|\\r`, 'g');
    expect(logged[0].replace(ansi, '')).toBe('trace t.csv: parsed once and shared');
    // And the bar is drawn after it.
    expect(out.text().lastIndexOf('rows 400,000/800,000')).toBeGreaterThan(out.text().indexOf('trace t.csv'));
  });

  it('lines mode writes a logged line as is', () => {
    const out = sink(false);
    const r = new ProgressReporter({ mode: 'lines', stream: out.stream, intervalMs: 1000 });
    r.start(() => snap({}));
    r.log('running 2 cells on 2 workers');
    r.stop();
    expect(out.text()).toBe('running 2 cells on 2 workers\n');
  });
});
