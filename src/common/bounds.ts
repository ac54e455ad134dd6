import { z } from 'zod';
import { MAX_ALLOCATION_RATIO, MAX_MULTIPLIER, MAX_SIZE } from './limits.ts';

// The zod forms of src/common/limits.ts, shared by the cluster file, the run config and strategy
// options, so every edge refuses the same values with the same words.

/** An allocation ratio: a finite number in (0, MAX_ALLOCATION_RATIO]. */
export const allocationRatio = () =>
  z
    .number()
    .positive()
    .max(MAX_ALLOCATION_RATIO, {
      error: `expected a ratio greater than 0 and at most ${MAX_ALLOCATION_RATIO}`,
    });

/** A size (vcpus, memory_mb, disk_gb, a reserved amount): an integer in [0, MAX_SIZE]. */
// The bound comes before `.int()`, whose own safe-integer bound would otherwise be the one reported.
export const size = () =>
  z
    .number()
    .nonnegative()
    .max(MAX_SIZE, { error: `expected an integer from 0 to ${MAX_SIZE.toLocaleString('en-US')}` })
    .int();

/** A weigher multiplier: finite, at most MAX_MULTIPLIER in absolute value. */
export const multiplier = () =>
  z
    .number()
    .min(-MAX_MULTIPLIER, { error: `expected a multiplier from -${MAX_MULTIPLIER} to ${MAX_MULTIPLIER}` })
    .max(MAX_MULTIPLIER, { error: `expected a multiplier from -${MAX_MULTIPLIER} to ${MAX_MULTIPLIER}` });
