// AggregateInstanceExtraSpecsFilter (nova/scheduler/filters/aggregate_instance_extra_specs.py):
//   no extra specs -> pass. metadata = aggregate_metadata_get_by_host(host) (every aggregate, values
//   comma-split and stripped). For each (key, req) in dict order: key.split(':', 1); a scope other
//   than 'aggregate_instance_extra_specs' is skipped; no values for the key -> return False; some
//   value must satisfy extra_specs_ops.match(value, req), else return False.
import { describe, expect, it } from 'vitest';
import { SchedulingError } from '../../src/scheduler/errors.ts';
import { cluster, hostSpec } from '../helpers/cluster.ts';
import { replayLines } from '../helpers/replay.ts';
import { bench, extraSpecs, passing, request } from './support.ts';

const F = 'AggregateInstanceExtraSpecsFilter';

const host = hostSpec;
const agg = (name: string, metadata: Record<string, string>) => ({ name, metadata });

const hosts = () =>
  bench(
    cluster({
      hosts: [
        host('h1', { aggregates: [agg('a1', { ssd: 'true', gpus: '4', cpu: 'avx avx2' })] }),
        host('h2', { aggregates: [agg('a2', { ssd: 'false', gpus: '0' })] }),
        host('h3', { aggregates: [agg('a3', { ssd: 'true' }), agg('a4', { ssd: 'false' })] }), // {'true','false'}
        host('h4'), // no aggregates
        host('h5', { aggregates: [agg('a5', { ssd: 'true, fast', 'a:b': 'c' })] }), // ssd: {'true','fast'}
        host('h6', { az: 'az1' }), // only the implicit AZ aggregate {'availability_zone': 'az1'}
      ],
    }),
  );

