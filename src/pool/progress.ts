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

/**
 * The progress text after the bar, and the whole of a plain line after `progress: `: share of
 * rows, rows, tasks (and failures), elapsed time and, once there is a rate to go by, the ETA. Before
 * any task is queued (traces still being read) it says so instead of showing empty counts.
 */
export function progressText(p: ProgressSnapshot, elapsedMs: number): string {
  if (p.tasksTotal === 0) return `reading the traces | elapsed ${formatDuration(elapsedMs)}`;
  const share = p.rowsTotal > 0 ? Math.min(1, p.rowsDone / p.rowsTotal) : 0;
  const failed = p.tasksFailed > 0 ? ` (${p.tasksFailed} failed)` : '';
  const parts = [
    `${Math.floor(100 * share)}%`,
    `rows ${n(p.rowsDone)}/${n(p.rowsTotal)}`,
    `tasks ${p.tasksDone}/${p.tasksTotal}${failed}`,
    `elapsed ${formatDuration(elapsedMs)}`,
  ];
  // ETA: the rows still to read at the rate seen so far; none before the first rows or at the end.
  const left = p.rowsTotal - p.rowsDone;
  if (p.rowsDone > 0 && left > 0 && p.tasksDone < p.tasksTotal)
    parts.push(`ETA ${formatDuration((elapsedMs * left) / p.rowsDone)}`);
  return parts.join(' | ');
}

/** One plain progress line (lines mode). */
export function progressLine(p: ProgressSnapshot, elapsedMs: number): string {
  return `progress: ${progressText(p, elapsedMs)}`;
}

/** Shows a run's progress until stopped; it reads a snapshot on its own timer. */
export class ProgressReporter {
  private timer: NodeJS.Timeout | undefined;
  private bars: cliProgress.MultiBar | undefined;
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
      // A MultiBar of one bar: its log() puts a line above the bar instead of onto its line.
      this.bars = new cliProgress.MultiBar({
        stream: this.o.stream,
        format: '{bar} {text}',
        gracefulExit: false,
        hideCursor: false,
        fps: 5,
      });
      const p = read();
      this.bar = this.bars.create(Math.max(1, p.rowsTotal), p.rowsDone, { text: progressText(p, 0) });
      this.timer = setInterval(() => this.redraw(), this.o.redrawMs ?? 200);
      this.timer.unref();
    }
  }

  /**
   * Print a message line on the progress stream: above the bar on a terminal (the bar redrawn
   * below it), as is otherwise.
   */
  log(line: string): void {
    if (this.bars) {
      this.bars.log(`${line}\n`);
      this.redraw();
    } else this.o.stream.write(`${line}\n`);
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
    if (this.bars) {
      this.redraw();
      this.bars.stop();
      this.bars = undefined;
      this.bar = undefined;
    }
    // A final line only when the run was long enough to show any: short runs stay silent.
    if (this.o.mode === 'lines' && this.linesWritten > 0) this.writeLine();
    this.read = undefined;
  }

  private redraw(): void {
    if (!this.bars || !this.bar || !this.read) return;
    const p = this.read();
    this.bar.setTotal(Math.max(1, p.rowsTotal));
    this.bar.update(p.rowsDone, { text: progressText(p, this.now() - this.started) });
    // MultiBar draws on its own timer; drawing now also flushes the lines logged meanwhile.
    this.bars.update();
  }
}
