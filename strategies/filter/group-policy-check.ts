import type { FilterSchedulerOptions } from '../../src/framework/options.ts';

/**
 * The conductor's group-policy check (`scheduler_utils._get_group_details`), with
 * `group_policy_check` on: each policy whose filter or weigher is not configured, with the reason
 * Nova's UnsupportedPolicyException gives. Empty when the check is off.
 */
export function unsupportedGroupPolicies(
  options: Pick<FilterSchedulerOptions, 'filters' | 'weighers' | 'group_policy_check'>,
): Map<string, string> {
  const out = new Map<string, string>();
  if (!options.group_policy_check) return out;
  const needs: [string, string, readonly string[]][] = [
    ['affinity', 'ServerGroupAffinityFilter', options.filters],
    ['anti-affinity', 'ServerGroupAntiAffinityFilter', options.filters],
    ['soft-affinity', 'ServerGroupSoftAffinityWeigher', options.weighers],
    ['soft-anti-affinity', 'ServerGroupSoftAntiAffinityWeigher', options.weighers],
  ];
  for (const [policy, plugin, configured] of needs) {
    if (!configured.includes(plugin))
      out.set(policy, `ServerGroup policy is not supported: ${plugin} not configured`);
  }
  return out;
}
