// ImagePropertiesFilter (nova/scheduler/filters/image_props_filter.py), values worked out by hand
// from Nova's code: checked props = (canonical arch or the default, canonical hv_type, canonical
// vm_mode); none -> every host passes; else some supported_instances entry must contain every
// checked prop (`i in supp_inst`, anywhere in the triple), then the version check
// (VersionPredicate('image_prop (...)').satisfied_by(convert_version_to_str(hypervisor_version)),
// skipped when either is empty/0; a host version that is not N.N or N.N.N raises ValueError).
import { describe, expect, it } from 'vitest';
import { SchedulingError } from '../../src/scheduler/errors.ts';
import { cluster } from '../helpers/cluster.ts';
import {
  bench,
  imageProps,
  makeFilter,
  passing,
  request,
  requestSpec,
  runThroughManager,
} from './support.ts';

const HOSTS = [
  // Defaults: [["x86_64", "qemu", "hvm"]], 6002000 (6.2.0).
  { name: 'h1' },
  { name: 'h2', supported_instances: [['aarch64', 'kvm', 'hvm']], hypervisor_version: 5000000 },
  {
    name: 'h3',
    supported_instances: [
      ['x86_64', 'xen', 'xen'],
      ['i686', 'xen', 'hvm'],
    ],
    hypervisor_version: 4001000,
  },
  { name: 'h4', supported_instances: [] },
  // Canonicalised as HVSpec does: amd64 -> x86_64, QEMU -> qemu, hv -> hvm. Version 0: no check.
  { name: 'h5', supported_instances: [['AMD64', 'QEMU', 'HV']], hypervisor_version: 0 },
  // 6 is "6": not a StrictVersion, so comparing it raises.
  { name: 'h6', supported_instances: [['x86_64', 'kvm', 'hvm']], hypervisor_version: 6 },
];

const hosts = (options: Record<string, unknown> = {}) =>
  bench(
    cluster({
      hosts: HOSTS.map((h) => ({ vcpus: 8, memory_mb: 8192, disk_gb: 100, ...h })),
    }),
    options,
  );

