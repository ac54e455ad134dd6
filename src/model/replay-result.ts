/** Counts of one replay, before any derived metric. */
export interface ReplayResult {
  readonly trace: string;
  rows: number;
  creates: number;
  deleteRows: number;
  /** Deletes of ids that were not live: counted no-ops. */
  deletesIgnored: number;
  /** Instances removed, by a delete row or when their duration ran out. */
  released: number;
  departures: number;
  badRowsSkipped: number;
  /** The first bad-row messages (at most 20), for the report. */
  readonly badRowSamples: string[];
  endTime: number;
  liveAtEnd: number;
  wallMs: number;
  /**
   * CPU milliseconds (user + system) of the process while the replay ran: unlike wallMs it does not
   * grow when other programs take the cores, but it counts every thread of the process.
   */
  cpuMs: number;
  readonly manager: ManagerStats;
  readonly records: RecordCounts;
}

/** Counters the manager keeps for the report. */
export interface ManagerStats {
  requests: number;
  instances: number;
  placed: number;
  noValidHost: number;
  /** Reschedule passes after a failed claim. */
  retries: number;
  claimFailures: number;
  /** Instances that ended in ERROR because a filter raised. */
  schedulingErrors: number;
  driverCalls: number;
  /** Milliseconds spent inside driver calls only. */
  driverMs: number;
  /** Instance decisions made inside driver calls (first passes and reschedules). */
  decisions: number;
  hostEvaluations: number;
}

/** What the EventReporter, the notifier and vm_state changes recorded, counted. */
export interface RecordCounts {
  eventsStarted: number;
  eventsSucceeded: number;
  eventsFailed: number;
  notificationsStart: number;
  notificationsEnd: number;
  notificationsError: number;
  vmStateErrors: number;
}
