import { SchedulingError } from '../scheduler/errors.ts';
import type { FilterForm } from './fused-form.ts';

const FAIL = 0;
const PASS = 1;
const RAISE = 2;

/** One filter's verdict on every host for one request shape. */
export interface HostVerdicts {
  readonly verdicts: Int8Array;
  readonly errors: Map<number, string>;
  /** The verdicts as a pass mask (1 = pass), when no host raises. */
  readonly mask: Uint8Array | undefined;
}

/**
 * Verdicts of a filter whose result depends only on the request and on static host data (aggregates,
 * traits), cached per request shape: computed once for every host, then read by index. A host where
 * Nova's filter would raise keeps the error and raises it when that host is actually evaluated, so the
 * outcome matches Nova's evaluation order exactly.
 */
export class StaticVerdictCache {
  private readonly cache = new Map<string, HostVerdicts>();

  constructor(
    private readonly hostCount: number,
    private readonly maxEntries = 4096,
  ) {}

  get(key: string, passes: (h: number) => boolean): HostVerdicts {
    let v = this.cache.get(key);
    if (v) return v;
    if (this.cache.size >= this.maxEntries) this.cache.clear();
    v = computeVerdicts(this.hostCount, passes);
    this.cache.set(key, v);
    return v;
  }
}

export function computeVerdicts(hostCount: number, passes: (h: number) => boolean): HostVerdicts {
  const verdicts = new Int8Array(hostCount);
  const errors = new Map<number, string>();
  for (let h = 0; h < hostCount; h++) {
    try {
      verdicts[h] = passes(h) ? PASS : FAIL;
    } catch (err) {
      if (!(err instanceof SchedulingError)) throw err;
      verdicts[h] = RAISE;
      errors.set(h, err.message);
    }
  }
  const mask = errors.size === 0 ? new Uint8Array(verdicts.buffer, 0, hostCount) : undefined;
  return { verdicts, errors, mask };
}

/** Read one host's cached verdict, raising where Nova would. */
export function verdictOf(v: HostVerdicts, h: number): boolean {
  const x = v.verdicts[h];
  if (x === RAISE) throw new SchedulingError(v.errors.get(h) ?? 'filter raised');
  return x === PASS;
}

/** A mask form of `v` (reused `form`), or undefined when some host raises: the path calls hostPasses. */
export function verdictMask(
  v: HostVerdicts,
  form: Extract<FilterForm, { kind: 'mask' }>,
): FilterForm | undefined {
  if (v.mask === undefined) return undefined;
  form.mask = v.mask;
  return form;
}
