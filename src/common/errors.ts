import { escapeControls, safeMessage } from './safe-text.ts';

/**
 * An error in a user's input: a file, and where known the line and the field.
 * The CLI prints `message` as the one line a user sees and exits with code 2. Every part is made
 * safe to print (control characters escaped, long values cut), so a hostile value cannot forge a
 * second line or reach the terminal as an escape sequence.
 */
export class InputError extends Error {
  readonly file: string;
  readonly line: number | undefined;
  readonly field: string | undefined;
  readonly reason: string;

  constructor(file: string, line: number | undefined, field: string | undefined, reason: string) {
    file = escapeControls(file);
    field = field === undefined ? undefined : safeMessage(field);
    reason = safeMessage(reason);
    const where = line === undefined ? file : `${file}:${line}`;
    super(field === undefined ? `${where}: ${reason}` : `${where}: ${field}: ${reason}`);
    this.name = 'InputError';
    this.file = file;
    this.line = line;
    this.field = field;
    this.reason = reason;
  }
}

/**
 * A usage error on the command line (an unknown strategy, a bad flag value). Exit code 2. The
 * message is made safe to print, as InputError's is.
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(safeMessage(message));
    this.name = 'UsageError';
  }
}

/**
 * A command that has already reported what went wrong and ends with a given exit code (1: a failed
 * check or failed cells, 130: interrupted). `message`, when given, is printed as the one error line.
 */
export class ExitStatus extends Error {
  constructor(
    readonly code: number,
    message = '',
  ) {
    super(message);
    this.name = 'ExitStatus';
  }
}

/**
 * A strategy broke the driver contract (a host number that is no host, a host table written behind
 * the compute node's back, a NaN score). Thrown where it is seen; at the plugin boundary it becomes a
 * PluginError naming the file. From a built-in strategy it stays internal: a bug in schedbench.
 */
export class ContractError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContractError';
  }
}
