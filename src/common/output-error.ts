import { UsageError } from './errors.ts';

/** Why a write failed, for the fs error codes that are the output location's fault (not a bug). */
const REASONS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOTDIR: 'a parent of it is not a directory',
  EISDIR: 'is a directory',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EEXIST: 'a parent of it exists and is not a directory',
  // Under /proc, /sys and similar, mkdir and create fail with ENOENT though the folder exists.
  ENOENT: 'no such file or directory, or the folder does not accept new files',
  ENOTEMPTY: 'a folder with content is in the way',
  ENAMETOOLONG: 'a name in the path is too long for the file system',
};

/** An output that cannot be written where the user asked: a usage error (exit 2) naming the path. */
export class OutputError extends UsageError {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`${path}: cannot write: ${reason}`);
    this.name = 'OutputError';
  }
}

/**
 * The OutputError for an fs error met writing `path`, or the error itself when it is not one of
 * the location's faults (then it stays an internal error).
 */
export function outputError(path: string, err: unknown): unknown {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (typeof code !== 'string' || !Object.hasOwn(REASONS, code)) return err;
  return new OutputError(path, `${REASONS[code]} (${code})`);
}
