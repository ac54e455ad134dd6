import type { ExtraSpecs } from '../model/extra-specs.ts';
import type { GroupPolicy } from '../model/group-policy.ts';
import type { ImageProps } from '../model/image-props.ts';

export const CREATE = 0;
export const DELETE = 1;

/**
 * One decoded trace row. The reader reuses a single object for every row, so a consumer must copy
 * what it keeps.
 */
export interface TraceRow {
  /** 1-based line number in the file (of the row's last physical line). */
  line: number;
  time: number;
  event: typeof CREATE | typeof DELETE;
  id: string;
  vcpus: number;
  memoryMb: number;
  diskGb: number;
  count: number;
  /** Whole GPUs per instance, 0..64. */
  gpus: number;
  /** Thousandths of each of those GPUs: 0 when gpus = 0, else 1..1000 (below 1000 only with gpus = 1). */
  gpuMilli: number;
  /** Allowed GPU models separated by `|`; '' for any. */
  gpuSpec: string;
  /** Seconds the instances live, or NaN when they live until deleted. */
  duration: number;
  /** '' when absent. */
  az: string;
  group: string;
  groupPolicy: GroupPolicy | '';
  extraSpecs: ExtraSpecs | undefined;
  sameHost: readonly string[] | undefined;
  differentHost: readonly string[] | undefined;
  /** The image's properties (column `image_props`); undefined when none. */
  imageProps: ImageProps | undefined;
}

export function emptyRow(): TraceRow {
  return {
    line: 0,
    time: 0,
    event: CREATE,
    id: '',
    vcpus: 0,
    memoryMb: 0,
    diskGb: 0,
    count: 1,
    gpus: 0,
    gpuMilli: 0,
    gpuSpec: '',
    duration: Number.NaN,
    az: '',
    group: '',
    groupPolicy: '',
    extraSpecs: undefined,
    sameHost: undefined,
    differentHost: undefined,
    imageProps: undefined,
  };
}
