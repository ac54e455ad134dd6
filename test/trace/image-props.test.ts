// The trace column `image_props` (traces/README.md): parsed and canonicalised as Nova's
// ImageMetaProps sets its fields (values checked by hand against nova/objects/fields.py), refused
// with one line naming file, line and column, and the same through every reader: csv-parse, the
// byte scanner, the shared columns and `convert`.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/common/errors.ts';
import { parseImageProps } from '../../src/model/image-props.ts';
import { ColumnarTraceSource } from '../../src/trace/columnar.ts';
import { parseColumnar } from '../../src/trace/columnar-builder.ts';
import { convertTrace } from '../../src/trace/convert.ts';
import { CsvTraceSource } from '../../src/trace/csv-reader.ts';
import { DELETE, type TraceRow } from '../../src/trace/row.ts';
import { NO_TRANSFORMS } from '../../src/trace/transforms/options.ts';
import { tempDir, traceFile } from '../helpers/replay.ts';
import { bothReaders } from './reader-parity.ts';

const HEADER = 'time,id,vcpus,memory_mb,image_props';

/** Each row's image properties (without the cache key) or bad-row message, via one source. */
async function read(source: CsvTraceSource | ColumnarTraceSource): Promise<unknown[]> {
  const out: unknown[] = [];
  await source.read({
    row: (r: TraceRow) => {
      if (r.event === DELETE) return out.push('delete');
      const p = r.imageProps;
      out.push(p === undefined ? null : [p.hwArchitecture, p.imgHvType, p.hwVmMode, p.imgHvRequestedVersion]);
    },
    badRow: (e: InputError) => out.push(e.message),
  });
  return out;
}

/** The same rows from csv-parse, the byte scanner and the shared columns (or a test failure). */
async function everyReader(path: string): Promise<unknown[]> {
  const scanned = await read(new CsvTraceSource(path));
  expect(await read(new CsvTraceSource(path, { byteScanner: false }))).toEqual(scanned);
  expect(await read(new ColumnarTraceSource(await parseColumnar(path, 'skip')))).toEqual(scanned);
  const { fast, csvParse } = await bothReaders(path);
  expect(fast).toEqual(csvParse);
  return scanned;
}

describe('image_props: parsed as ImageMetaProps holds them', () => {
  it('canonical values (amd64 -> x86_64, XAPI -> xen, pv -> xen, hv -> hvm), last value wins', () => {
    const p = parseImageProps(' hw_architecture=AMD64; img_hv_type = XAPI ;;hw_vm_mode=pv;hw_vm_mode=HV ');
    expect(p).toEqual({
      key: 'hw_architecture=AMD64; img_hv_type = XAPI ;;hw_vm_mode=pv;hw_vm_mode=HV',
      hwArchitecture: 'x86_64',
      imgHvType: 'xen',
      hwVmMode: 'hvm',
      imgHvRequestedVersion: undefined,
      versionPredicate: undefined,
    });
    // i386/i486/i586/x86_32/x86_32p are i686.
    for (const a of ['i386', 'I486', 'i586', 'x86_32', 'X86_32P'])
      expect((parseImageProps(`hw_architecture=${a}`) as { hwArchitecture: string }).hwArchitecture).toBe(
        'i686',
      );
    expect(parseImageProps('  ')).toBeUndefined();
    // An empty requested version is kept ('' does not ask, as in Nova).
    expect(parseImageProps('img_hv_requested_version=')).toMatchObject({
      imgHvRequestedVersion: '',
      versionPredicate: undefined,
    });
  });

  it.each<[string, string]>([
    [
      'hw_disk_bus=virtio',
      'unknown image property "hw_disk_bus" (known: hw_architecture, img_hv_type, hw_vm_mode, img_hv_requested_version)',
    ],
    ['hw_architecture', 'expected key=value, got "hw_architecture"'],
    [
      'hw_architecture=x86',
      'hw_architecture: "x86" is not an architecture Nova knows (e.g. x86_64, aarch64, ppc64le, s390x)',
    ],
    [
      'hw_architecture=',
      'hw_architecture: "" is not an architecture Nova knows (e.g. x86_64, aarch64, ppc64le, s390x)',
    ],
    [
      'img_hv_type=esx',
      'img_hv_type: "esx" is not a hypervisor type Nova knows (e.g. qemu, kvm, xen, vmware)',
    ],
    ['hw_vm_mode=pvh', 'hw_vm_mode: "pvh" is not a VM mode Nova knows (hvm, xen, uml, exe)'],
    [
      'img_hv_requested_version=>= 6',
      'img_hv_requested_version: ">= 6": invalid version number "6" (expected N.N, N.N.N, optionally a1 or b1 after) (e.g. ">= 6.0" or ">= 6.0, < 7.0")',
    ],
    [
      'img_hv_requested_version=6.0',
      'img_hv_requested_version: "6.0": bad restriction "6.0" (expected an operator <, <=, ==, !=, >=, > and a version) (e.g. ">= 6.0" or ">= 6.0, < 7.0")',
    ],
    [
      'img_hv_requested_version=\u2265 6.0',
      'img_hv_requested_version: "\u2265 6.0" has characters other than printable ASCII',
    ],
  ])('refuses %j', (text, reason) => {
    expect(parseImageProps(text)).toBe(reason);
  });
});

