import type { z } from 'zod';
import { aggregateInstanceExtraSpecsFilter } from './filters/aggregate-instance-extra-specs.ts';
import { availabilityZoneFilter } from './filters/availability-zone.ts';
import { computeFilter } from './filters/compute.ts';
import { computeCapabilitiesFilter } from './filters/compute-capabilities.ts';
import { coreFilter } from './filters/core.ts';
import { diskFilter } from './filters/disk.ts';
import { gpuFilter } from './filters/gpu.ts';
import { differentHostFilter, sameHostFilter } from './filters/host-hints.ts';
import { imagePropertiesFilter } from './filters/image-properties.ts';
import { ioOpsFilter } from './filters/io-ops.ts';
import { numInstancesFilter } from './filters/num-instances.ts';
import { ramFilter } from './filters/ram.ts';
import { retryFilter } from './filters/retry.ts';
import { serverGroupAffinityFilter } from './filters/server-group-affinity.ts';
import { serverGroupAntiAffinityFilter } from './filters/server-group-anti-affinity.ts';
import type { FilterDefinition, PluginSet, WeigherDefinition } from './types.ts';
import { buildFailureWeigher } from './weighers/build-failure.ts';
import { cpuWeigher } from './weighers/cpu.ts';
import { crossCellWeigher } from './weighers/cross-cell.ts';
import { diskWeigher } from './weighers/disk.ts';
import { ioOpsWeigher } from './weighers/io-ops.ts';
import { metricsWeigher } from './weighers/metrics.ts';
import { numInstancesWeigher } from './weighers/num-instances.ts';
import { pciWeigher } from './weighers/pci.ts';
import { ramWeigher } from './weighers/ram.ts';
import { serverGroupSoftAffinityWeigher } from './weighers/server-group-soft-affinity.ts';
import { serverGroupSoftAntiAffinityWeigher } from './weighers/server-group-soft-anti-affinity.ts';

/** The built-in filters, in listing order (Nova's `nova.scheduler.filters.all_filters`). */
export const BUILTIN_FILTERS: readonly FilterDefinition[] = [
  retryFilter,
  availabilityZoneFilter,
  computeFilter,
  ramFilter,
  coreFilter,
  diskFilter,
  gpuFilter,
  aggregateInstanceExtraSpecsFilter,
  computeCapabilitiesFilter,
  imagePropertiesFilter,
  serverGroupAffinityFilter,
  serverGroupAntiAffinityFilter,
  sameHostFilter,
  differentHostFilter,
  numInstancesFilter,
  ioOpsFilter,
];

/** The built-in weighers, in listing order (Nova's `nova.scheduler.weights.all_weighers`). */
export const BUILTIN_WEIGHERS: readonly WeigherDefinition[] = [
  ramWeigher,
  cpuWeigher,
  diskWeigher,
  ioOpsWeigher,
  numInstancesWeigher,
  serverGroupSoftAffinityWeigher,
  serverGroupSoftAntiAffinityWeigher,
  buildFailureWeigher,
  metricsWeigher,
  pciWeigher,
  crossCellWeigher,
];

/**
 * Only the built-in filters and weighers: what a framework strategy resolves names in until a
 * catalog binds it to its own (tests and benches use strategies unbound).
 */
export const BUILTIN_PLUGINS: PluginSet = Object.freeze({
  filters: new Map(BUILTIN_FILTERS.map((f) => [f.name, f])),
  weighers: new Map(BUILTIN_WEIGHERS.map((w) => [w.name, w])),
});

/** The options the built-in filters declare (the constraint options every baseline takes). */
export type BuiltinFilterOptions = z.output<
  z.ZodObject<
    typeof numInstancesFilter.options & typeof ioOpsFilter.options & typeof imagePropertiesFilter.options
  >
>;

/** The options the built-in weighers declare. */
export type BuiltinWeigherOptions = z.output<
  z.ZodObject<
    typeof ramWeigher.options &
      typeof cpuWeigher.options &
      typeof diskWeigher.options &
      typeof ioOpsWeigher.options &
      typeof numInstancesWeigher.options &
      typeof serverGroupSoftAffinityWeigher.options &
      typeof serverGroupSoftAntiAffinityWeigher.options &
      typeof buildFailureWeigher.options &
      typeof metricsWeigher.options &
      typeof pciWeigher.options &
      typeof crossCellWeigher.options
  >
>;
