// The shape guess of a large trace on two threads: this one takes the file's chunks from the start,
// a helper (the pool's worker, idle until its cell arrives) from the end, through one shared
// counter, so neither waits for the other however late the helper starts. A chunk owns the lines
// that start in it and reads past its end to finish the last one; the parts add up, in file order,
// to exactly what one pass over the file reads.
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { distributionOf, type GuessPart, ShapeGuess, type TraceScan } from './shape-guess-scan.ts';

const NL = 0x0a;
const CR = 0x0d;

/** How the guess is split; defaults in SPLIT_DEFAULTS. */
export interface SplitOptions {
  /** Bytes per chunk. */
  readonly chunkBytes: number;
  /** Files smaller than this are read in one pass (the helper's start-up would not pay). */
  readonly minBytes: number;
  /** How far past its end a chunk looks for the break that ends its last line. */
  readonly tailBytes: number;
}

export const SPLIT_DEFAULTS: SplitOptions = { chunkBytes: 4 << 20, minBytes: 64 << 20, tailBytes: 64 << 10 };

/** The chunks a helper may take: plain data, sent to another thread. */
export interface GuessChunksJob {
  readonly path: string;
  readonly size: number;
  readonly chunkBytes: number;
  readonly tailBytes: number;
  readonly chunks: number;
  /** The file's bytes up to the end of its header line. */
  readonly prefixEnd: number;
  /** One Int32: chunks taken so far, by either side. */
  readonly claims: SharedArrayBuffer;
}

/** A chunk's part of the guess. */
export interface ChunkPart extends GuessPart {
  readonly chunk: number;
}

/** Runs the far side of a job on another thread (PoolExecutor.guessChunks). */
export type GuessHelper = (job: GuessChunksJob) => Promise<readonly ChunkPart[]>;

/** A chunk whose last line runs past its tail: the split is dropped for one plain pass. */
class LongLine extends Error {}

/**
 * The guess of `file` (`size` bytes) with `helper` taking chunks from the end; undefined when the
 * file is too small to split or its header is not within the first tail. Errors reading the file
 * are thrown; a helper that fails only costs its chunks being read here.
 */
export async function splitGuess(
  path: string,
  file: FileHandle,
  size: number,
  helper: GuessHelper,
  o: SplitOptions = SPLIT_DEFAULTS,
): Promise<TraceScan | undefined> {
  const job = await planSplit(path, file, size, o);
  if (!job) return undefined;
  const { chunks } = job;
  const counter = new Int32Array(job.claims);
  const far = Promise.resolve(job)
    .then(helper)
    .then(
      (parts) => parts,
      () => undefined,
    );
  const parts: ChunkPart[] = [];
  try {
    parts.push(...(await takeChunks(file, job, 'start')));
  } catch (err) {
    // The helper takes no more; what it reads meanwhile is dropped (not awaited: it may not even
    // have started, on a worker that never does).
    Atomics.store(counter, 0, chunks);
    if (err instanceof LongLine) return undefined;
    throw err;
  }
  const mine = parts.length;
  if (mine < chunks) {
    // The helper's chunks are the last chunks − mine; if it failed, they are read here.
    const theirs = (await far)?.filter((p) => p.chunk >= mine) ?? [];
    const have = new Set(theirs.map((p) => p.chunk));
    parts.push(...theirs);
    try {
      for (let k = mine; k < chunks; k++)
        if (!have.has(k)) parts.push(await readChunk(file, job, k, Buffer.allocUnsafe(bufferBytes(job))));
    } catch (err) {
      if (err instanceof LongLine) return undefined;
      throw err;
    }
  }
  parts.sort((a, b) => a.chunk - b.chunk);
  return { bytes: size, lines: parts.reduce((n, p) => n + p.breaks, 0) + 1, shapes: distributionOf(parts) };
}

/**
 * The job of a split guess of `file`, no chunk taken yet; undefined when the file is too small to
 * split or its header does not end within the first tail (and chunk).
 */
export async function planSplit(
  path: string,
  file: FileHandle,
  size: number,
  o: SplitOptions = SPLIT_DEFAULTS,
): Promise<GuessChunksJob | undefined> {
  if (size < o.minBytes || size < 2 * o.chunkBytes) return undefined;
  const prefixEnd = await headerEnd(file, Math.min(size, o.tailBytes));
  // The header must be chunk 0's: every other chunk reads it from the prefix.
  if (prefixEnd < 0 || prefixEnd > o.chunkBytes) return undefined;
  return {
    path,
    size,
    chunkBytes: o.chunkBytes,
    tailBytes: o.tailBytes,
    chunks: Math.ceil(size / o.chunkBytes),
    prefixEnd,
    claims: new SharedArrayBuffer(4),
  };
}

