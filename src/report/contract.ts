import type { ReplayResult } from '../model/replay-result.ts';

/**
 * The identities the SchedulerManager contract guarantees between a replay's counts (one
 * InstanceAction event per instance, Success per placement, ERROR state and notification per
 * NoValidHost, start and end notifications per request, every placement live or released).
 * Returns a line for each identity that does not hold; a correct replay returns none.
 */
export function contractMismatches(
  r: ReplayResult,
  observed: { placed: number; noValidHost: number },
): string[] {
  const m = r.manager;
  const c = r.records;
  const checks: [string, number, string, number][] = [
    ['instance_action_events', c.eventsStarted, 'instances', m.instances],
    ['instance_action_success', c.eventsSucceeded, 'placed', m.placed],
    ['instance_action_error', c.eventsFailed, 'no_valid_host', m.noValidHost],
    ['vm_state_error', c.vmStateErrors, 'no_valid_host', m.noValidHost],
    ['notifications_error', c.notificationsError, 'no_valid_host', m.noValidHost],
    ['notifications_start', c.notificationsStart, 'requests', m.requests],
    ['notifications_end', c.notificationsEnd, 'requests', m.requests],
    ['placed + no_valid_host', m.placed + m.noValidHost, 'instances', m.instances],
    ['placed - released', m.placed - r.released, 'live_at_end', r.liveAtEnd],
    ['placements seen by observers', observed.placed, 'placed', m.placed],
    ['NoValidHost seen by observers', observed.noValidHost, 'no_valid_host', m.noValidHost],
  ];
  return checks.filter(([, a, , b]) => a !== b).map(([an, a, bn, b]) => `${an} (${a}) != ${bn} (${b})`);
}
