/**
 * How a window's value combines when two adjacent windows are merged: `sum` adds (counts, time
 * integrals), `last` keeps the later window's value (samples taken at a window's end).
 */
export type MergeRule = 'sum' | 'last';

/**
 * Per-window columns over trace time. Windows are `[origin + k·width, origin + (k+1)·width)`.
 *
 * With a fixed width the series grows as needed. Without one (adaptive), the width starts at
 * `baseWidth` and doubles, merging windows pairwise, whenever a time would need window
 * `maxWindows` or later; so a trace of any span ends with at most `maxWindows` windows, and the
 * final width is `baseWidth · 2^k` for the smallest k that fits the span. Merging never reorders
 * or loses anything: sums add, samples keep the later one.
 */
export class WindowSeries<F extends string> {
  /** Trace time of the first window's start. */
  readonly origin: number;
  width: number;
  /** Windows in use: the last one touched is `count - 1`. */
  count = 0;
  private readonly adaptive: boolean;
  private readonly maxWindows: number;
  private readonly rules: Readonly<Record<F, MergeRule>>;
  /** Each field's column number, and the columns by number (a property read, not a Map lookup per event). */
  private readonly slot = {} as Record<F, number>;
  private readonly fields: F[];
  private cols: Float64Array[] = [];
  /** The column numbers of the last field list `integrate` was given (callers pass the same list). */
  private lastFields: readonly F[] = [];
  private lastSlots = new Int32Array(0);
  private capacity: number;

  constructor(
    origin: number,
    rules: Readonly<Record<F, MergeRule>>,
    opts: { fixedWidth?: number; baseWidth?: number; maxWindows?: number } = {},
  ) {
    this.origin = origin;
    this.rules = rules;
    this.adaptive = opts.fixedWidth === undefined;
    this.width = opts.fixedWidth ?? opts.baseWidth ?? 1;
    this.maxWindows = opts.maxWindows ?? 256;
    if (!(this.width > 0)) throw new Error(`window width must be positive, got ${this.width}`);
    if (this.maxWindows < 2 || this.maxWindows % 2 !== 0) throw new Error('maxWindows must be even, >= 2');
    this.capacity = this.adaptive ? this.maxWindows : 64;
    this.fields = Object.keys(rules) as F[];
    this.fields.forEach((f, i) => {
      this.slot[f] = i;
      this.cols.push(this.blank(this.capacity, rules[f]));
    });
  }

  /** The window holding time `t` (>= origin), merging or growing first so that it exists. */
  index(t: number): number {
    let k = Math.floor((t - this.origin) / this.width);
    if (k < 0) k = 0;
    if (this.adaptive) {
      while (k >= this.maxWindows) {
        this.halve();
        k = Math.floor((t - this.origin) / this.width);
      }
    } else if (k >= this.capacity) {
      this.grow(k + 1);
    }
    if (k >= this.count) this.count = k + 1;
    return k;
  }

  start(k: number): number {
    return this.origin + k * this.width;
  }

  end(k: number): number {
    return this.origin + (k + 1) * this.width;
  }

  add(field: F, k: number, v: number): void {
    this.col(field)[k] += v;
  }

  set(field: F, k: number, v: number): void {
    this.col(field)[k] = v;
  }

  get(field: F, k: number): number {
    return this.col(field)[k];
  }

  /** Add `v · overlap` to every window overlapping [a, b): the time integral of a constant. */
  integrate(fields: readonly F[], values: ArrayLike<number>, a: number, b: number): void {
    if (!(b > a)) return;
    const last = this.index(b);
    if (fields !== this.lastFields) {
      this.lastFields = fields;
      this.lastSlots = Int32Array.from(fields, (f) => this.slot[f]);
    }
    const slots = this.lastSlots;
    const cols = this.cols;
    for (let k = this.index(a); k <= last; k++) {
      const lo = Math.max(a, this.start(k));
      const hi = Math.min(b, this.end(k));
      if (hi <= lo) continue;
      const dt = hi - lo;
      for (let i = 0; i < slots.length; i++) cols[slots[i]][k] += values[i] * dt;
    }
  }

  private col(field: F): Float64Array {
    return this.cols[this.slot[field]];
  }

  private blank(n: number, rule: MergeRule): Float64Array {
    const a = new Float64Array(n);
    // A sample not taken yet is NaN, so it can be told from a sampled 0.
    if (rule === 'last') a.fill(Number.NaN);
    return a;
  }

  /** Double the width: window j becomes windows 2j and 2j+1 merged. */
  private halve(): void {
    const n = this.count;
    for (let c = 0; c < this.fields.length; c++) {
      const a = this.cols[c];
      const rule = this.rules[this.fields[c]];
      for (let j = 0; 2 * j < n; j++) {
        const x = a[2 * j];
        const y = 2 * j + 1 < n ? a[2 * j + 1] : rule === 'sum' ? 0 : Number.NaN;
        a[j] = rule === 'sum' ? x + y : Number.isNaN(y) ? x : y;
      }
      const from = Math.ceil(n / 2);
      a.fill(rule === 'sum' ? 0 : Number.NaN, from, n);
    }
    this.count = Math.ceil(n / 2);
    this.width *= 2;
  }

  private grow(min: number): void {
    let n = this.capacity;
    while (n < min) n *= 2;
    this.cols = this.cols.map((a, c) => {
      const b = this.blank(n, this.rules[this.fields[c]]);
      b.set(a);
      return b;
    });
    this.capacity = n;
  }
}
