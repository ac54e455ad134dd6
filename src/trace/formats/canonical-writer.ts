import { StagedFile } from '../../common/atomic-write.ts';
import { COLUMNS } from '../decode.ts';
import { CREATE, type TraceRow } from '../row.ts';

/**
 * The columns `convert` writes, in order: every column the decoder reads (traces/README.md) but
 * `image_props`, which comes last when the source trace has that column (CanonicalTraceWriter).
 */
export const CANONICAL_HEADER = COLUMNS.filter((c) => c !== 'image_props');

/** A CSV field, quoted when it holds a comma, a quote or a line break. */
function field(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** One trace row as a canonical CSV line (without the newline), with the `image_props` field or not. */
export function canonicalLine(r: TraceRow, imageProps = false): string {
  if (r.event !== CREATE) return `${r.time},delete,${field(r.id)},,,,,,,,,,,,,,${imageProps ? ',' : ''}`;
  const line = [
    String(r.time),
    'create',
    field(r.id),
    String(r.vcpus),
    String(r.memoryMb),
    String(r.diskGb),
    String(r.count),
    Number.isNaN(r.duration) ? '' : String(r.duration),
    field(r.az),
    field(r.group),
    r.groupPolicy,
    field(r.extraSpecs?.key ?? ''),
    field(r.sameHost?.join(';') ?? ''),
    field(r.differentHost?.join(';') ?? ''),
    r.gpus === 0 ? '' : String(r.gpus),
    r.gpus === 0 ? '' : String(r.gpuMilli),
    field(r.gpuSpec),
  ].join(',');
  return imageProps ? `${line},${field(r.imageProps?.key ?? '')}` : line;
}

/** Writes canonical rows through a StagedFile: never half-written under its name. */
export class CanonicalTraceWriter {
  private readonly file: StagedFile;
  rows = 0;

  /** `imageProps`: write the `image_props` column (when the source trace has one). */
  constructor(
    path: string,
    private readonly imageProps = false,
  ) {
    this.file = new StagedFile(path);
    this.file.write(`${[...CANONICAL_HEADER, ...(imageProps ? ['image_props'] : [])].join(',')}\n`);
  }

  readonly write = (r: TraceRow): void => {
    this.file.write(`${canonicalLine(r, this.imageProps)}\n`);
    this.rows++;
  };

  close(): void {
    this.file.commit();
  }

  /** Drop the temp file (after an error). */
  abort(): void {
    this.file.discard();
  }
}
