// Corners where a straightforward port diverges from Nova 26 (Python's str(), float() and string
// ordering, HostState.stats). Each test states Nova's behaviour, worked out from the Nova source named
// in it and checked against /usr/lib/python3/dist-packages/nova.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCluster } from '../../src/cluster/cluster-spec.ts';
import { matchExtraSpec } from '../../src/framework/extra-specs-ops.ts';
import { cluster } from '../helpers/cluster.ts';
import { replayLines, tempDir } from '../helpers/replay.ts';
import { bench, extraSpecs, passing, request } from './support.ts';

describe('ComputeCapabilitiesFilter: divergences from compute_capabilities_filter.py', () => {
  it("'capabilities:stats:<key>' walks into HostState.stats", () => {
    // _get_capabilities(host_state, ['stats', 'gpus']):
    //   index 0: host_state is not a dict; getattr(host_state, 'stats', None) is the stats dict
    //            (not None) -> cap = {'gpus': 4}
    //   index 1: cap is a dict -> cap.get('gpus') = 4;  match(str(4) = '4', '4') -> True.
    // schedbench reads `stats` as an opaque attribute and fails every host.
    const b = bench(
      cluster({
        hosts: [
          { name: 'h1', vcpus: 8, memory_mb: 8192, disk_gb: 100, traits: { gpus: 4 } },
          { name: 'h2', vcpus: 8, memory_mb: 8192, disk_gb: 100, traits: { gpus: 2 } },
        ],
      }),
    );
    const req = request(b, { extraSpecs: extraSpecs(['capabilities:stats:gpus', '4']) });
    expect(passing(b, 'ComputeCapabilitiesFilter', req)).toEqual(['h1']);
  });

  it('a trait written 2.0 in the cluster file is the float 2.0, whose str() is "2.0"', async () => {
    // Nova compares str(cap): json.loads('2.0') is the float 2.0 and str(2.0) == '2.0', so
    // 'capabilities:gpus=2.0' matches (and test/nova/README.md says the reference does exactly
    // this: "JSON 4.0 gives "4.0""). JavaScript's JSON.parse makes 2.0 the number 2, printed '2'.
    const dir = tempDir();
    const path = join(dir, 'cluster.json');
    writeFileSync(
      path,
      '{"allocation_ratios": {"cpu": 16.0, "ram": 1.0, "disk": 1.0},\n' +
        ' "reserved": {"memory_mb": 0, "disk_gb": 0},\n' +
        ' "hosts": [{"name": "h1", "vcpus": 8, "memory_mb": 8192, "disk_gb": 100, "traits": {"gpus": 2.0}}]}\n',
    );
    const { log } = await replayLines(
      loadCluster(path),
      ['time,id,vcpus,memory_mb,extra_specs', '0,a,1,1024,capabilities:gpus=2.0'],
      { options: { filters: ['ComputeCapabilitiesFilter'] } },
    );
    expect(log.hosts()).toEqual({ a: 'h1' });
  });
});

describe('extra_specs_ops.match: Python string and float semantics', () => {
  it("'s<' compares code points, not UTF-16 code units", () => {
    // Python: '\U0001F600' < '\uFF5A' is False (0x1F600 > 0xFF5A), so match(...) is False and the
    // 's>' twin is True. JavaScript compares the surrogate 0xD83D with 0xFF5A and says the opposite.
    expect(matchExtraSpec('\u{1F600}', 's< \uFF5A')).toBe(false);
    expect(matchExtraSpec('\u{1F600}', 's> \uFF5A')).toBe(true);
  });

  it('float() accepts any Unicode decimal digits', () => {
    // Python: float('\uFF14') (fullwidth 4) == 4.0 and float('\u0664') (Arabic-Indic 4) == 4.0, so
    // these match instead of raising "could not convert string to float".
    expect(matchExtraSpec('\uFF14', '>= 2')).toBe(true);
    expect(matchExtraSpec('\u0664', '== 4')).toBe(true);
  });
});
