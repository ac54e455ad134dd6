/** Numbers per heap entry: due time, scheduling order, slot, serial (one cache line holds two entries). */
const STRIDE = 4;

/**
 * Pending departures (from `duration`), a binary min-heap ordered by due time, then by the order in
 * which they were scheduled. Entries carry the instance's slot and serial, so a departure of an
 * instance that was deleted (and perhaps re-created) in the meantime is recognised as stale. The
 * entries are interleaved in one array, so a step down the heap reads one place in memory, not four.
 */
export class DepartureQueue {
  private heap = new Float64Array(256 * STRIDE);
  private n = 0;
  private nextOrder = 0;

  get size(): number {
    return this.n;
  }

  /** Due time of the earliest departure, or +Infinity. */
  peekDue(): number {
    return this.n === 0 ? Number.POSITIVE_INFINITY : this.heap[0];
  }

  push(due: number, slot: number, serial: number): void {
    if ((this.n + 1) * STRIDE > this.heap.length) this.grow();
    const h = this.heap;
    let i = this.n++;
    const order = this.nextOrder++;
    // Sift up.
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pd = h[p * STRIDE];
      if (!(due < pd || (due === pd && order < h[p * STRIDE + 1]))) break;
      this.move(p, i);
      i = p;
    }
    const at = i * STRIDE;
    h[at] = due;
    h[at + 1] = order;
    h[at + 2] = slot;
    h[at + 3] = serial;
  }

  /** Remove the earliest departure; its slot and serial are left in `out`. */
  pop(out: { slot: number; serial: number; due: number }): void {
    const h = this.heap;
    out.due = h[0];
    out.slot = h[2];
    out.serial = h[3];
    const last = --this.n;
    if (last === 0) return;
    const la = last * STRIDE;
    const due = h[la];
    const order = h[la + 1];
    const slot = h[la + 2];
    const serial = h[la + 3];
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= last) break;
      const r = l + 1;
      let c = l;
      if (r < last) {
        const rd = h[r * STRIDE];
        const ld = h[l * STRIDE];
        if (rd < ld || (rd === ld && h[r * STRIDE + 1] < h[l * STRIDE + 1])) c = r;
      }
      const cd = h[c * STRIDE];
      if (!(cd < due || (cd === due && h[c * STRIDE + 1] < order))) break;
      this.move(c, i);
      i = c;
    }
    const at = i * STRIDE;
    h[at] = due;
    h[at + 1] = order;
    h[at + 2] = slot;
    h[at + 3] = serial;
  }

  private move(from: number, to: number): void {
    const h = this.heap;
    const f = from * STRIDE;
    const t = to * STRIDE;
    h[t] = h[f];
    h[t + 1] = h[f + 1];
    h[t + 2] = h[f + 2];
    h[t + 3] = h[f + 3];
  }

  private grow(): void {
    const heap = new Float64Array(this.heap.length * 2);
    heap.set(this.heap);
    this.heap = heap;
  }
}