describe('image_props through every reader', () => {
  it('plain rows, quoted rows and a bad row: the same from csv-parse, the byte scanner and the columns', async () => {
    const path = traceFile([
      HEADER,
      '0,a,1,512,hw_architecture=x86_64',
      '1,b,1,512,',
      // A comma inside: quoted, so csv-parse takes over from here.
      '2,c,1,512,"img_hv_type=kvm;img_hv_requested_version=>= 6.0, < 7.0"',
      '3,d,1,512,hw_vm_mode=bogus',
      '4,e,1,512,hw_architecture=AArch64;hw_vm_mode=hvm',
    ]);
    expect(await everyReader(path)).toEqual([
      ['x86_64', undefined, undefined, undefined],
      null,
      [undefined, 'kvm', undefined, '>= 6.0, < 7.0'],
      `${path}:5: image_props: hw_vm_mode: "bogus" is not a VM mode Nova knows (hvm, xen, uml, exe)`,
      ['aarch64', undefined, 'hvm', undefined],
    ]);
  });

  it('a trace without the column has no image properties', async () => {
    const path = traceFile(['time,id,vcpus,memory_mb', '0,a,1,512']);
    expect(await everyReader(path)).toEqual([null]);
  });

  it('stops on a bad value with one line naming file, line and column', async () => {
    const path = traceFile([HEADER, '0,a,1,512,hw_architecture=x86_64', '1,b,1,512,os_distro=ubuntu']);
    const err = await new CsvTraceSource(path)
      .read({
        row: () => {},
        badRow: (e) => {
          throw e;
        },
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toBe(
      `${path}:3: image_props: unknown image property "os_distro" (known: hw_architecture, img_hv_type, hw_vm_mode, img_hv_requested_version)`,
    );
  });
});

describe('convert keeps the column only when the source has it', () => {
  const convert = async (lines: string[]) => {
    const out = join(tempDir(), 'out.csv');
    await convertTrace({
      format: 'canonical',
      inputs: [traceFile(lines)],
      out,
      clusterOut: undefined,
      cluster: undefined,
      transforms: NO_TRANSFORMS,
    });
    return readFileSync(out, 'utf8').trimEnd().split('\n');
  };
  const CLASSIC =
    'time,event,id,vcpus,memory_mb,disk_gb,count,duration,az,group,group_policy,extra_specs,same_host,different_host,gpus,gpu_milli,gpu_spec';

  it('without image_props: the classic header and rows', async () => {
    expect(await convert(['time,id,vcpus,memory_mb', '0,a,1,512'])).toEqual([
      CLASSIC,
      '0,create,a,1,512,0,1,,,,,,,,,,',
    ]);
  });

  it('with image_props: the column last, deletes too', async () => {
    const lines = await convert([
      'time,event,id,vcpus,memory_mb,image_props',
      '0,create,a,1,512,hw_architecture=x86_64;img_hv_requested_version=>= 6.0',
      '1,create,b,1,512,',
      '2,delete,a,,,',
    ]);
    expect(lines).toEqual([
      `${CLASSIC},image_props`,
      '0,create,a,1,512,0,1,,,,,,,,,,,hw_architecture=x86_64;img_hv_requested_version=>= 6.0',
      '1,create,b,1,512,0,1,,,,,,,,,,,',
      '2,delete,a,,,,,,,,,,,,,,,',
    ]);
    // And it reads back the same.
    const again = join(tempDir(), 'again.csv');
    writeFileSync(again, `${lines.join('\n')}\n`);
    expect(await everyReader(again)).toEqual([['x86_64', undefined, undefined, '>= 6.0'], null, 'delete']);
  });
});
