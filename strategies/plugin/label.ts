import { isAbsolute, relative, sep } from 'node:path';

/**
 * How messages name a plugin file: as given, or `./relative` when a worker got the absolute path
 * of a file under the working folder, so a matrix names it as a single run does.
 */
export function pluginLabel(file: string): string {
  if (!isAbsolute(file)) return file;
  const rel = relative(process.cwd(), file);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? `.${sep}${rel}` : file;
}
