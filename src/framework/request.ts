import { GroupView } from './group-view.ts';
import type { FilterRequest } from './types.ts';

/** A FilterRequest to reuse for every instance a driver schedules (filled in per instance). */
export function reusableFilterRequest(hostCount: number): FilterRequest {
  return {
    spec: undefined as never,
    index: 0,
    instanceId: '',
    instanceHost: -1,
    retryHosts: undefined,
    group: new GroupView(hostCount),
  };
}