/** The helper's side: chunks from the end of the file while any are left. */
export async function guessFarChunks(job: GuessChunksJob): Promise<ChunkPart[]> {
  const file = await open(job.path, 'r');
  try {
    return await takeChunks(file, job, 'end');
  } finally {
    await file.close();
  }
}

async function takeChunks(
  file: FileHandle,
  job: GuessChunksJob,
  side: 'start' | 'end',
): Promise<ChunkPart[]> {
  const counter = new Int32Array(job.claims);
  const buf = Buffer.allocUnsafe(bufferBytes(job));
  const parts: ChunkPart[] = [];
  // Every claim below job.chunks is one chunk: this side's n-th from its own end. Both sides'
  // claims together never exceed the chunks, so the two ranges never meet.
  while (Atomics.add(counter, 0, 1) < job.chunks) {
    const k = side === 'start' ? parts.length : job.chunks - 1 - parts.length;
    parts.push(await readChunk(file, job, k, buf));
  }
  return parts;
}

function bufferBytes(job: GuessChunksJob): number {
  return Math.max(job.chunkBytes + job.tailBytes + 1, job.prefixEnd);
}

/**
 * Chunk k: the lines that start in [k·chunk, (k+1)·chunk), from the byte before its start (to see
 * whether a line starts there) to the break that ends its last line.
 */
async function readChunk(file: FileHandle, job: GuessChunksJob, k: number, buf: Buffer): Promise<ChunkPart> {
  const a = k * job.chunkBytes;
  const b = Math.min(job.size, a + job.chunkBytes);
  const p0 = a === 0 ? 0 : a - 1;
  const got = await readAt(file, buf, p0, Math.min(job.size, b + job.tailBytes) - p0);
  const guess = new ShapeGuess();
  if (k > 0) guess.readHeader(await prefix(file, job));
  // The first line starting at or after a: a itself, or the byte after the first break from a − 1.
  let s = 0;
  if (a > 0) {
    const nl = buf.subarray(0, b - p0).indexOf(NL);
    s = nl < 0 ? b - p0 : nl + 1;
  }
  if (p0 + s < b) {
    let e = got;
    if (b < job.size) {
      const nl = buf.subarray(0, got).indexOf(NL, b - 1 - p0);
      if (nl < 0) {
        if (p0 + got < job.size) throw new LongLine();
      } else e = nl + 1;
    }
    guess.lines(buf, s, e, p0 + e === job.size);
  }
  return { chunk: k, ...guess.part() };
}

const prefixes = new WeakMap<GuessChunksJob, Promise<Buffer>>();

/** The header bytes, read once per job and side. */
function prefix(file: FileHandle, job: GuessChunksJob): Promise<Buffer> {
  let p = prefixes.get(job);
  if (!p) {
    p = (async () => {
      const b = Buffer.allocUnsafe(job.prefixEnd);
      await readAt(file, b, 0, job.prefixEnd);
      return b;
    })();
    prefixes.set(job, p);
  }
  return p;
}

/**
 * The end of the header line (after its break) within the first `limit` bytes: the first line that
 * is not blank, as ShapeGuess reads them (a BOM on the first line, a CR before the break); −1 when
 * there is none in them.
 */
async function headerEnd(file: FileHandle, limit: number): Promise<number> {
  const buf = Buffer.allocUnsafe(limit);
  const got = await readAt(file, buf, 0, limit);
  let from = 0;
  for (let line = 0; from < got; line++) {
    const nl = buf.subarray(0, got).indexOf(NL, from);
    if (nl < 0) return -1;
    let s = from;
    let e = nl;
    if (e > s && buf[e - 1] === CR) e--;
    if (line === 0 && e - s >= 3 && buf[s] === 0xef && buf[s + 1] === 0xbb && buf[s + 2] === 0xbf) s += 3;
    if (e > s) return nl + 1;
    from = nl + 1;
  }
  return -1;
}

async function readAt(file: FileHandle, buf: Buffer, position: number, length: number): Promise<number> {
  let got = 0;
  while (got < length) {
    const { bytesRead } = await file.read(buf, got, length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got;
}
