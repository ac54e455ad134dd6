import { quote } from '../common/safe-text.ts';

/** Parsed flavor extra specs, in Nova's dict order (first insertion position, last value wins). */
export interface ExtraSpecs {
  /** The raw text, a cache key for strategies that precompute per distinct extra specs. */
  readonly key: string;
  readonly entries: readonly (readonly [string, string])[];
}

/** A Placement trait name (os-traits' standard names and CUSTOM_*): upper-case letters, digits, `_`. */
export const TRAIT_NAME = /^[A-Z0-9_]+$/;

/** The extra-spec prefix of a Placement trait: `trait:NAME=required|forbidden`. */
export const TRAIT_PREFIX = 'trait:';

// Nova's ResourceRequest.XS_KEYPAT: the extra specs that reach Placement.
const PLACEMENT_KEY = /^(resources|trait)([a-zA-Z0-9_-]{1,64})?:(.*)$/;

/**
 * Why an extra spec that Nova hands to Placement cannot be read, or undefined: `trait:NAME` needs
 * a trait name and `required` or `forbidden`; `resources[N]:` and `traitN:` (resource overrides,
 * granular request groups) are not modelled, so they are refused rather than ignored.
 */
export function placementSpecProblem(key: string, value: string): string | undefined {
  const m = PLACEMENT_KEY.exec(key);
  if (m === null) return undefined;
  if (m[1] === 'resources' || m[2] !== undefined) {
    return `${quote(key)}: resource amounts and numbered request groups in extra specs are not modelled (only trait:NAME)`;
  }
  if (!TRAIT_NAME.test(m[3])) return `${quote(key)}: expected a trait name of A-Z, 0-9 and _ after "trait:"`;
  if (value !== 'required' && value !== 'forbidden') return `${key}: expected required or forbidden`;
  return undefined;
}
