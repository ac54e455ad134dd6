import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';

/**
 * A trace's SHA-256 for its reports, hashed once by the main thread while the tasks that read the
 * trace run (hashing a 555 MB trace after its replay took half a second on the replay's thread),
 * shared with them as words of a SharedArrayBuffer: word 0 is PENDING, READY (words 1-8 the
 * digest) or FAILED (each task then hashes the file itself).
 */
export type SharedDigest = Int32Array;

const PENDING = 0;
const READY = 1;
const FAILED = 2;

export function newSharedDigest(): SharedDigest {
  return new Int32Array(new SharedArrayBuffer(4 * 9));
}

/**
 * Hash `path` into `d` (in 1 MiB reads, yielding between them); once `stop()` says no task needs
 * it any more, give up (FAILED). Never throws: a file that cannot be read is FAILED too.
 */
export async function publishDigest(d: SharedDigest, path: string, stop: () => boolean): Promise<void> {
  let hex: string | undefined;
  try {
    const hash = createHash('sha256');
    const file = await open(path, 'r');
    try {
      const buf = Buffer.allocUnsafe(1 << 20);
      for (;;) {
        if (stop()) break;
        const { bytesRead } = await file.read(buf, 0, buf.length, null);
        if (bytesRead === 0) {
          hex = hash.digest('hex');
          break;
        }
        hash.update(buf.subarray(0, bytesRead));
      }
    } finally {
      await file.close();
    }
  } catch {
    hex = undefined;
  }
  if (hex !== undefined)
    for (let w = 0; w < 8; w++) d[1 + w] = Number.parseInt(hex.slice(8 * w, 8 * w + 8), 16) | 0;
  Atomics.store(d, 0, hex === undefined ? FAILED : READY);
  Atomics.notify(d, 0);
}

/** Atomics.waitAsync (Node 16+; in TypeScript's lib from es2024). */
interface AtomicsWaitAsync {
  waitAsync(a: Int32Array, index: number, value: number): { async: boolean; value: Promise<string> | string };
}

/** The digest once the main thread has published it, or undefined when it could not. */
export async function readDigest(d: SharedDigest): Promise<string | undefined> {
  for (;;) {
    const state = Atomics.load(d, 0);
    if (state === READY) {
      let hex = '';
      for (let w = 0; w < 8; w++) hex += (d[1 + w] >>> 0).toString(16).padStart(8, '0');
      return hex;
    }
    if (state === FAILED) return undefined;
    const wait = (Atomics as unknown as AtomicsWaitAsync).waitAsync(d, 0, PENDING);
    if (wait.async) await wait.value;
  }
}
