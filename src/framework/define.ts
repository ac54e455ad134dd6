import type { z } from 'zod';
import type { FilterDefinition, WeigherDefinition } from './types.ts';

/** A filter definition, typed from its options shape. */
export function defineHostFilter<S extends z.ZodRawShape = Record<never, never>>(
  def: Omit<FilterDefinition<S>, 'options'> & { readonly options?: S },
): FilterDefinition<S> {
  return { ...def, options: def.options ?? ({} as S) };
}

/** A weigher definition, typed from its options shape. */
export function defineHostWeigher<S extends z.ZodRawShape = Record<never, never>>(
  def: Omit<WeigherDefinition<S>, 'options'> & { readonly options?: S },
): WeigherDefinition<S> {
  return { ...def, options: def.options ?? ({} as S) };
}
