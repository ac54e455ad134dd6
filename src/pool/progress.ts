import cliProgress from 'cli-progress';
import type { ProgressSnapshot } from './dispatcher.ts';

/** `bar`: a live cli-progress bar (a TTY); `lines`: a plain line now and then (CI logs); `quiet`. */
export type ProgressMode = 'bar' | 'lines' | 'quiet';

export interface ProgressOptions {
  readonly mode: ProgressMode;
  /** Where progress goes: stderr, so stdout stays parseable. */
  readonly stream: NodeJS.WritableStream;
  /** Milliseconds between plain lines. */
  readonly intervalMs?: number;
  /** Milliseconds between bar redraws. */
  readonly redrawMs?: number;
  /** A clock in milliseconds (tests); the display only, never a decision. */
  readonly now?: () => number;
}

/** The bar on a terminal, plain lines elsewhere, nothing with --quiet. */
export function progressMode(quiet: boolean, stream: { isTTY?: boolean }): ProgressMode {
  if (quiet) return 'quiet';
  return stream.isTTY ? 'bar' : 'lines';
}

const n = (x: number) => Math.round(x).toLocaleString('en-US');

/** `1h02m`, `3m05s`, `42s`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

/** One plain progress line: share of rows, rows, tasks (and failures), elapsed time and ETA. */
export function progressLine(p: ProgressSnapshot, elapsedMs: number): string {
  const share = p.rowsTotal > 0 ? Math.min(1, p.rowsDone / p.rowsTotal) : 0;
  // ETA: the rows still to read at the rate seen so far.
  const eta = p.rowsDone > 0 ? formatDuration((elapsedMs * (p.rowsTotal - p.rowsDone)) / p.rowsDone) : '?';
  const failed = p.tasksFailed > 0 ? ` (${p.tasksFailed} failed)` : '';
  return (
    `progress: ${(100 * share).toFixed(0)}% | rows ${n(p.rowsDone)}/${n(p.rowsTotal)} | ` +
    `tasks ${p.tasksDone}/${p.tasksTotal}${failed} | elapsed ${formatDuration(elapsedMs)} | ETA ${eta}`
  );
}

/** Shows a run's progress until stopped; it reads a snapshot on its own timer. */
export class ProgressReporter {
  private timer: NodeJS.Timeout | undefined;
  private bar: cliProgress.SingleBar | undefined;
  private read: (() => ProgressSnapshot) | undefined;
  private started = 0;
  private linesWritten = 0;
  private readonly now: () => number;

  constructor(private readonly o: ProgressOptions) {
    this.now = o.now ?? (() => performance.now());
  }

  start(read: () => ProgressSnapshot): void {
    this.read = read;
    this.started = this.now();
    if (this.o.mode === 'lines') {
      this.timer = setInterval(() => this.writeLine(), this.o.intervalMs ?? 10_000);
      this.timer.unref();
    } else if (this.o.mode === 'bar') {
      const p = read();
      this.bar = new cliProgress.SingleBar({
        stream: this.o.stream,
        format: '{bar} {percentage}% | rows {value}/{total} | tasks {tasks} | ETA {eta_formatted}',
        formatValue: (v, _opts, type) => (type === 'value' || type === 'total' ? n(v) : String(v)),
        gracefulExit: false,
        hideCursor: false,
        etaBuffer: 50,
        fps: 5,
      });
      this.bar.start(Math.max(1, p.rowsTotal), p.rowsDone, { tasks: tasksText(p) });
      this.timer = setInterval(() => this.redraw(), this.o.redrawMs ?? 200);
      this.timer.unref();
    }
  }

  /** Print a line now (lines mode), as the timer does. */
  writeLine(): void {
    if (!this.read) return;
    this.o.stream.write(`${progressLine(this.read(), this.now() - this.started)}\n`);
    this.linesWritten++;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    if (this.bar) {
      this.redraw();
      this.bar.stop();
      this.bar = undefined;
    }
    // A final line only when the run was long enough to show any: short runs stay silent.
    if (this.o.mode === 'lines' && this.linesWritten > 0) this.writeLine();
    this.read = undefined;
  }

  private redraw(): void {
    if (!this.bar || !this.read) return;
    const p = this.read();
    this.bar.setTotal(Math.max(1, p.rowsTotal));
    this.bar.update(p.rowsDone, { tasks: tasksText(p) });
  }
}

function tasksText(p: ProgressSnapshot): string {
  return `${p.tasksDone}/${p.tasksTotal}${p.tasksFailed > 0 ? ` (${p.tasksFailed} failed)` : ''}`;
}
