import { ContractError, InputError, UsageError } from '../../src/common/errors.ts';
import { PluginError, type PluginPhase, SchedulingError, thrownReason } from '../../src/scheduler/errors.ts';

/**
 * What a plugin threw, as the error the run fails with: its own SchedulingError (a filter raising,
 * as in Nova) and errors already naming a plugin pass; anything else (an Error, `null`, a string, a
 * broken contract) becomes a PluginError naming the file and the phase.
 */
export function pluginFailure(err: unknown, label: string, phase: PluginPhase, who: string): unknown {
  if (err instanceof SchedulingError || err instanceof PluginError) return err;
  if (err instanceof ContractError) return new PluginError(label, phase, err.message);
  return new PluginError(label, phase, `${who}: ${thrownReason(err)}`);
}

/** At create: user errors (an unknown filter name in the options...) keep their own message. */
export function createFailure(err: unknown, label: string, who: string): unknown {
  if (err instanceof InputError || err instanceof UsageError) return err;
  return pluginFailure(err, label, 'create', who);
}
