// Plugins go through the same interface: a plugin filter without a reason gets the generic one, a
// plugin strategy whose driver has no setProbe is followed and says it cannot explain itself.
import { describe, expect, it } from 'vitest';
import { builtinCatalog } from '../../src/catalog/bootstrap.ts';
import { explainingStrategy } from '../../src/explain/explaining-driver.ts';
import type { DecisionRecord } from '../../src/explain/record.ts';
import { genericReason } from '../../src/framework/diagnosis.ts';
import { replay } from '../../src/replay/replayer.ts';
import type { AnyStrategy } from '../../src/scheduler/strategy.ts';
import { CsvTraceSource } from '../../src/trace/csv-reader.ts';
import { filterDefinition } from '../../strategies/plugin/adapt.ts';
import { defineFilter, defineStrategy } from '../../strategies/plugin/define.ts';
import { simpleCluster } from '../helpers/cluster.ts';
import { traceFile } from '../helpers/replay.ts';

const CLUSTER = simpleCluster([{}, {}, {}]);
const LINES = ['time,event,id,vcpus,memory_mb,disk_gb', '0,create,a,1,1024,0'];

async function explain(strategy: AnyStrategy, options: Record<string, unknown>): Promise<DecisionRecord[]> {
  const records: DecisionRecord[] = [];
  await replay(CLUSTER, new CsvTraceSource(traceFile(LINES)), {
    strategy: explainingStrategy(strategy, { top: 5, wants: () => true, record: (r) => records.push(r) }),
    strategyOptions: strategy.optionsSchema.parse(options),
    seed: 1,
    maxAttempts: 1,
    onBadRow: 'stop',
  });
  return records;
}

describe('explaining plugins', () => {
  it('a plugin filter without a reason: the generic reason naming it', async () => {
    const catalog = builtinCatalog();
    // Rejects h1 (host 0) only.
    const notFirst = defineFilter({ name: 'NotFirstFilter', create: () => (h) => h !== 0 });
    catalog.add({ filters: [filterDefinition(notFirst, 'not-first.ts')] }, 'not-first.ts');
    const [r] = await explain(catalog.get('filter'), { filters: ['NotFirstFilter'] });
    expect(r.funnel).toEqual([{ filter: 'NotFirstFilter', hosts_in: 3, hosts_out: 2 }]);
    expect(r.rejected[0].examples).toEqual([{ host: 'h1', reason: genericReason('NotFirstFilter') }]);
    expect(r.host).toBe('h2');
  });

  it('a plugin strategy that cannot explain itself says so, with the host it chose', async () => {
    const last = defineStrategy({
      name: 'last-host',
      description: 'the last host',
      create: () => ({
        name: 'last-host',
        scheduleRunInstance(ctx, spec) {
          for (let k = 0; k < spec.instanceIds.length; k++) ctx.provision(k, ctx.cluster.hosts.size - 1);
        },
      }),
    });
    const [r] = await explain(last as AnyStrategy, {});
    expect(r.funnel).toBeNull();
    expect(r.note).toContain('"last-host" cannot explain its decisions');
    expect(r.host).toBe('h3');
    expect(r.outcome).toBe('placed');
  });
});
