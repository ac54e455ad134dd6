import { forceExit } from '../common/process-guard.ts';

/** The signals that stop a command: Ctrl-C, and what `timeout`, CI runners and `docker stop` send. */
export type StopSignal = 'SIGINT' | 'SIGTERM';

/** The exit code of a command a signal stopped: 128 + the signal's number, as a shell reports it. */
export const SIGNAL_EXIT_CODE: Readonly<Record<StopSignal, number>> = { SIGINT: 130, SIGTERM: 143 };

/** How the one line after a stop names the signal. */
export function stoppedBy(signal: StopSignal): string {
  return signal === 'SIGINT' ? 'interrupted' : 'terminated (SIGTERM)';
}

/** A command's SIGINT/SIGTERM handling (watchStopSignals). */
export interface StopSignals {
  /** The first signal received, if any. */
  readonly received: () => StopSignal | undefined;
  /** Aborted on the first signal. */
  readonly signal: AbortSignal;
  /** Stop listening, unless a signal came: the process is ending then, and a second one must still force the exit. */
  release(): void;
}

/**
 * SIGINT and SIGTERM handling for a command: the first signal aborts `signal` (and calls `onFirst`)
 * so the command stops at its next check, discards its partial output and exits with
 * SIGNAL_EXIT_CODE; a second one ends the process at once with the first one's code (forceExit,
 * which runs the onForcedExit hooks: temp files are removed).
 */
export function watchStopSignals(onFirst?: (signal: StopSignal) => void): StopSignals {
  const abort = new AbortController();
  let received: StopSignal | undefined;
  const onSignal = (signal: StopSignal) => {
    if (received !== undefined) {
      process.stderr.write(`schedbench: second ${signal}: exiting now\n`);
      forceExit(SIGNAL_EXIT_CODE[received]);
    }
    received = signal;
    onFirst?.(signal);
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    received: () => received,
    signal: abort.signal,
    release() {
      if (received !== undefined) return;
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
