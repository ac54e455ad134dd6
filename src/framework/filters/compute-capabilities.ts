import type { HostTable } from '../../cluster/host-table.ts';
import { PyFloat, pyStr } from '../../common/py-float.ts';
import type { ExtraSpecs } from '../../model/extra-specs.ts';
import { defineHostFilter } from '../define.ts';
import { matchExtraSpec } from '../extra-specs-ops.ts';
import {
  type CapabilityValue,
  DYNAMIC_ATTRIBUTES,
  hasHostAttribute,
  readHostAttribute,
} from '../host-attributes.ts';
import {
  computeVerdicts,
  type HostVerdicts,
  StaticVerdictCache,
  verdictMask,
  verdictOf,
} from '../static-results.ts';
import type { FilterRequest } from '../types.ts';

/**
 * ComputeCapabilitiesFilter: every `capabilities:` extra spec (and every unscoped one naming a host
 * attribute or trait) must match the host's value at that path. Traits are Nova's `HostState.stats`.
 */
export const computeCapabilitiesFilter = defineHostFilter({
  name: 'ComputeCapabilitiesFilter',
  description: "capabilities: extra specs must match the host's attributes and traits",
  create({ cluster }) {
    const t = cluster.hosts;
    const cache = new StaticVerdictCache(t.size);
    let current: HostVerdicts | undefined;
    const form = { kind: 'mask' as const, mask: new Uint8Array(0), want: 1, stable: true };
    return {
      name: 'ComputeCapabilitiesFilter',
      runOncePerRequest: true,
      preFilter(req: FilterRequest): boolean {
        const specs = req.spec.extraSpecs;
        if (!specs || specs.entries.length === 0) return false;
        const passes = (h: number) => firstUnsatisfied(t, h, specs) < 0;
        // Specs that read usage (free_ram_mb, ...) cannot be cached across requests.
        form.stable = !readsUsage(specs);
        current = form.stable ? cache.get(specs.key, passes) : computeVerdicts(t.size, passes);
        return true;
      },
      hostPasses: (h) => verdictOf(current!, h),
      fusedForm: () => verdictMask(current!, form),
      explain(h, req: FilterRequest) {
        const specs = req.spec.extraSpecs!;
        const i = firstUnsatisfied(t, h, specs);
        const [key, want] = specs.entries[i];
        const cap = getCapability(t, h, capabilityPath(t, h, key)!);
        const have = cap === null ? 'the host has none' : `the host has ${pyStr(cap)}`;
        return `ComputeCapabilitiesFilter: ${key}=${want} asked, ${have}`;
      },
    };
  },
});

function readsUsage(specs: ExtraSpecs): boolean {
  return specs.entries.some(([key]) => {
    const scope = key.split(':');
    const first = scope.length === 1 ? scope[0] : scope[0] === 'capabilities' ? scope[1] : undefined;
    return first !== undefined && DYNAMIC_ATTRIBUTES.has(first);
  });
}

/** The capability path an extra spec names on host `h`, or undefined when the filter ignores it. */
function capabilityPath(t: HostTable, h: number, key: string): readonly string[] | undefined {
  const scope = key.split(':');
  if (scope.length === 1) return hasHostAttribute(key) || Object.hasOwn(t.traits[h], key) ? scope : undefined;
  return scope[0] === 'capabilities' ? scope.slice(1) : undefined;
}

/** The index of the first extra spec host `h` does not satisfy, or -1 when it satisfies them all. */
function firstUnsatisfied(t: HostTable, h: number, specs: ExtraSpecs): number {
  for (let i = 0; i < specs.entries.length; i++) {
    const [key, want] = specs.entries[i];
    const scope = capabilityPath(t, h, key);
    if (scope === undefined) continue;
    const cap = getCapability(t, h, scope);
    if (cap === null) return i;
    if (!matchExtraSpec(pyStr(cap), want)) return i;
  }
  return -1;
}

const HOST = Symbol('host');

// Nova's `_get_capabilities`: walk the path through HostState attributes, then `stats`, then nested
// dicts (a string on the way is parsed as JSON). Any dead end is None.
function getCapability(t: HostTable, h: number, scope: readonly string[]): CapabilityValue {
  let cap: CapabilityValue | typeof HOST | unknown = HOST;
  for (const name of scope) {
    if (typeof cap === 'string') {
      try {
        cap = JSON.parse(cap);
      } catch {
        return null;
      }
    }
    if (cap === HOST) {
      const attr = readHostAttribute(t, h, name);
      // stats.get(name): own keys only, so `toString` or `constructor` is no inherited member.
      const stats = t.traits[h];
      cap = attr !== null ? attr : Object.hasOwn(stats, name) ? (stats[name] ?? null) : null;
    } else if (cap !== null && typeof cap === 'object' && !Array.isArray(cap) && !(cap instanceof PyFloat)) {
      const obj = cap as Record<string, unknown>;
      cap = Object.hasOwn(obj, name) ? (obj[name] ?? null) : null;
    } else {
      return null;
    }
    if (cap === null) return null;
  }
  return cap === HOST ? null : (cap as CapabilityValue);
}
