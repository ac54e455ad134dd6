import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';

/** What one CLI run did. `code` is null when the run did not end by returning from main(). */
export interface CliResult {
  readonly argv: readonly string[];
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
  /** Uncaught exceptions or unhandled rejections seen while the run was going. */
  readonly stray: readonly string[];
  /** Set when the run did not finish: `timeout after N ms`, or how the child process died. */
  readonly abnormal?: string;
}

const CHILD = join(import.meta.dirname, 'cli-child.mjs');

interface Pending {
  id: number;
  argv: readonly string[];
  started: number;
  resolve: (r: CliResult) => void;
  timer: NodeJS.Timeout;
}

/**
 * Runs `schedbench` commands in-process in one long-lived child (cli-child.mjs), one at a time. A
 * run past `timeoutMs` kills the child (the next run starts a fresh one): a hang or a runaway
 * allocation costs at most the time bound and the child's heap cap, never the test process.
 */
export class CliRunner {
  private child: ChildProcess | undefined;
  private ready: Promise<void> | undefined;
  private pending: Pending | undefined;
  private nextId = 1;

  constructor(
    private readonly timeoutMs: number,
    private readonly heapMb = 768,
  ) {}

  async run(argv: readonly string[]): Promise<CliResult> {
    const child = await this.start();
    return new Promise<CliResult>((resolve) => {
      const id = this.nextId++;
      const timer = setTimeout(() => {
        this.finish({ code: null, abnormal: `timeout after ${this.timeoutMs} ms` });
        this.kill();
      }, this.timeoutMs);
      this.pending = { id, argv, started: performance.now(), resolve, timer };
      child.send({ id, argv });
    });
  }

  async close(): Promise<void> {
    this.kill();
  }

  private finish(r: Partial<CliResult> & { code: number | null }): void {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    clearTimeout(p.timer);
    p.resolve({
      argv: p.argv,
      stdout: '',
      stderr: '',
      stray: [],
      ms: performance.now() - p.started,
      ...r,
    });
  }

  private start(): Promise<ChildProcess> {
    if (this.child && this.ready) return this.ready.then(() => this.child!);
    const child = fork(CHILD, [], {
      execArgv: [`--max-old-space-size=${this.heapMb}`],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...process.env, SCHEDBENCH_DEBUG: '', NO_COLOR: '1' },
    });
    // Output written outside a run (should not happen) is kept for the next failure message.
    let outside = '';
    child.stdout?.on('data', (d) => {
      outside += d;
    });
    child.stderr?.on('data', (d) => {
      outside += d;
    });
    this.child = child;
    this.ready = new Promise<void>((resolve, reject) => {
      child.on('message', (m: { ready?: boolean; id?: number } & Partial<CliResult>) => {
        if (m.ready) return resolve();
        if (this.pending && m.id === this.pending.id) {
          this.finish({
            code: m.code ?? null,
            stdout: m.stdout ?? '',
            stderr: m.stderr ?? '',
            stray: m.stray ?? [],
            ms: m.ms,
          });
        }
      });
      child.on('exit', (code, signal) => {
        const how = signal ? `signal ${signal}` : `exit code ${code}`;
        reject(new Error(`fuzz child died before it was ready (${how}): ${outside.slice(-2000)}`));
        // A child killed on a timeout is no longer current: its run is already settled.
        if (this.child !== child) return;
        this.child = undefined;
        this.ready = undefined;
        this.finish({
          code: null,
          stderr: outside.slice(-4000),
          abnormal: `the process running main() ended (${how}) during the run`,
        });
      });
    });
    return this.ready.then(() => child);
  }

  private kill(): void {
    const child = this.child;
    this.child = undefined;
    this.ready = undefined;
    if (child && child.exitCode === null) child.kill('SIGKILL');
  }
}
