import { InputError } from '../../common/errors.ts';
import { MAX_TRACE_SECONDS } from '../../common/limits.ts';
import { SeededRng } from '../../common/rng.ts';
import { DELETE, emptyRow } from '../row.ts';
import type { RowSink, RowSource } from '../source.ts';
import { inflate } from './inflate.ts';
import { type Capacity, isBuffered, type TransformOptions } from './options.ts';
import { RequestBuffer } from './request-buffer.ts';

/** What a buffered transform did, for the convert command's summary. */
export interface TransformNote {
  requestsIn: number;
  requestsOut: number;
  inflate?: { resource: string; target: number; demand: number };
}

/**
 * A RowSource with the stress transforms applied, in this order: --no-departures and --time-scale
 * row by row (streaming), then --sort, --inflate and --shuffle on the whole request list (held in a
 * RequestBuffer). After a reorder the arrival times (the sorted times of the requests emitted) are
 * dealt out in the new order, so the arrival process is kept and every request keeps its duration.
 * Same inputs and seeds, same rows.
 */
export class TransformedSource implements RowSource {
  note: TransformNote | undefined;

  constructor(
    private readonly inner: RowSource,
    private readonly t: TransformOptions,
    /** The cluster's capacity (for --inflate), asked for once the requests are held (buffered only). */
    private readonly capacity: (requests: RequestBuffer) => Capacity | undefined,
  ) {}

  get path(): string {
    return this.inner.path;
  }

  async read(sink: RowSink): Promise<void> {
    const { t } = this;
    const buffered = isBuffered(t);
    const buffer = buffered ? new RequestBuffer() : undefined;
    const path = this.inner.path;
    await this.inner.read({
      badRow: (err) => sink.badRow(err),
      row: (r) => {
        if (t.noDepartures) {
          if (r.event === DELETE) return;
          r.duration = Number.NaN;
        }
        if (t.timeScale !== 1) {
          r.time *= t.timeScale;
          if (!Number.isNaN(r.duration)) r.duration *= t.timeScale;
          if (Math.abs(r.time) > MAX_TRACE_SECONDS || r.duration > MAX_TRACE_SECONDS) {
            sink.badRow(
              new InputError(path, r.line, 'time', `above ${MAX_TRACE_SECONDS} s after --time-scale`),
            );
            return;
          }
        }
        if (!buffer) return sink.row(r);
        if (r.event === DELETE) {
          sink.badRow(
            new InputError(
              path,
              r.line,
              'event',
              'a delete row cannot be reordered or resampled: add --no-departures, or give lifetimes as durations',
            ),
          );
          return;
        }
        buffer.add(r);
      },
    });
    if (buffer) this.emit(buffer, sink);
  }

  private emit(b: RequestBuffer, sink: RowSink): void {
    const { t } = this;
    let order: Int32Array = Int32Array.from({ length: b.size }, (_, i) => i);
    if (t.sort) {
      const time = b.time;
      order.sort((x, y) => time[x] - time[y] || x - y);
    }
    let source: Int32Array = new Int32Array(0);
    const note: TransformNote = { requestsIn: b.size, requestsOut: b.size };
    const capacity = this.capacity(b);
    if (t.inflate !== undefined && b.size > 0) {
      if (!capacity) throw new Error('--inflate without a cluster capacity');
      const r = inflate(b, order, t.inflate, capacity, t.seed);
      order = r.order;
      source = r.source;
      note.inflate = { resource: r.resource, target: r.target, demand: r.demand };
    }
    if (t.shuffle !== undefined) {
      const rng = new SeededRng(t.shuffle);
      for (let i = order.length - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        const x = order[i];
        order[i] = order[j];
        order[j] = x;
      }
    }
    const of = (k: number) => (k < b.size ? k : source[k - b.size]);
    const times = Float64Array.from(order, (k) => b.time[of(k)]).sort();
    note.requestsOut = order.length;
    this.note = note;
    const row = emptyRow();
    for (let i = 0; i < order.length; i++) {
      const k = order[i];
      const req = of(k);
      b.fill(req, row);
      row.time = times[i];
      row.id = k < b.size ? b.ids[req] : `${b.ids[req]}-clone-${k - b.size}`;
      sink.row(row);
    }
  }
}