describe('AggregateInstanceExtraSpecsFilter', () => {
  it('passes every host without extra specs', () => {
    const b = hosts();
    expect(passing(b, F, request(b))).toEqual(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
  });

  it.each<[string, [string, string][], string[]]>([
    ['unscoped key', [['ssd', 'true']], ['h1', 'h3', 'h5']],
    ['scoped key, same as unscoped', [['aggregate_instance_extra_specs:ssd', 'true']], ['h1', 'h3', 'h5']],
    ['any aggregate of the host may match', [['aggregate_instance_extra_specs:ssd', 'false']], ['h2', 'h3']],
    ['comma-split, stripped metadata values', [['ssd', 'fast']], ['h5']],
    [
      "the 'capabilities:' scope is not this filter's",
      [['capabilities:ssd', 'nope']],
      ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'],
    ],
    [
      'any other scope is ignored too',
      [['hw:cpu_policy', 'dedicated']],
      ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'],
    ],
    ['a key no aggregate has fails every host', [['foo', 'bar']], []],
    ['the implicit AZ aggregate is metadata too', [['availability_zone', 'az1']], ['h6']],
    [
      "split(':', 1): the key after the scope keeps its colon",
      [['aggregate_instance_extra_specs:a:b', 'c']],
      ['h5'],
    ],
    // h1 {'true'} no; h2 'false' yes; h3 'false' yes; h5 'fast' yes.
    ['<or> over the values', [['ssd', '<or> false <or> fast']], ['h2', 'h3', 'h5']],
    // h1 'true' == 'true' no; h2 'false' yes; h3 has 'false'; h5 has 'fast' != 'true'.
    ['s!= is satisfied by any differing value', [['ssd', 's!= true']], ['h2', 'h3', 'h5']],
    // h1 4.0 >= 2.0; h2 0.0 < 2.0; the others have no gpus key -> False before any float().
    ['float operator', [['gpus', '>= 2']], ['h1']],
    ['= is "at least"', [['gpus', '= 0']], ['h1', 'h2']],
    ['== compares as floats', [['gpus', '== 4.0']], ['h1']],
    ['<in> on the raw value', [['cpu', '<in> avx2']], ['h1']],
    ['<all-in>', [['cpu', '<all-in> avx2 avx']], ['h1']],
    ['plain value is exact', [['ssd', 'True']], []],
    [
      'every spec must match',
      [
        ['ssd', 'true'],
        ['gpus', '>= 2'],
      ],
      ['h1'],
    ],
    [
      'scoped and other-scoped mixed',
      [
        ['capabilities:x', 'y'],
        ['aggregate_instance_extra_specs:ssd', 'false'],
      ],
      ['h2', 'h3'],
    ],
  ])('%s', (_why, entries, expected) => {
    const b = hosts();
    expect(passing(b, F, request(b, { extraSpecs: extraSpecs(...entries) }))).toEqual(expected);
  });

  describe('a float operator on a non-numeric value raises, as float() does in Nova', () => {
    const raising = () =>
      bench(
        cluster({
          hosts: [
            host('h1', { aggregates: [agg('a1', { ssd: 'true', gpus: '4' })] }),
            host('h2', { aggregates: [agg('a2', { gpus: 'many' })] }),
          ],
        }),
      );

    it('raises when the host is evaluated', () => {
      const b = raising();
      const req = request(b, { extraSpecs: extraSpecs(['gpus', '>= 2']) });
      expect(() => passing(b, F, req)).toThrow(SchedulingError);
      expect(() => passing(b, F, req)).toThrow("could not convert string to float: 'many'");
    });

    it('does not raise when an earlier spec already failed on that host', () => {
      // h2 has no 'ssd' key: return False before the 'gpus' spec is looked at.
      const b = raising();
      const req = request(b, { extraSpecs: extraSpecs(['ssd', 'true'], ['gpus', '>= 2']) });
      expect(passing(b, F, req)).toEqual(['h1']);
    });

    it('does not raise with a string operator', () => {
      const b = raising();
      const req = request(b, { extraSpecs: extraSpecs(['gpus', 's== many']) });
      expect(passing(b, F, req)).toEqual(['h2']);
    });
  });

  it('end to end: matching, an ERROR from float(), and a filter earlier in line avoiding it', async () => {
    const spec = cluster({
      allocation_ratios: { cpu: 16, ram: 1, disk: 1 },
      reserved: { memory_mb: 0, disk_gb: 0 },
      hosts: [
        host('h1', { memory_mb: 4096, aggregates: [agg('fast', { ssd: 'true', gpus: '4' })] }),
        host('h2', { memory_mb: 8192, aggregates: [agg('slow', { ssd: 'false' })] }),
        host('h3', { memory_mb: 16384, az: 'az9', aggregates: [agg('odd', { gpus: 'many' })] }),
      ],
    });
    const { log } = await replayLines(spec, [
      'time,id,vcpus,memory_mb,az,extra_specs',
      '0,a,1,1024,,', //                     no specs: h3 (most free RAM)
      '1,b,1,1024,,ssd=true', //             h1 only (h2 'false', h3 has no ssd)
      '2,c,1,1024,,gpus=>= 2', //            h1 passes, h2 has no gpus, h3: float('many') -> ERROR
      '3,d,1,1024,nova,gpus=>= 2', //        AvailabilityZoneFilter drops h3 first -> h1
      '4,e,1,1024,,ssd=true;gpus=>= 2', //   h3 fails 'ssd' before 'gpus' -> h1
      '5,f,1,1024,,aggregate_instance_extra_specs:ssd=<or> false <or> x', // h2
    ]);
    expect(log.hosts()).toEqual({ a: 'h3', b: 'h1', c: '', d: 'h1', e: 'h1', f: 'h2' });
    const c = log.outcomes.find((o) => o.id === 'c');
    expect(c?.reason).toContain("could not convert string to float: 'many'");
  });

  it('a raise fails every instance of a multi-instance request (the scheduling call fails)', async () => {
    // h2's 'many' raises while the filter runs for instance 0; nothing is placed, and b (no specs)
    // still finds both hosts empty: h2 (8192 > 4096).
    const spec = cluster({
      allocation_ratios: { cpu: 16, ram: 1, disk: 1 },
      reserved: { memory_mb: 0, disk_gb: 0 },
      hosts: [
        host('h1', { memory_mb: 4096, aggregates: [agg('a1', { gpus: '4' })] }),
        host('h2', { memory_mb: 8192, aggregates: [agg('a2', { gpus: 'many' })] }),
      ],
    });
    const { log } = await replayLines(spec, [
      'time,id,vcpus,memory_mb,count,extra_specs',
      '0,a,1,1024,3,gpus=>= 2',
      '1,b,1,8192,1,',
    ]);
    expect(log.hosts()).toEqual({ 'a-0': '', 'a-1': '', 'a-2': '', b: 'h2' });
    for (const o of log.outcomes.slice(0, 3))
      expect(o.reason).toContain("could not convert string to float: 'many'");
  });
});
