import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { arch, cpus, platform } from 'node:os';
import { packagePath } from '../common/package-root.ts';
import type { Calibration } from '../metrics/calibration.ts';
import type { MetricsSummary } from '../metrics/summary.ts';
import type { ReplayResult } from '../model/replay-result.ts';
import { contractMismatches } from './contract.ts';
import { REPORT_SCHEMA_VERSION, type Report, reportSchema } from './schema.ts';

const pkg = JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as {
  version: string;
};

/** The tool's version, from package.json. */
export const TOOL_VERSION = pkg.version;

export interface ReportInputs {
  readonly tracePath: string;
  /** The trace's SHA-256 when hashed elsewhere (undefined from it: the file is hashed here). */
  readonly traceSha256?: () => Promise<string | undefined>;
  readonly clusterPath: string;
  readonly hosts: number;
  readonly strategy: string;
  readonly seed: number;
  readonly config: Readonly<Record<string, unknown>>;
  readonly onBadRow: 'stop' | 'skip';
}

/** SHA-256 of a file, read in 1 MiB pieces. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  // One reused 1 MiB buffer: a stream's 64 KiB chunks took twice as long on a 555 MB trace.
  const file = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    for (;;) {
      const { bytesRead } = await file.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      hash.update(buf.subarray(0, bytesRead));
    }
  } finally {
    await file.close();
  }
  return hash.digest('hex');
}

/** n / d; null when d is 0 (a rate over nothing, 0/0, is not 0: docs/metrics.md). */
const rate = (n: number, d: number) => (d > 0 ? n / d : null);

/** What the replay's observers measured, beside the replay's own counts. */
export interface ReportMeasurements {
  readonly metrics: MetricsSummary;
  readonly calibration: Calibration | null;
  /** The report's `explain` section (NoValidHost causes, the funnel when explained). */
  readonly explain?: Report['explain'];
}

/** Turn a replay's counts into the versioned report, validated by the same schema readers use. */
export async function buildReport(
  r: ReplayResult,
  inputs: ReportInputs,
  measured: ReportMeasurements,
): Promise<Report> {
  const { metrics, calibration } = measured;
  const m = r.manager;
  const c = r.records;
  const cpu = cpus();
  const report: Report = {
    schema_version: REPORT_SCHEMA_VERSION,
    tool: { name: 'schedbench', version: TOOL_VERSION, node: process.version },
    machine: { platform: platform(), arch: arch(), cpus: cpu.length, cpu_model: cpu[0]?.model ?? 'unknown' },
    created_at: new Date().toISOString(),
    inputs: {
      trace: {
        path: inputs.tracePath,
        sha256: (await inputs.traceSha256?.()) ?? (await sha256File(inputs.tracePath)),
      },
      cluster: { path: inputs.clusterPath, sha256: await sha256File(inputs.clusterPath) },
      hosts: inputs.hosts,
      strategy: inputs.strategy,
      seed: inputs.seed,
      config: { ...inputs.config },
      on_bad_row: inputs.onBadRow,
    },
    placement: {
      rows: r.rows,
      requests: m.requests,
      instances: m.instances,
      placed: m.placed,
      no_valid_host: m.noValidHost,
      no_valid_host_rate: rate(m.noValidHost, m.instances),
      retries: m.retries,
      claim_failures: m.claimFailures,
      scheduling_errors: m.schedulingErrors,
      delete_rows: r.deleteRows,
      deletes_ignored: r.deletesIgnored,
      departures: r.departures,
      released: r.released,
      live_at_end: r.liveAtEnd,
      end_time: r.endTime,
      bad_rows_skipped: r.badRowsSkipped,
      bad_row_samples: [...r.badRowSamples],
      first_no_valid_host_time: metrics.outcomes.first_no_valid_host_time,
      by_flavor: metrics.outcomes.by_flavor,
    },
    groups: metrics.groups,
    quality: metrics.quality,
    contract: {
      instance_action_events: c.eventsStarted,
      instance_action_success: c.eventsSucceeded,
      instance_action_error: c.eventsFailed,
      vm_state_error: c.vmStateErrors,
      notifications_start: c.notificationsStart,
      notifications_end: c.notificationsEnd,
      notifications_error: c.notificationsError,
      mismatches: contractMismatches(r, {
        placed: metrics.outcomes.placed,
        noValidHost: metrics.outcomes.no_valid_host,
      }),
    },
    performance: {
      decisions: m.decisions,
      driver_calls: m.driverCalls,
      driver_ms: m.driverMs,
      decisions_per_s: rate(m.decisions, m.driverMs / 1000),
      ns_per_decision: rate(m.driverMs * 1e6, m.decisions),
      host_evaluations: m.hostEvaluations,
      host_evaluations_per_s: rate(m.hostEvaluations, m.driverMs / 1000),
      ns_per_host_evaluation: rate(m.driverMs * 1e6, m.hostEvaluations),
      wall_ms: r.wallMs,
      cpu_ms: r.cpuMs,
      decisions_per_cpu_s: rate(m.decisions, r.cpuMs / 1000),
      rows_per_s: rate(r.rows, r.wallMs / 1000),
      peak_rss_mb: process.resourceUsage().maxRSS / 1024,
      latency_us: metrics.latency,
      calibration,
    },
    series: metrics.series,
    ...(measured.explain ? { explain: measured.explain } : {}),
  };
  const checked = reportSchema.safeParse(report);
  if (checked.success) return checked.data;
  throw new ReportSchemaError(report, checked.error.issues[0]);
}

/**
 * The replay finished but its report breaks the report schema (a metric came out NaN, say): a bug
 * in schedbench, yet the figures are kept, so the error carries the unvalidated report.
 */
export class ReportSchemaError extends Error {
  constructor(
    readonly report: unknown,
    issue: { path: readonly PropertyKey[]; message: string },
  ) {
    super(`the report fails its own schema at ${issue.path.map(String).join('.')}: ${issue.message}`);
    this.name = 'ReportSchemaError';
  }
}
