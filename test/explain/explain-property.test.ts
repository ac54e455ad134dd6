// Explaining never changes a decision, and says which host was chosen: over random clusters, traces
// and configs, a replay with every decision explained makes exactly the driver calls of a plain one
// (so diagnosis mode, which skips the fast paths, decides as they do), and for every instance the
// host its last explained decision names is the host the replay placed it on. For `filter`, the
// chosen host is the one the explained weights rank first (or the draw's rank with host_subset_size).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ClusterSpec } from '../../src/cluster/cluster-spec.ts';
import { explainingStrategy } from '../../src/explain/explaining-driver.ts';
import type { DecisionRecord } from '../../src/explain/record.ts';
import { DEFAULT_FILTERS, withGpuFilter } from '../../src/framework/options.ts';
import { MAX_RETRIES, NO_VALID_HOST } from '../../src/scheduler/errors.ts';
import type { AnyStrategy } from '../../src/scheduler/strategy.ts';
import { BUILTIN_STRATEGIES } from '../../strategies/index.ts';
import { decisionLog, firstDifference, type Placement, type Scenario } from '../helpers/decision-log.ts';
import { cachingExtrasArb, definedOnly, filterOptionsArb, scenarioArb } from '../helpers/random-scenario.ts';

const RUNS = 60;
const TOP = 3;

function asRunWould(spec: ClusterSpec, options: Record<string, unknown>): Record<string, unknown> {
  const o = definedOnly(options);
  if (o.filters === undefined && spec.hosts.some((h) => h.gpus > 0))
    o.filters = withGpuFilter(DEFAULT_FILTERS);
  return o;
}

/** Replay plain and explained; check they decide alike and that the records name the placed hosts. */
async function check(scenario: Scenario, strategy: AnyStrategy, options: Record<string, unknown>) {
  const records: DecisionRecord[] = [];
  const plain = await decisionLog(scenario, strategy, options);
  const explained = await decisionLog(
    scenario,
    explainingStrategy(strategy, { top: TOP, wants: () => true, record: (r) => records.push(r) }),
    options,
  );
  const difference = firstDifference(plain, explained);
  if (difference !== undefined) throw new Error(`explaining changed a decision: ${difference}`);
  const last = new Map<string, DecisionRecord>();
  for (const r of records) last.set(r.instance_id, r);
  // All-or-nothing (nova-zed): an instance placed before another of its row failed is rolled back.
  const failedRows = new Set(
    [...last.values()].filter((r) => r.outcome !== 'placed').map((r) => r.request_id),
  );
  for (const p of plain.placements) {
    const r = last.get(p.id);
    expect(r, `no explained decision for ${p.id}`).toBeDefined();
    if (!r) continue;
    // A filter or weigher raised (Nova's scheduling call fails as a whole): its message is the record's.
    if (raisedOn(p)) {
      expect(r.outcome).toBe('scheduling-error');
      expect(r.error).toBe(p.reason);
      expect(r.host).toBeNull();
      continue;
    }
    expect(r.outcome).not.toBe('scheduling-error');
    if (p.host === '') {
      if (r.outcome === 'placed')
        expect(strategy.placement === 'zed' && failedRows.has(r.request_id)).toBe(true);
    } else {
      expect(r.outcome).toBe('placed');
      expect(r.host).toBe(p.host);
    }
    if (r.outcome === 'no-valid-host') expect(r.no_valid_host?.emptied_by ?? undefined).toBe(p.emptiedBy);
  }
  return records;
}

/** Did the instance end in ERROR because a filter or weigher raised (no NoValidHost, no retries)? */
function raisedOn(p: Placement): boolean {
  if (p.host !== '' || p.reason === undefined) return false;
  return p.reason !== NO_VALID_HOST && p.reason !== MAX_RETRIES && !p.reason.startsWith('ServerGroup policy');
}

/** For Nova's selection: the chosen host's rank among the weighed candidates is the draw's + 1. */
function checkRanks(records: readonly DecisionRecord[], subset: number) {
  for (const r of records) {
    if (
      r.outcome === 'no-valid-host' ||
      r.outcome === 'scheduling-error' ||
      r.survivors < 2 ||
      r.candidates[0]?.terms === undefined
    )
      continue;
    const rank = r.candidates.find((c) => c.host === r.host)?.rank;
    const draw = subset > 1 ? (r.draws.at(-1)?.value ?? 0) : 0;
    expect(rank, `decision ${r.decision}: chosen ${r.host}`).toBe(draw + 1);
  }
}

describe('explain names the host run placed (property)', () => {
  it('filter: random configs, the chosen host ranked as the draw says', { timeout: 180_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb(), filterOptionsArb, async (scenario, options) => {
        const o = asRunWould(scenario.cluster, options);
        const filter = BUILTIN_STRATEGIES.find((s) => s.name === 'filter') as AnyStrategy;
        const records = await check(scenario, filter, o);
        checkRanks(records, (options.host_subset_size as number) ?? 1);
      }),
      { numRuns: RUNS },
    );
  });

  it('caching: stale caches, several workers, failed claims', { timeout: 180_000 }, async () => {
    const caching = BUILTIN_STRATEGIES.find((s) => s.name === 'caching') as AnyStrategy;
    await fc.assert(
      fc.asyncProperty(
        scenarioArb(),
        filterOptionsArb,
        cachingExtrasArb,
        async (scenario, options, extras) => {
          await check(scenario, caching, { ...asRunWould(scenario.cluster, options), ...extras });
        },
      ),
      { numRuns: Math.round(RUNS / 2) },
    );
  });

  it('every other built-in strategy, default options', { timeout: 180_000 }, async () => {
    const others = BUILTIN_STRATEGIES.filter(
      (s) => s.name !== 'filter' && s.name !== 'caching',
    ) as AnyStrategy[];
    await fc.assert(
      fc.asyncProperty(scenarioArb(), fc.constantFrom(...others), async (scenario, strategy) => {
        const records = await check(scenario, strategy, {});
        // Each of them filters: every record has a funnel (but an instance a raise left undecided).
        for (const r of records)
          if (r.outcome !== 'scheduling-error')
            expect(r.funnel, `${strategy.name}: ${r.note}`).not.toBeNull();
      }),
      { numRuns: RUNS },
    );
  });
});
