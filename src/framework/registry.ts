import { aggregateInstanceExtraSpecsFilter } from './filters/aggregate-instance-extra-specs.ts';
import { availabilityZoneFilter } from './filters/availability-zone.ts';
import { computeFilter } from './filters/compute.ts';
import { computeCapabilitiesFilter } from './filters/compute-capabilities.ts';
import { coreFilter } from './filters/core.ts';
import { diskFilter } from './filters/disk.ts';
import { differentHostFilter, sameHostFilter } from './filters/host-hints.ts';
import { ioOpsFilter } from './filters/io-ops.ts';
import { numInstancesFilter } from './filters/num-instances.ts';
import { ramFilter } from './filters/ram.ts';
import { retryFilter } from './filters/retry.ts';
import { serverGroupAffinityFilter } from './filters/server-group-affinity.ts';
import { serverGroupAntiAffinityFilter } from './filters/server-group-anti-affinity.ts';
import type { FilterFactory, WeigherFactory } from './types.ts';
import { cpuWeigher } from './weighers/cpu.ts';
import { diskWeigher } from './weighers/disk.ts';
import { ioOpsWeigher } from './weighers/io-ops.ts';
import { numInstancesWeigher } from './weighers/num-instances.ts';
import { ramWeigher } from './weighers/ram.ts';
import { serverGroupSoftAffinityWeigher } from './weighers/server-group-soft-affinity.ts';
import { serverGroupSoftAntiAffinityWeigher } from './weighers/server-group-soft-anti-affinity.ts';

/** Filters by Nova class name (Nova's `nova.scheduler.filters.all_filters`). */
export const FILTERS = new Map<string, FilterFactory>([
  ['RetryFilter', retryFilter],
  ['AvailabilityZoneFilter', availabilityZoneFilter],
  ['ComputeFilter', computeFilter],
  ['RamFilter', ramFilter],
  ['CoreFilter', coreFilter],
  ['DiskFilter', diskFilter],
  ['AggregateInstanceExtraSpecsFilter', aggregateInstanceExtraSpecsFilter],
  ['ComputeCapabilitiesFilter', computeCapabilitiesFilter],
  ['ServerGroupAffinityFilter', serverGroupAffinityFilter],
  ['ServerGroupAntiAffinityFilter', serverGroupAntiAffinityFilter],
  ['SameHostFilter', sameHostFilter],
  ['DifferentHostFilter', differentHostFilter],
  ['NumInstancesFilter', numInstancesFilter],
  ['IoOpsFilter', ioOpsFilter],
]);

/** Weighers by Nova class name (Nova's `nova.scheduler.weights.all_weighers`). */
export const WEIGHERS = new Map<string, WeigherFactory>([
  ['RAMWeigher', ramWeigher],
  ['CPUWeigher', cpuWeigher],
  ['DiskWeigher', diskWeigher],
  ['IoOpsWeigher', ioOpsWeigher],
  ['NumInstancesWeigher', numInstancesWeigher],
  ['ServerGroupSoftAffinityWeigher', serverGroupSoftAffinityWeigher],
  ['ServerGroupSoftAntiAffinityWeigher', serverGroupSoftAntiAffinityWeigher],
]);
