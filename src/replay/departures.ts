/**
 * Pending departures (from `duration`), a binary min-heap ordered by due time, then by the order in
 * which they were scheduled. Entries carry the instance's slot and serial, so a departure of an
 * instance that was deleted (and perhaps re-created) in the meantime is recognised as stale.
 */
export class DepartureQueue {
  private due = new Float64Array(256);
  private order = new Float64Array(256);
  private slot = new Int32Array(256);
  private serial = new Float64Array(256);
  private n = 0;
  private nextOrder = 0;

  get size(): number {
    return this.n;
  }

  /** Due time of the earliest departure, or +Infinity. */
  peekDue(): number {
    return this.n === 0 ? Number.POSITIVE_INFINITY : this.due[0];
  }

  push(due: number, slot: number, serial: number): void {
    if (this.n === this.due.length) this.grow();
    let i = this.n++;
    const order = this.nextOrder++;
    // Sift up.
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(due, order, this.due[p], this.order[p])) break;
      this.move(p, i);
      i = p;
    }
    this.due[i] = due;
    this.order[i] = order;
    this.slot[i] = slot;
    this.serial[i] = serial;
  }

  /** Remove the earliest departure; its slot and serial are left in `out`. */
  pop(out: { slot: number; serial: number; due: number }): void {
    out.due = this.due[0];
    out.slot = this.slot[0];
    out.serial = this.serial[0];
    const last = --this.n;
    if (last === 0) return;
    const due = this.due[last];
    const order = this.order[last];
    const slot = this.slot[last];
    const serial = this.serial[last];
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= last) break;
      const r = l + 1;
      const c = r < last && this.less(this.due[r], this.order[r], this.due[l], this.order[l]) ? r : l;
      if (!this.less(this.due[c], this.order[c], due, order)) break;
      this.move(c, i);
      i = c;
    }
    this.due[i] = due;
    this.order[i] = order;
    this.slot[i] = slot;
    this.serial[i] = serial;
  }

  private less(d1: number, o1: number, d2: number, o2: number): boolean {
    return d1 < d2 || (d1 === d2 && o1 < o2);
  }

  private move(from: number, to: number): void {
    this.due[to] = this.due[from];
    this.order[to] = this.order[from];
    this.slot[to] = this.slot[from];
    this.serial[to] = this.serial[from];
  }

  private grow(): void {
    const n = this.due.length * 2;
    const due = new Float64Array(n);
    due.set(this.due);
    const order = new Float64Array(n);
    order.set(this.order);
    const slot = new Int32Array(n);
    slot.set(this.slot);
    const serial = new Float64Array(n);
    serial.set(this.serial);
    this.due = due;
    this.order = order;
    this.slot = slot;
    this.serial = serial;
  }
}
