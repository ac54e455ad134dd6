/** One weigher's share of one candidate's weight: Nova's weigh, normalise, multiply, sum. */
export interface WeigherTerm {
  readonly weigher: string;
  /** The raw value, clamped to the weigher's minval/maxval. */
  readonly raw: number;
  /** (raw − lo) / (hi − lo) over the survivors; 0 when lo == hi. */
  readonly normalised: number;
  readonly multiplier: number;
  /** multiplier × normalised: what it adds to the total. */
  readonly contribution: number;
}

/** One of the best survivors: its rank (1 = best), total weight (or score) and the terms. */
export interface Candidate {
  readonly rank: number;
  readonly host: string;
  /** The weight (sum of the terms, in weigher order) or the strategy's score. */
  readonly total: number;
  /** Per weigher, for a weighing strategy; absent for a scoring one. */
  readonly terms?: readonly WeigherTerm[];
}

/** One filter's line of the funnel. */
export interface FunnelStep {
  readonly filter: string;
  readonly hosts_in: number;
  readonly hosts_out: number;
  readonly skipped?: 'once-per-request' | 'pre-filter';
}

/** The rejections of one filter whose reasons read the same but for their numbers. */
export interface RejectionGroup {
  readonly filter: string;
  /** The reason with each number replaced by `#`. */
  readonly pattern: string;
  readonly hosts: number;
  /** A few hosts of the group, with their reasons in full. */
  readonly examples: readonly { readonly host: string; readonly reason: string }[];
}

/** How much of each resource the nearest host lacks (0: enough). */
export interface Shortfall {
  readonly ram_mb: number;
  readonly vcpus: number;
  readonly disk_gb: number;
  readonly gpus: number;
}

/** Why an instance got NoValidHost. */
export interface NoValidHostCause {
  /** The filter that removed the last hosts, or null when none did (no host, a selection refused). */
  readonly emptied_by: string | null;
  /** The host closest to fitting (smallest summed shortfall relative to the request), if any. */
  readonly nearest_miss: { readonly host: string; readonly short: Shortfall } | null;
  /** Could the request fit on some enabled, up host if the cluster were empty? */
  readonly fits_empty_cluster: boolean;
}

/** A random draw the driver made during the decision (the replay's seeded RNG). */
export interface Draw {
  readonly kind: 'int' | 'float';
  /** For `int`: drawn in [0, n). */
  readonly n?: number;
  readonly value: number;
}

/** The explanation of one decision: one scheduling attempt of one instance. */
export interface DecisionRecord {
  /** Counts explained-or-not decisions from 1, in the order the driver makes them. */
  readonly decision: number;
  readonly request_id: string;
  readonly instance_id: string;
  readonly index: number;
  readonly time: number;
  readonly flavor: {
    readonly vcpus: number;
    readonly memory_mb: number;
    readonly disk_gb: number;
    readonly gpus: number;
    readonly gpu_milli: number;
  };
  /** null when the driver cannot explain itself (`note` says so). */
  readonly funnel: readonly FunnelStep[] | null;
  readonly rejected: readonly RejectionGroup[];
  /** Survivors after the filters. */
  readonly survivors: number;
  /** The best survivors by weight or score, best first (at most `top`). */
  readonly candidates: readonly Candidate[];
  readonly draws: readonly Draw[];
  /**
   * `scheduling-error`: a filter or weigher raised during the call, which fails as a whole (every
   * instance of it in ERROR, what it had placed freed); `error` is the message.
   */
  readonly outcome: 'placed' | 'claim-failed' | 'no-valid-host' | 'scheduling-error';
  /** The host sent to (placed or claim failed); null for NoValidHost and a scheduling error. */
  readonly host: string | null;
  readonly no_valid_host: NoValidHostCause | null;
  /** The scheduling error's message (outcome `scheduling-error`). */
  readonly error?: string;
  readonly note?: string;
}
