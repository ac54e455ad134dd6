import { UsageError } from '../common/errors.ts';
import type { AnyStrategy, Strategy } from './strategy.ts';

/** Strategies by name. The manager never sees this: the CLI and the pool look strategies up here. */
export class StrategyRegistry {
  private readonly byName = new Map<string, Strategy<unknown>>();

  constructor(strategies: readonly AnyStrategy[] = []) {
    for (const s of strategies) this.register(s);
  }

  register(strategy: AnyStrategy): void {
    if (this.byName.has(strategy.name)) throw new Error(`strategy "${strategy.name}" is registered twice`);
    this.byName.set(strategy.name, strategy);
  }

  get(name: string): Strategy<unknown> {
    const s = this.byName.get(name);
    if (!s) throw new UsageError(`unknown strategy "${name}" (known: ${this.names().join(', ')})`);
    return s;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  list(): Strategy<unknown>[] {
    return [...this.byName.values()];
  }
}
