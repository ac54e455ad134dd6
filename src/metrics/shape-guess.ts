import { type FileHandle, open } from 'node:fs/promises';
import { InputError } from '../common/errors.ts';
import { describeFsError } from '../common/read-whole-file.ts';
import { refuseNonRegular } from '../trace/csv-reader.ts';
import { CREATE, type TraceRow } from '../trace/row.ts';
import type { RowSink, RowSource } from '../trace/source.ts';
import { type GuessHelper, type SplitOptions, splitGuess } from './shape-guess-chunks.ts';
import { ShapeGuess, type TraceScan } from './shape-guess-scan.ts';
import { ShapeCounter, type ShapeDistribution } from './shapes.ts';

export type { TraceScan } from './shape-guess-scan.ts';

/**
 * The shape distribution of a canonical trace CSV from one cheap pass over its bytes: no field
 * strings, no row objects, no validation. It is a guess, exact for well-formed plain rows: the
 * replay counts the rows it decodes as it goes and checks the guess against them (`ShapeCheck`),
 * falling back to an exact scan when they differ. Undefined when the file is not plain enough to
 * guess at all (a quote anywhere, an unreadable header).
 */
export async function guessShapes(path: string): Promise<ShapeDistribution | undefined> {
  let file: FileHandle;
  try {
    file = await open(path, 'r');
  } catch {
    return undefined; // the replay's own read reports what is wrong with the file
  }
  try {
    return (await new ShapeGuess().run(file, false)).shapes;
  } catch {
    return undefined;
  } finally {
    await file.close();
  }
}

/**
 * scanTrace (trace/columnar-builder.ts) and guessShapes in one pass: for a trace each task streams,
 * so the guess is made once, beside the line count the progress display needs, not by every task.
 * Errors as scanTrace's: an InputError naming the file. With a `helper`, a large file is read on
 * two threads (shape-guess-chunks.ts), with the same result.
 */
export async function scanTraceAndShapes(
  path: string,
  helper?: GuessHelper,
  split?: SplitOptions,
): Promise<TraceScan> {
  let file: FileHandle;
  try {
    await refuseNonRegular(path);
    file = await open(path, 'r');
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(path, undefined, undefined, describeFsError(err));
  }
  try {
    if (helper) {
      const scan = await splitGuess(path, file, (await file.stat()).size, helper, split);
      if (scan) return scan;
    }
    return await new ShapeGuess().run(file, true);
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(path, undefined, undefined, describeFsError(err));
  } finally {
    await file.close();
  }
}

/** Whether two distributions are the same, field by field. */
export function sameShapes(a: ShapeDistribution, b: ShapeDistribution): boolean {
  if (a.size !== b.size || !Object.is(a.firstTime, b.firstTime) || !Object.is(a.lastTime, b.lastTime))
    return false;
  for (let m = 0; m < a.size; m++) {
    if (
      a.vcpus[m] !== b.vcpus[m] ||
      a.memoryMb[m] !== b.memoryMb[m] ||
      a.diskGb[m] !== b.diskGb[m] ||
      a.gpus[m] !== b.gpus[m] ||
      a.gpuMilli[m] !== b.gpuMilli[m] ||
      a.instances[m] !== b.instances[m] ||
      !Object.is(a.share[m], b.share[m])
    )
      return false;
  }
  return true;
}

/**
 * A source that counts the shapes of the rows it hands on, exactly as `scanShapes` would (every
 * row that decodes, before the sink may reject it), so a guessed distribution can be checked
 * against the replay's own reading.
 */
export class ShapeCheckSource implements RowSource {
  private readonly counter = new ShapeCounter();

  constructor(private readonly inner: RowSource) {}

  get path(): string {
    return this.inner.path;
  }

  read(sink: RowSink): Promise<void> {
    const counter = this.counter;
    return this.inner.read({
      row(row: TraceRow) {
        counter.seen(row.time);
        if (row.event === CREATE)
          counter.add(row.vcpus, row.memoryMb, row.diskGb, row.count, row.gpus, row.gpuMilli);
        sink.row(row);
      },
      badRow(err: InputError) {
        sink.badRow(err);
      },
    });
  }

  /** The distribution of the rows read so far. */
  shapes(): ShapeDistribution {
    return this.counter.build();
  }
}
