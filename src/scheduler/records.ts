import type { RecordCounts } from '../model/replay-result.ts';
import type { RequestSpec } from './request-spec.ts';

/** An InstanceAction event record, as Nova's EventReporter writes one. */
export interface InstanceActionEvent {
  readonly instanceId: string;
  readonly action: 'create';
  readonly event: 'scheduler';
  readonly start: number;
  finish: number | undefined;
  result: 'Success' | 'Error' | undefined;
}

/** A notification as Nova's notifier emits it. */
export interface Notification {
  readonly priority: 'INFO' | 'ERROR';
  readonly eventType:
    | 'scheduler.run_instance.start'
    | 'scheduler.run_instance.end'
    | 'scheduler.run_instance';
  readonly payload: Readonly<Record<string, unknown>>;
}

/** An instance's vm_state set by the scheduler (only ever ERROR, with task_state null). */
export interface VmStateChange {
  readonly instanceId: string;
  readonly vmState: 'error';
  readonly taskState: null;
  readonly reason: string;
}

/**
 * Where the EventReporter, the notifier and vm_state changes go. Counting is always on and costs an
 * increment; with `keep` the records themselves are kept too (tests, `--actions`), which costs an
 * object per instance, so it is off for benchmarks.
 */
export class SchedulerRecords {
  readonly counts: RecordCounts = {
    eventsStarted: 0,
    eventsSucceeded: 0,
    eventsFailed: 0,
    notificationsStart: 0,
    notificationsEnd: 0,
    notificationsError: 0,
    vmStateErrors: 0,
  };
  readonly actions: InstanceActionEvent[] = [];
  readonly notifications: Notification[] = [];
  readonly vmStates: VmStateChange[] = [];
  private readonly open = new Map<string, InstanceActionEvent>();

  constructor(readonly keep = false) {}

  /** EventReporter enter: InstanceActionEvent.event_start. */
  eventStart(instanceId: string, time: number): void {
    this.counts.eventsStarted++;
    if (!this.keep) return;
    const ev: InstanceActionEvent = {
      instanceId,
      action: 'create',
      event: 'scheduler',
      start: time,
      finish: undefined,
      result: undefined,
    };
    this.actions.push(ev);
    this.open.set(instanceId, ev);
  }

  /** EventReporter exit: event_finish with Success, or event_finish_with_failure with Error. */
  eventFinish(instanceId: string, time: number, ok: boolean): void {
    if (ok) this.counts.eventsSucceeded++;
    else this.counts.eventsFailed++;
    if (!this.keep) return;
    const ev = this.open.get(instanceId);
    if (ev) {
      ev.finish = time;
      ev.result = ok ? 'Success' : 'Error';
      this.open.delete(instanceId);
    }
  }

  notifyStart(spec: RequestSpec): void {
    this.counts.notificationsStart++;
    if (this.keep)
      this.notifications.push({
        priority: 'INFO',
        eventType: 'scheduler.run_instance.start',
        payload: requestPayload(spec),
      });
  }

  notifyEnd(spec: RequestSpec): void {
    this.counts.notificationsEnd++;
    if (this.keep)
      this.notifications.push({
        priority: 'INFO',
        eventType: 'scheduler.run_instance.end',
        payload: requestPayload(spec),
      });
  }

  /** Nova's `_set_vm_state_and_notify`: vm_state ERROR, task_state None, and an ERROR notification. */
  setErrorAndNotify(spec: RequestSpec, instanceId: string, reason: string): void {
    this.counts.vmStateErrors++;
    this.counts.notificationsError++;
    if (!this.keep) return;
    this.vmStates.push({ instanceId, vmState: 'error', taskState: null, reason });
    this.notifications.push({
      priority: 'ERROR',
      eventType: 'scheduler.run_instance',
      payload: {
        request_spec: requestPayload(spec),
        instance_id: instanceId,
        state: 'error',
        method: 'run_instance',
        reason,
      },
    });
  }
}

function requestPayload(spec: RequestSpec): Record<string, unknown> {
  return {
    request_id: spec.requestId,
    instance_uuids: spec.instanceIds,
    num_instances: spec.instanceIds.length,
    instance_type: { vcpus: spec.flavor.vcpus, memory_mb: spec.flavor.memoryMb, root_gb: spec.flavor.diskGb },
    availability_zone: spec.availabilityZone ?? null,
    group: spec.group ? { name: spec.group.name, policy: spec.group.policy } : null,
  };
}
