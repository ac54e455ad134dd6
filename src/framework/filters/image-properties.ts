import { z } from 'zod';
import type { HostTable } from '../../cluster/host-table.ts';
import { ARCHITECTURES } from '../../model/hv-spec.ts';
import { satisfiedBy, type VersionPredicate, versionString } from '../../model/version-predicate.ts';
import { SchedulingError } from '../../scheduler/errors.ts';
import { defineHostFilter } from '../define.ts';
import { type HostVerdicts, StaticVerdictCache, verdictMask, verdictOf } from '../static-results.ts';
import type { FilterRequest } from '../types.ts';

/** What one request asks of a host's hypervisor (Nova's `checked_img_props`, and the version). */
interface Asked {
  readonly props: readonly (string | undefined)[];
  readonly predicate: VersionPredicate | undefined;
}

/**
 * ImagePropertiesFilter (nova/scheduler/filters/image_props_filter.py): when the image names an
 * architecture (or the configured default applies), a hypervisor type or a VM mode, some entry of
 * the host's `supported_instances` must hold each of them (anywhere in the triple, as Nova's `in`
 * test), and the host's hypervisor_version must satisfy `img_hv_requested_version` (when both are
 * set). The values are canonical on both sides (the trace and cluster readers canonicalise).
 */
export const imagePropertiesFilter = defineHostFilter({
  name: 'ImagePropertiesFilter',
  description: "the image's architecture, hypervisor type, VM mode and version must be supported by the host",
  options: {
    // Nova's option takes the canonical names only (choices=arch.ALL).
    image_properties_default_architecture: z
      .string()
      .refine((a) => (ARCHITECTURES as readonly string[]).includes(a), {
        error: `expected an architecture: ${ARCHITECTURES.join(', ')}`,
      })
      .optional()
      .describe("ImagePropertiesFilter: the architecture of an image that names none (Nova's default: none)"),
  },
  create({ cluster, options }) {
    const t = cluster.hosts;
    const cache = new StaticVerdictCache(t.size);
    const defaultArch = options.image_properties_default_architecture;
    let current: HostVerdicts | undefined;
    let asked: Asked | undefined;
    const form = { kind: 'mask' as const, mask: new Uint8Array(0), want: 1, stable: true };
    return {
      name: 'ImagePropertiesFilter',
      runOncePerRequest: true,
      preFilter(req: FilterRequest): boolean {
        const image = req.spec.imageProps;
        const props = [image?.hwArchitecture ?? defaultArch, image?.imgHvType, image?.hwVmMode];
        // "Supported if no compute-related instance properties are specified."
        if (props.every((p) => p === undefined)) return false;
        const a: Asked = { props, predicate: image?.versionPredicate };
        asked = a;
        current = cache.get(image?.key ?? '', (h) => supported(t, h, a));
        return true;
      },
      hostPasses: (h) => verdictOf(current!, h),
      fusedForm: () => verdictMask(current!, form),
      explain(h) {
        const a = asked!;
        const wanted = a.props.filter((p) => p !== undefined).join(', ');
        const have = t.supportedInstances[h].map((s) => `[${s.join(', ')}]`).join(' ') || 'nothing';
        if (t.supportedInstances[h].some((s) => matches(a.props, s)))
          return `ImagePropertiesFilter: hypervisor version ${versionString(t.hypervisorVersion[h])} does not satisfy the image's requested version`;
        return `ImagePropertiesFilter: the image asks for ${wanted}, the host supports ${have}`;
      },
    };
  },
});

// `_compare_props`: each asked property is somewhere in the host's [arch, hv_type, vm_mode].
function matches(props: readonly (string | undefined)[], spec: readonly string[]): boolean {
  for (const p of props) if (p !== undefined && !spec.includes(p)) return false;
  return true;
}

// `_instance_supported` once some property is asked: the first entry holding every asked property
// decides, through the version check (`_compare_product_version`).
function supported(t: HostTable, h: number, a: Asked): boolean {
  for (const spec of t.supportedInstances[h]) {
    if (!matches(a.props, spec)) continue;
    const version = t.hypervisorVersion[h];
    if (version === 0 || a.predicate === undefined) return true;
    try {
      if (satisfiedBy(a.predicate, version)) return true;
    } catch (err) {
      // distutils' ValueError: Nova's scheduling call fails.
      throw new SchedulingError((err as Error).message);
    }
  }
  return false;
}
