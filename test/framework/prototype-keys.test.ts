// Extra specs, traits and aggregate metadata named after Object.prototype members are ordinary keys,
// as they are to Nova (a Python dict has no `toString`): HostState has no such attribute and
// `stats.get(name)` is None unless the host's stats hold that very key. Before, `capabilities:toString`
// walked into Object.prototype.toString and overflowed the stack.
import { describe, expect, it } from 'vitest';
import { cluster } from '../helpers/cluster.ts';
import { replayLines } from '../helpers/replay.ts';
import { bench, extraSpecs, passing, request } from './support.ts';

// JSON.parse keeps "__proto__" as an own key, as a cluster file does.
const spec = () =>
  cluster(
    JSON.parse(`{
      "reserved": {"memory_mb": 0, "disk_gb": 0},
      "hosts": [
        {"name": "h1", "vcpus": 8, "memory_mb": 8192, "disk_gb": 100,
         "traits": {"constructor": "c", "__proto__": "p", "numa": "{\\"nodes\\": 2}", "info": {"valueOf": "v"}},
         "aggregates": [{"name": "a1", "metadata": {"constructor": "c", "__proto__": "m"}}]},
        {"name": "h2", "vcpus": 8, "memory_mb": 8192, "disk_gb": 100}
      ]
    }`),
  );

const ALL = ['h1', 'h2'];

describe('ComputeCapabilitiesFilter: Object.prototype names', () => {
  it.each<[string, string, string[], string]>([
    ['capabilities:toString', 'x', [], 'no attribute, not in stats -> None -> fails'],
    ['capabilities:hasOwnProperty', 'x', [], 'None -> fails'],
    ['capabilities:constructor', 'x', [], "h1's stats value 'c' != 'x'; h2 None"],
    ['capabilities:constructor', 'c', ['h1'], "h1's stats hold the key"],
    ['capabilities:__proto__', 'p', ['h1'], 'an own "__proto__" stat is an ordinary key'],
    ['capabilities:__proto__', 'x', [], "'p' != 'x'; h2 None"],
    ['capabilities:stats:toString', 'x', [], 'stats.get: None'],
    ['capabilities:stats:constructor', 'c', ['h1'], 'walks into the stats dict'],
    ['capabilities:numa:constructor', 'x', [], 'a JSON string loaded to a dict without that key -> None'],
    ['capabilities:info:valueOf', 'v', ['h1'], 'a nested dict key'],
    ['capabilities:info:toString', 'v', [], 'nested .get: None'],
    ['toString', 'x', ALL, 'unscoped, neither an attribute nor a stat anywhere: skipped'],
    ['__proto__', 'x', ['h2'], 'h1 has the stat and fails; h2 skipped'],
    ['constructor', 'c', ALL, 'h1 matches; h2 skipped'],
    ['constructor', 'zzz', ['h2'], 'h1 fails; h2 skipped'],
  ])('%s=%s passes %j (%s)', (key, value, expected) => {
    const b = bench(spec());
    const req = request(b, { extraSpecs: extraSpecs([key, value]) });
    expect(passing(b, 'ComputeCapabilitiesFilter', req)).toEqual(expected);
  });
});

describe('AggregateInstanceExtraSpecsFilter: Object.prototype names', () => {
  it.each<[string, string, string[]]>([
    ['toString', 'x', []],
    ['hasOwnProperty', 'x', []],
    ['constructor', 'c', ['h1']],
    ['aggregate_instance_extra_specs:__proto__', 'm', ['h1']],
    ['aggregate_instance_extra_specs:valueOf', 'x', []],
  ])('%s=%s passes %j', (key, value, expected) => {
    const b = bench(spec());
    const req = request(b, { extraSpecs: extraSpecs([key, value]) });
    expect(passing(b, 'AggregateInstanceExtraSpecsFilter', req)).toEqual(expected);
  });
});

describe('a replay with such extra specs', () => {
  it('places by own keys only: NoValidHost where no host has the key, no crash', async () => {
    const { log } = await replayLines(
      spec(),
      [
        'time,id,vcpus,memory_mb,extra_specs',
        '0,a,1,1024,capabilities:toString=x',
        '1,b,1,1024,capabilities:constructor=c',
        '2,c,1,1024,capabilities:hasOwnProperty=x;__proto__=y',
        '3,d,1,1024,capabilities:__proto__=p',
        '4,e,1,1024,valueOf=1',
      ],
      { options: { filters: ['RamFilter', 'ComputeCapabilitiesFilter'] } },
    );
    // RAMWeigher spreads: e goes to h2, the host with more free RAM (h1 holds b and d).
    expect(log.hosts()).toEqual({ a: '', b: 'h1', c: '', d: 'h1', e: 'h2' });
  });
});
