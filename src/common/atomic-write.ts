import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { makeDirs } from './make-dirs.ts';
import { outputError } from './output-error.ts';

/**
 * The start of this process's temp file names for `path`: hidden, the file's name, the pid. The
 * name is cut (at a character) so that the whole temp name stays within 255 bytes whenever the
 * file's own name does.
 */
function tempPrefix(path: string): string {
  let name = basename(path);
  // '.' + name + '.' + pid + '.' + 8 hex + '.tmp'
  const room = 255 - (1 + 1 + String(process.pid).length + 1 + 8 + 4);
  while (Buffer.byteLength(name) > room) name = [...name].slice(0, -1).join('');
  return `.${name}.${process.pid}.`;
}

/** The temp file a write of `path` grows in: same folder (so rename is atomic), hidden, `.tmp`. */
function tempPath(path: string): string {
  return join(dirname(path), `${tempPrefix(path)}${randomBytes(4).toString('hex')}.tmp`);
}

/** Make the rename itself durable: fsync the folder (best effort where a folder cannot be opened). */
function fsyncDir(dir: string): void {
  let fd = -1;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some platforms and file systems refuse to open or fsync a folder; the rename still happened.
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}

/**
 * A file written in pieces that appears at its path only when complete: it grows in a temp file in
 * the same folder, is fsynced and renamed on `commit` (then the folder is fsynced); `discard`
 * removes it. Write errors that are the location's fault (read-only, no space...) throw an
 * OutputError naming `path`.
 */
export class StagedFile {
  private readonly tmp: string;
  private fd: number;
  private buf = '';

  constructor(readonly path: string) {
    this.tmp = tempPath(path);
    try {
      makeDirs(dirname(path));
      this.fd = openSync(this.tmp, 'w');
    } catch (err) {
      throw outputError(path, err);
    }
  }

  write(s: string | Uint8Array): void {
    if (typeof s !== 'string') {
      this.flush();
      this.guard(() => writeSync(this.fd, s));
      return;
    }
    this.buf += s;
    if (this.buf.length >= 1 << 16) this.flush();
  }

  commit(): void {
    this.flush();
    this.guard(() => {
      fsyncSync(this.fd);
      closeSync(this.fd);
      this.fd = -1;
      renameSync(this.tmp, this.path);
    });
    fsyncDir(dirname(this.path));
  }

  discard(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
    rmSync(this.tmp, { force: true });
  }

  private flush(): void {
    if (this.buf.length === 0) return;
    const buf = this.buf;
    this.buf = '';
    this.guard(() => writeSync(this.fd, buf));
  }

  /** Run a step; on failure remove the temp file and throw the error, mapped to the output's path. */
  private guard(step: () => void): void {
    try {
      step();
    } catch (err) {
      this.discard();
      throw outputError(this.path, err);
    }
  }
}

/**
 * Write a file so that readers see either the old content or the whole new one, also after a crash
 * or power loss: temp file, fsync, rename, fsync of the folder.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const file = new StagedFile(path);
  file.write(data);
  file.commit();
}

/** Copy `src` to `dest` with the guarantees of writeFileAtomic, 1 MiB at a time (placements can be GBs). */
export function copyFileAtomic(src: string, dest: string): void {
  const file = new StagedFile(dest);
  const buf = Buffer.allocUnsafe(1 << 20);
  const fd = openSync(src, 'r');
  try {
    for (let n = readSync(fd, buf); n > 0; n = readSync(fd, buf)) file.write(buf.subarray(0, n));
    file.commit();
  } catch (err) {
    file.discard();
    throw err;
  } finally {
    closeSync(fd);
  }
}

/** Write `value` as JSON (indented, one trailing newline) with writeFileAtomic. */
export function writeJsonAtomic(path: string, value: unknown, indent = 2): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, indent)}\n`);
}

/**
 * Remove the temp files this process left for `path` (a worker that was terminated mid-write
 * cannot discard its own). Only this process's: another run may be writing the same path.
 */
export function removeTempFiles(path: string): void {
  const prefix = tempPrefix(path);
  let names: string[];
  try {
    names = readdirSync(dirname(path));
  } catch {
    return;
  }
  for (const name of names)
    if (name.startsWith(prefix) && name.endsWith('.tmp')) rmSync(join(dirname(path), name), { force: true });
}
