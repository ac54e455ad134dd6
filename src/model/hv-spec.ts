// Nova's hypervisor-spec enums (nova/objects/fields.py: Architecture, HVType, VMMode) and their
// `canonicalize`, which both ImageMetaProps (the image's properties) and HVSpec (a host's
// supported_instances) apply when a value is set: what the ImagePropertiesFilter compares.

/** nova.objects.fields.Architecture.ALL (nova/virt/arch.py). */
export const ARCHITECTURES = [
  'alpha',
  'armv6',
  'armv7l',
  'armv7b',
  'aarch64',
  'cris',
  'i686',
  'ia64',
  'lm32',
  'm68k',
  'microblaze',
  'microblazeel',
  'mips',
  'mipsel',
  'mips64',
  'mips64el',
  'openrisc',
  'parisc',
  'parisc64',
  'ppc',
  'ppcle',
  'ppc64',
  'ppc64le',
  'ppcemb',
  's390',
  's390x',
  'sh4',
  'sh4eb',
  'sparc',
  'sparc64',
  'unicore32',
  'x86_64',
  'xtensa',
  'xtensaeb',
] as const;

/** nova.objects.fields.HVType.ALL. */
export const HV_TYPES = [
  'baremetal',
  'bhyve',
  'docker',
  'fake',
  'hyperv',
  'ironic',
  'kqemu',
  'kvm',
  'lxc',
  'lxd',
  'openvz',
  'parallels',
  'phyp',
  'qemu',
  'test',
  'uml',
  'vbox',
  'vz',
  'vmware',
  'xen',
  'zvm',
  'prsm',
] as const;

/** nova.objects.fields.VMMode.ALL. */
export const VM_MODES = ['hvm', 'xen', 'uml', 'exe'] as const;

const ARCH_ALIASES: Readonly<Record<string, string>> = {
  i386: 'i686',
  i486: 'i686',
  i586: 'i686',
  // "Xen mistake from Icehouse or earlier"
  x86_32: 'i686',
  x86_32p: 'i686',
  amd64: 'x86_64',
};
const HV_TYPE_ALIASES: Readonly<Record<string, string>> = { xapi: 'xen' };
// "For compatibility with pre-Folsom deployments"
const VM_MODE_ALIASES: Readonly<Record<string, string>> = { pv: 'xen', hv: 'hvm', baremetal: 'hvm' };

function canonical(
  name: string,
  aliases: Readonly<Record<string, string>>,
  valid: readonly string[],
): string | undefined {
  const lower = name.toLowerCase();
  const c = Object.hasOwn(aliases, lower) ? aliases[lower] : lower;
  return valid.includes(c) ? c : undefined;
}

/** Architecture.canonicalize: lower-cased, aliases resolved; undefined where Nova raises. */
export const canonicalArchitecture = (name: string) => canonical(name, ARCH_ALIASES, ARCHITECTURES);
/** HVType.canonicalize; undefined where Nova raises. */
export const canonicalHvType = (name: string) => canonical(name, HV_TYPE_ALIASES, HV_TYPES);
/** VMMode.canonicalize; undefined where Nova raises. */
export const canonicalVmMode = (name: string) => canonical(name, VM_MODE_ALIASES, VM_MODES);

/** A host's `supported_instances` entry, canonical (HVSpec.to_list()). */
export type HvSpec = readonly [arch: string, hvType: string, vmMode: string];

/** The default `supported_instances` of a host: one QEMU/KVM x86_64 HVM guest type. */
export const DEFAULT_SUPPORTED_INSTANCES: readonly HvSpec[] = [['x86_64', 'qemu', 'hvm']];

/** The default `hypervisor_version` of a host: 6.2.0 (QEMU 6.2, as libvirt reports it). */
export const DEFAULT_HYPERVISOR_VERSION = 6002000;

/** nova.objects.fields.MonitorMetricType.ALL: the only names a host's metric can have. */
export const METRIC_NAMES = [
  'cpu.frequency',
  'cpu.user.time',
  'cpu.kernel.time',
  'cpu.idle.time',
  'cpu.iowait.time',
  'cpu.user.percent',
  'cpu.kernel.percent',
  'cpu.idle.percent',
  'cpu.iowait.percent',
  'cpu.percent',
  'numa.membw.max',
  'numa.membw.current',
] as const;
