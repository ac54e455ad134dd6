import { StrategyRegistry } from '../src/scheduler/strategy-registry.ts';
import { filterStrategy } from './filter.ts';

/** Every built-in strategy, in the order `schedbench strategies` lists them. */
export const BUILTIN_STRATEGIES = [filterStrategy] as const;

/** A registry holding the built-in strategies. */
export function builtinRegistry(): StrategyRegistry {
  return new StrategyRegistry([...BUILTIN_STRATEGIES]);
}
