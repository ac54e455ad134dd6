import { quote } from '../common/safe-text.ts';
import { canonicalArchitecture, canonicalHvType, canonicalVmMode } from './hv-spec.ts';
import { parseVersionPredicate, type VersionPredicate } from './version-predicate.ts';

/** The image properties a trace row may give (trace column `image_props`). */
export const IMAGE_PROP_KEYS = [
  'hw_architecture',
  'img_hv_type',
  'hw_vm_mode',
  'img_hv_requested_version',
] as const;

/**
 * The image's properties (Nova's `spec_obj.image.properties`, an ImageMetaProps), as Nova holds them
 * once set: architecture, hypervisor type and VM mode canonical; undefined where not given.
 */
export interface ImageProps {
  /** The trimmed column text: a cache key for filters that precompute per distinct properties. */
  readonly key: string;
  readonly hwArchitecture: string | undefined;
  readonly imgHvType: string | undefined;
  readonly hwVmMode: string | undefined;
  /** `img_hv_requested_version` as given ('' counts as not asking, as in Nova). */
  readonly imgHvRequestedVersion: string | undefined;
  /** The requested version parsed, when it is not empty. */
  readonly versionPredicate: VersionPredicate | undefined;
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * Parse `key=value;key=value` (as extra_specs: keys and values trimmed, empty parts skipped, the
 * last value of a key wins): the properties, undefined for an empty text, or the reason the text is
 * refused (an unknown key, or a value ImageMetaProps would refuse: Nova's ValueError).
 */
export function parseImageProps(raw: string): ImageProps | undefined | string {
  const key = raw.trim();
  if (key === '') return undefined;
  const values = new Map<string, string>();
  for (const part of key.split(';')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    const k = eq < 0 ? '' : part.slice(0, eq).trim();
    if (k === '') return `expected key=value, got ${quote(part.trim())}`;
    if (!(IMAGE_PROP_KEYS as readonly string[]).includes(k))
      return `unknown image property ${quote(k)} (known: ${IMAGE_PROP_KEYS.join(', ')})`;
    values.set(k, part.slice(eq + 1).trim());
  }
  const arch = values.get('hw_architecture');
  const hvType = values.get('img_hv_type');
  const vmMode = values.get('hw_vm_mode');
  const version = values.get('img_hv_requested_version');
  const props = {
    key,
    hwArchitecture: arch === undefined ? undefined : canonicalArchitecture(arch),
    imgHvType: hvType === undefined ? undefined : canonicalHvType(hvType),
    hwVmMode: vmMode === undefined ? undefined : canonicalVmMode(vmMode),
    imgHvRequestedVersion: version,
    versionPredicate: undefined as VersionPredicate | undefined,
  };
  if (arch !== undefined && props.hwArchitecture === undefined)
    return `hw_architecture: ${quote(arch)} is not an architecture Nova knows (e.g. x86_64, aarch64, ppc64le, s390x)`;
  if (hvType !== undefined && props.imgHvType === undefined)
    return `img_hv_type: ${quote(hvType)} is not a hypervisor type Nova knows (e.g. qemu, kvm, xen, vmware)`;
  if (vmMode !== undefined && props.hwVmMode === undefined)
    return `hw_vm_mode: ${quote(vmMode)} is not a VM mode Nova knows (hvm, xen, uml, exe)`;
  if (version !== undefined && version !== '') {
    if (!PRINTABLE_ASCII.test(version))
      return `img_hv_requested_version: ${quote(version)} has characters other than printable ASCII`;
    const predicate = parseVersionPredicate(version);
    if (typeof predicate === 'string')
      return `img_hv_requested_version: ${quote(version)}: ${predicate} (e.g. ">= 6.0" or ">= 6.0, < 7.0")`;
    props.versionPredicate = predicate;
  }
  return props;
}
