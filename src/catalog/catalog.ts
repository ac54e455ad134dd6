import { InputError, UsageError } from '../common/errors.ts';
import { isFrameworkStrategy } from '../framework/strategy.ts';
import type { FilterDefinition, PluginSet, WeigherDefinition } from '../framework/types.ts';
import type { AnyStrategy } from '../scheduler/strategy.ts';

/** What a catalog starts with, or what one file adds to it. */
export interface CatalogContents {
  readonly strategies?: readonly AnyStrategy[];
  readonly filters?: readonly FilterDefinition[];
  readonly weighers?: readonly WeigherDefinition[];
}

/**
 * Everything a run can name: strategies, filters and weighers (Kubernetes' plugin Registry). One
 * value, built by the bootstrap and passed to config parsing and the builders: a framework strategy
 * is looked up bound to this catalog's filters and weighers, so it can name plugin ones. The
 * manager never sees it. Names are unique across what the catalog holds; adding the same value again
 * (a worker loading a file the main thread loaded) is a no-op.
 */
export class Catalog implements PluginSet {
  private readonly strategyByName = new Map<string, AnyStrategy>();
  private readonly filterByName = new Map<string, FilterDefinition>();
  private readonly weigherByName = new Map<string, WeigherDefinition>();
  /** The file each strategy came from (for messages about a worker that died running it). */
  private readonly fileByStrategy = new Map<string, string>();
  /** Framework strategies bound to the current filters and weighers; cleared when they change. */
  private readonly bound = new Map<string, AnyStrategy>();

  constructor(contents: CatalogContents = {}) {
    this.add(contents);
  }

  get filters(): ReadonlyMap<string, FilterDefinition> {
    return this.filterByName;
  }

  get weighers(): ReadonlyMap<string, WeigherDefinition> {
    return this.weigherByName;
  }

  /** Add what a file exports; `file` names it in a clash (without it a clash is a programming error). */
  add(contents: CatalogContents, file?: string): void {
    for (const s of contents.strategies ?? []) this.addStrategy(s, file);
    for (const f of contents.filters ?? []) this.addPlugin(this.filterByName, 'filter', f, file);
    for (const w of contents.weighers ?? []) this.addPlugin(this.weigherByName, 'weigher', w, file);
  }

  addStrategy(strategy: AnyStrategy, file?: string): void {
    const known = this.strategyByName.get(strategy.name);
    if (known === strategy) return;
    if (known !== undefined) throw clash('strategy', strategy.name, file);
    this.strategyByName.set(strategy.name, strategy);
    if (file !== undefined) this.fileByStrategy.set(strategy.name, file);
  }

  /** The file strategy `name` was loaded from; undefined for a built-in one. */
  fileOf(name: string): string | undefined {
    return this.fileByStrategy.get(name);
  }

  private addPlugin<T extends { name: string }>(
    into: Map<string, T>,
    kind: string,
    def: T,
    file: string | undefined,
  ): void {
    const known = into.get(def.name);
    if (known === def) return;
    if (known !== undefined) throw clash(kind, def.name, file);
    into.set(def.name, def);
    this.bound.clear();
  }

  /** The strategy of that name, a framework strategy bound to this catalog's filters and weighers. */
  get(name: string): AnyStrategy {
    const s = this.strategyByName.get(name);
    if (!s) throw new UsageError(`unknown strategy "${name}" (known: ${this.names().join(', ')})`);
    if (!isFrameworkStrategy(s)) return s;
    let b = this.bound.get(name);
    if (b === undefined) {
      // Named as registered: a copy under another name (tests do it) keeps that name.
      b = { ...s.withPlugins(this), name: s.name, description: s.description };
      this.bound.set(name, b);
    }
    return b;
  }

  has(name: string): boolean {
    return this.strategyByName.has(name);
  }

  names(): string[] {
    return [...this.strategyByName.keys()];
  }

  list(): AnyStrategy[] {
    return this.names().map((name) => this.get(name));
  }
}

function clash(kind: string, name: string, file: string | undefined): Error {
  if (file === undefined) return new Error(`${kind} "${name}" is registered twice`);
  return new InputError(file, undefined, 'name', `${kind} "${name}" is already registered`);
}
