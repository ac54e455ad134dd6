import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { InputError } from './errors.ts';
import { MAX_WHOLE_FILE_BYTES } from './limits.ts';

/** What a path is when it is not a regular file, for the one-line refusal. */
export function describeNonRegular(s: Stats): string {
  if (s.isDirectory()) return 'is a directory, expected a file';
  if (s.isFIFO()) return 'is a pipe (FIFO), expected a regular file';
  if (s.isCharacterDevice()) return 'is a character device, expected a regular file';
  if (s.isBlockDevice()) return 'is a block device, expected a regular file';
  if (s.isSocket()) return 'is a socket, expected a regular file';
  return 'is not a regular file';
}

export function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a directory, expected a file';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'ELOOP') return 'too many levels of symbolic links';
  return (err as Error).message;
}

function sizeText(bytes: number): string {
  const mib = 1024 * 1024;
  return bytes % mib === 0 ? `${bytes / mib} MiB` : `${bytes} bytes`;
}

/**
 * Read a file that is used whole (a cluster, a config, thresholds, a report) as UTF-8 text.
 * Refuses, as an InputError naming the path, anything but a regular file (a FIFO or `/dev/zero`
 * would never end) and a file larger than `maxBytes` (default 256 MiB), also when it grows while
 * being read. Opened non-blocking, so a FIFO without a writer is refused instead of waited on.
 */
export function readWholeFile(path: string, opts: { maxBytes?: number } = {}): string {
  const maxBytes = opts.maxBytes ?? MAX_WHOLE_FILE_BYTES;
  const tooLarge = () =>
    new InputError(
      path,
      undefined,
      undefined,
      `larger than the limit of ${sizeText(maxBytes)} for this file`,
    );
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    throw new InputError(path, undefined, undefined, describeFsError(err));
  }
  try {
    const s = fstatSync(fd);
    if (!s.isFile()) throw new InputError(path, undefined, undefined, describeNonRegular(s));
    if (s.size > maxBytes) throw tooLarge();
    // Read one byte past the limit: a file that grew since fstat is caught, not read without end.
    let buf = Buffer.allocUnsafe(Math.min(maxBytes + 1, Math.max(s.size + 1, 64 * 1024)));
    let n = 0;
    for (;;) {
      if (n === buf.length) {
        const grown = Buffer.allocUnsafe(Math.min(maxBytes + 1, 2 * buf.length));
        buf.copy(grown, 0, 0, n);
        buf = grown;
      }
      const got = readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
      if (n > maxBytes) throw tooLarge();
    }
    return buf.toString('utf8', 0, n);
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(path, undefined, undefined, describeFsError(err));
  } finally {
    closeSync(fd);
  }
}
