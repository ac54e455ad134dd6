/** Reasons an instance ends in ERROR, as Nova words them. */
export const NO_VALID_HOST = 'No valid host was found.';
export const MAX_RETRIES = 'Exceeded maximum number of retries.';

/** Nova's NoValidHost: raised when no host is left for an instance. */
export class NoValidHost extends Error {
  constructor(readonly reason: string = NO_VALID_HOST) {
    super(`No valid host was found. ${reason}`.trim());
    this.name = 'NoValidHost';
  }
}

/**
 * A filter raised while it evaluated a host (in Nova, e.g. `float()` of a non-numeric value in
 * extra_specs_ops). The scheduling call fails and the instance goes to ERROR.
 */
export class SchedulingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SchedulingError';
  }
}
