import type { FilterRequest, HostFilter } from './types.ts';

/**
 * Nova's `BaseFilterHandler.get_filtered_objects`: each filter in order keeps the hosts that pass it,
 * compacting `list` in place; filters run once per request are skipped after the first instance;
 * filtering stops at the first filter that leaves no host. Returns the new length.
 */
export function filterHosts(
  filters: readonly HostFilter[],
  list: Int32Array,
  len: number,
  req: FilterRequest,
): number {
  for (const f of filters) {
    if (req.index > 0 && f.runOncePerRequest) continue;
    if (!f.appliesTo(req)) continue;
    len = f.filterAll ? f.filterAll(list, len, req) : keepPassing(f, list, len, req);
    if (len === 0) break;
  }
  return len;
}

/** The reference loop: Nova's `filter_all`, one `hostPasses` call per host. */
export function keepPassing(f: HostFilter, list: Int32Array, len: number, req: FilterRequest): number {
  let kept = 0;
  for (let i = 0; i < len; i++) {
    const h = list[i];
    if (f.hostPasses(h, req)) list[kept++] = h;
  }
  return kept;
}
