/** Numbers per entry: due time, scheduling order, slot, serial (one cache line holds two entries). */
const STRIDE = 4;

/** Width of a calendar bucket, trace seconds. */
const BUCKET_SECONDS = 1;

/** Calendar buckets ahead of the current one (a power of two): over two hours at one second each. */
const RING = 8192;

/** Entries a bucket holds; more go to the far heap (a bucket holds about 20 on the canonical trace). */
const BUCKET_CAP = 32;

/**
 * Pending departures (from `duration`), popped by due time, then by the order in which they were
 * scheduled. Entries carry the instance's slot and serial, so a departure of an instance that was
 * deleted (and perhaps re-created) in the meantime is recognised as stale.
 *
 * A calendar queue: the due times of bucket `cur` and before sit in a small heap (`near`); the next
 * RING - 1 buckets of BUCKET_SECONDS are unsorted runs of one array, appended to; what is due later,
 * or finds its bucket full, waits in a heap of its own (`far`). A bucket goes into the near heap
 * when the clock reaches it, with the far entries of that bucket or before, so a pop sifts a heap
 * of a few dozen entries, not of the tens of thousands pending. Every entry of the near heap is due
 * before every entry outside it (a bucket's number only grows with the due time), and the heap
 * orders by (due, order): the pops are exactly those of one heap over all.
 */
export class DepartureQueue {
  private readonly near = new DueHeap();
  private readonly far = new DueHeap();
  /** Bucket b's entries at [b * BUCKET_CAP * STRIDE, ...), counts[b] of them. */
  private readonly ring = new Float64Array(RING * BUCKET_CAP * STRIDE);
  private readonly counts = new Int32Array(RING);
  /** Entries in the ring's buckets. */
  private inRing = 0;
  /** The bucket whose entries (and every earlier one's) are in the near heap. */
  private cur = Number.NEGATIVE_INFINITY;
  private n = 0;
  private nextOrder = 0;

  get size(): number {
    return this.n;
  }

  /** Due time of the earliest departure, or +Infinity. */
  peekDue(): number {
    if (this.near.size === 0) {
      if (this.n === 0) return Number.POSITIVE_INFINITY;
      this.refill();
    }
    return this.near.peekDue();
  }

  push(due: number, slot: number, serial: number): void {
    this.n++;
    this.place(due, this.nextOrder++, slot, serial);
  }

  /** Remove the earliest departure; its slot and serial are left in `out`. */
  pop(out: { slot: number; serial: number; due: number }): void {
    if (this.near.size === 0) this.refill();
    this.n--;
    this.near.pop(out);
  }

  private place(due: number, order: number, slot: number, serial: number): void {
    const k = Math.floor(due / BUCKET_SECONDS);
    // Before the first refill everything waits in `far` (cur is -Infinity).
    if (!(k > this.cur)) this.near.push(due, order, slot, serial);
    else if (!(k < this.cur + RING) || !this.append(k & (RING - 1), due, order, slot, serial))
      this.far.push(due, order, slot, serial);
  }

  /** Add to bucket b; false when it is full. */
  private append(b: number, due: number, order: number, slot: number, serial: number): boolean {
    const c = this.counts[b];
    if (c === BUCKET_CAP) return false;
    const a = this.ring;
    const at = (b * BUCKET_CAP + c) * STRIDE;
    a[at] = due;
    a[at + 1] = order;
    a[at + 2] = slot;
    a[at + 3] = serial;
    this.counts[b] = c + 1;
    this.inRing++;
    return true;
  }

  /** The near heap is empty and entries are pending: move the clock to the next bucket that has some. */
  private refill(): void {
    const far = this.far;
    for (;;) {
      // An empty ring: straight to the bucket of the first entry waiting in `far`.
      if (this.inRing === 0) this.cur = Math.floor(far.peekDue() / BUCKET_SECONDS) - 1;
      const k = ++this.cur;
      // Entries of `far` due in bucket k join the near heap; those now within the ring's reach
      // move to their bucket while it has room (the others stay until their bucket comes).
      while (far.size > 0) {
        const kf = Math.floor(far.peekDue() / BUCKET_SECONDS);
        if (kf > k && !(kf < k + RING && this.counts[kf & (RING - 1)] < BUCKET_CAP)) break;
        far.pop(this.moved);
        const m = this.moved;
        this.place(m.due, m.order, m.slot, m.serial);
      }
      const b = k & (RING - 1);
      const c = this.counts[b];
      if (c > 0) {
        const a = this.ring;
        const end = (b * BUCKET_CAP + c) * STRIDE;
        for (let i = b * BUCKET_CAP * STRIDE; i < end; i += STRIDE)
          this.near.push(a[i], a[i + 1], a[i + 2], a[i + 3]);
        this.counts[b] = 0;
        this.inRing -= c;
      }
      if (this.near.size > 0) return;
    }
  }

  private readonly moved = { due: 0, order: 0, slot: 0, serial: 0 };
}

/**
 * A binary min-heap of departures by (due, order). The entries are interleaved in one array, so a
 * step down the heap reads one place in memory, not four.
 */
class DueHeap {
  private heap = new Float64Array(64 * STRIDE);
  private n = 0;

  get size(): number {
    return this.n;
  }

  peekDue(): number {
    return this.heap[0];
  }

  push(due: number, order: number, slot: number, serial: number): void {
    if ((this.n + 1) * STRIDE > this.heap.length) this.grow();
    const h = this.heap;
    let i = this.n++;
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

  /** Remove the least entry into `out`. */
  pop(out: { due: number; order?: number; slot: number; serial: number }): void {
    const h = this.heap;
    out.due = h[0];
    out.order = h[1];
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
