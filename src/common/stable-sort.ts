/**
 * Sort `idx[0..len)` by `key[idx[i]]` descending, keeping the input order of equal keys (a stable
 * bottom-up merge sort, as Python's sorted(reverse=True) keeps ties). `tmp` is scratch of at least
 * `len`. No comparator call and no allocation: this runs once per instance of a multi-instance request.
 */
export function stableSortDesc(idx: Int32Array, len: number, key: Float64Array, tmp: Int32Array): void {
  let src = idx;
  let dst = tmp;
  for (let width = 1; width < len; width *= 2) {
    for (let lo = 0; lo < len; lo += 2 * width) {
      const mid = Math.min(lo + width, len);
      const hi = Math.min(lo + 2 * width, len);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        // Take from the right run only when strictly greater: equal keys keep their order.
        if (key[src[j]] > key[src[i]]) dst[k++] = src[j++];
        else dst[k++] = src[i++];
      }
      while (i < mid) dst[k++] = src[i++];
      while (j < hi) dst[k++] = src[j++];
    }
    const t = src;
    src = dst;
    dst = t;
  }
  if (src !== idx) for (let i = 0; i < len; i++) idx[i] = src[i];
}