describe('ImagePropertiesFilter', () => {
  it('an image without architecture, hypervisor type or VM mode: every host passes', () => {
    const b = hosts();
    expect(passing(b, 'ImagePropertiesFilter', request(b))).toEqual(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
    // A requested version alone is not a "compute-related property": no check, no raise on h6.
    const v = request(b, { imageProps: 'img_hv_requested_version=>= 9.0' });
    expect(passing(b, 'ImagePropertiesFilter', v)).toEqual(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
  });

  it('architecture: in some entry (h4 advertises nothing); the image side canonicalised too', () => {
    const b = hosts();
    const want = ['h1', 'h3', 'h5', 'h6'];
    expect(passing(b, 'ImagePropertiesFilter', request(b, { imageProps: 'hw_architecture=x86_64' }))).toEqual(
      want,
    );
    expect(passing(b, 'ImagePropertiesFilter', request(b, { imageProps: 'hw_architecture=AMD64' }))).toEqual(
      want,
    );
    expect(
      passing(b, 'ImagePropertiesFilter', request(b, { imageProps: 'hw_architecture=aarch64' })),
    ).toEqual(['h2']);
  });

  it('hypervisor type and VM mode (pv is xen, hv is hvm)', () => {
    const b = hosts();
    expect(passing(b, 'ImagePropertiesFilter', request(b, { imageProps: 'img_hv_type=xen' }))).toEqual([
      'h3',
    ]);
    expect(passing(b, 'ImagePropertiesFilter', request(b, { imageProps: 'hw_vm_mode=pv' }))).toEqual(['h3']);
    const kvmHvm = request(b, { imageProps: 'img_hv_type=KVM;hw_vm_mode=hv' });
    expect(passing(b, 'ImagePropertiesFilter', kvmHvm)).toEqual(['h2', 'h6']);
  });

  it("Nova's `in` test: a property matches anywhere in the triple", () => {
    // h3's ['i686', 'xen', 'hvm'] holds 'xen' as its hv_type: vm_mode 'xen' is "in" it.
    const b = hosts();
    const r = request(b, { imageProps: 'hw_architecture=i686;hw_vm_mode=xen' });
    expect(passing(b, 'ImagePropertiesFilter', r)).toEqual(['h3']);
  });

  it('the requested version against the host version (0 skips; a non-StrictVersion raises)', () => {
    const b = hosts();
    const f = makeFilter(b, 'ImagePropertiesFilter');
    const r = request(b, { imageProps: 'hw_architecture=x86_64;img_hv_requested_version=>= 6.0' });
    expect(f.preFilter(r)).toBe(true);
    // h1 6.2.0 >= 6.0; h2 no x86_64; h3 4.1.0 < 6.0 (and its i686 entry does not match); h4 none;
    // h5 version 0: no check; h6 "6" raises.
    const verdicts = [0, 1, 2, 3, 4].map((h) => f.hostPasses(h, r));
    expect(verdicts).toEqual([true, false, false, false, true]);
    expect(() => f.hostPasses(5, r)).toThrow(new SchedulingError("invalid version number '6'"));
  });

  it('version predicates as distutils compares them (pre-releases sort before the release)', () => {
    const b = hosts();
    const on = (version: string) =>
      passing(
        b,
        'ImagePropertiesFilter',
        request(b, { imageProps: `img_hv_type=qemu;img_hv_requested_version=${version}` }),
      );
    // Only h1 (6.2.0) and h5 (version 0) have qemu.
    expect(on('== 6.2')).toEqual(['h1', 'h5']);
    expect(on('!= 6.2.0')).toEqual(['h5']);
    expect(on('> 6.2.0b1')).toEqual(['h1', 'h5']);
    expect(on('< 6.2.0a1')).toEqual(['h5']);
    expect(on('>= 6.0, < 6.2')).toEqual(['h5']);
    expect(on('>= 06.00')).toEqual(['h1', 'h5']);
  });

  it('through the manager: a raise fails the whole request, unless an earlier filter drops the host', () => {
    const spec = requestSpec(
      'r',
      { vcpus: 1, memoryMb: 512 },
      {
        count: 2,
        imageProps: imageProps('hw_architecture=x86_64;img_hv_requested_version=>= 6.0'),
      },
    );
    const b = hosts({ filters: ['ImagePropertiesFilter'] });
    expect(runThroughManager(b, spec).map((o) => [o.host, o.reason])).toEqual([
      ['', "invalid version number '6'"],
      ['', "invalid version number '6'"],
    ]);
    // h6 disabled: ComputeFilter drops it first. Survivors h1, h5 (7680 MB free each): h1 first;
    // instance 1 skips both (run once per request) and weighs [h1 7168, h5 7680]: h5.
    const disabled = bench(
      cluster({
        hosts: HOSTS.map((h) => ({
          vcpus: 8,
          memory_mb: 8192,
          disk_gb: 100,
          ...h,
          enabled: h.name !== 'h6',
        })),
      }),
      { filters: ['ComputeFilter', 'ImagePropertiesFilter'] },
    );
    expect(runThroughManager(disabled, spec).map((o) => [o.host, o.reason])).toEqual([
      ['h1', undefined],
      ['h5', undefined],
    ]);
  });

  it('image_properties_default_architecture applies to an image naming none', () => {
    const b = hosts({ image_properties_default_architecture: 'aarch64' });
    expect(passing(b, 'ImagePropertiesFilter', request(b))).toEqual(['h2']);
    const x86 = request(b, { imageProps: 'hw_architecture=x86_64' });
    expect(passing(b, 'ImagePropertiesFilter', x86)).toEqual(['h1', 'h3', 'h5', 'h6']);
    expect(() => hosts({ image_properties_default_architecture: 'amd64' })).toThrow(
      /expected an architecture/,
    );
  });

  it('runs once per request, and explains a rejection', () => {
    const b = hosts();
    const f = makeFilter(b, 'ImagePropertiesFilter');
    expect(f.runOncePerRequest).toBe(true);
    const r = request(b, { imageProps: 'hw_architecture=x86_64;img_hv_requested_version=>= 6.0' });
    f.preFilter(r);
    expect(f.explain?.(1, r)).toBe(
      'ImagePropertiesFilter: the image asks for x86_64, the host supports [aarch64, kvm, hvm]',
    );
    expect(f.explain?.(2, r)).toBe(
      "ImagePropertiesFilter: hypervisor version 4.1.0 does not satisfy the image's requested version",
    );
    expect(f.explain?.(3, r)).toBe(
      'ImagePropertiesFilter: the image asks for x86_64, the host supports nothing',
    );
  });
});
