// A large openb pod list, written streaming: the real default pods repeated, each copy's times
// shifted past the previous copy's last deletion (so the list stays sorted by creation_time and the
// live set stays one copy's worth), names made unique by the copy number.
// `tsx bench/openb-pods.ts ROWS OUT [SOURCE]` (SOURCE: an 11-column openb pod list).
import { once } from 'node:events';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = new URL('../', import.meta.url).pathname;
/**
 * The openb files: $SCHEDBENCH_OPENB_DIR, else shared/traces/ beside the clone (or beside its
 * worktree folder).
 */
export const OPENB_DIR =
  process.env.SCHEDBENCH_OPENB_DIR ??
  [
    join(ROOT, '../shared/traces/alibaba-openb-2023'),
    join(ROOT, '../../shared/traces/alibaba-openb-2023'),
  ].find((d) => existsSync(d)) ??
  join(ROOT, '../shared/traces/alibaba-openb-2023');
export const DEFAULT_OPENB_PODS = join(OPENB_DIR, 'openb_pod_list_default.csv');

/** Writes `rows` pods to `out`; returns the number of copies of the source begun. */
export async function writeOpenbPods(rows: number, out: string, source = DEFAULT_OPENB_PODS) {
  const [header, ...body] = readFileSync(source, 'utf8').trimEnd().split('\n');
  if (!header.startsWith('name,') || header.split(',').length !== 11) {
    throw new Error(`${source}: not an 11-column openb pod list`);
  }
  const pods = body.map((line) => line.split(','));
  // Creation and deletion times are columns 8 and 9; a copy starts after the source's last time.
  let span = 0;
  for (const f of pods) span = Math.max(span, Number(f[8]), Number(f[9]) || 0);
  const period = span + 1;
  const stream = createWriteStream(out);
  let chunk = `${header}\n`;
  let copy = 0;
  for (let i = 0; i < rows; i++) {
    const j = i % pods.length;
    if (i > 0 && j === 0) copy++;
    const f = pods[j];
    const shift = copy * period;
    const deletion = f[9] === '' ? '' : String(Number(f[9]) + shift);
    chunk += `c${copy}-${f[0]},${f.slice(1, 8).join(',')},${Number(f[8]) + shift},${deletion},${f[10] === '' ? '' : Number(f[10]) + shift}\n`;
    if (chunk.length > 1 << 16) {
      if (!stream.write(chunk)) await once(stream, 'drain');
      chunk = '';
    }
  }
  stream.end(chunk);
  await once(stream, 'finish');
  return copy + 1;
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  const [rows, out, source] = process.argv.slice(2);
  if (!rows || !out) throw new Error('usage: tsx bench/openb-pods.ts ROWS OUT [SOURCE]');
  const copies = await writeOpenbPods(Number(rows), out, source);
  process.stdout.write(`${out}: ${Number(rows).toLocaleString('en-US')} pods, ${copies} copies\n`);
}
