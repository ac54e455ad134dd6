/** Parsed flavor extra specs, in Nova's dict order (first insertion position, last value wins). */
export interface ExtraSpecs {
  /** The raw text, a cache key for strategies that precompute per distinct extra specs. */
  readonly key: string;
  readonly entries: readonly (readonly [string, string])[];
}
