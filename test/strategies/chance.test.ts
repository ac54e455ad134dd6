// chance: a uniform draw among up, enabled hosts of the requested AZ not yet tried, with no look at
// free resources. Its cost shows as claim failures and retries.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCluster } from '../../src/cluster/cluster-spec.ts';
import { runReplayTask } from '../../src/run/replay-task.ts';
import { MAX_RETRIES, NO_VALID_HOST } from '../../src/scheduler/errors.ts';
import { chanceStrategy } from '../../strategies/chance.ts';
import { cluster, simpleCluster } from '../helpers/cluster.ts';
import { tempDir, traceFile } from '../helpers/replay.ts';
import { choiceCounts, HEADER, run } from './support.ts';

describe('chance on a cluster where nothing fits', () => {
  // Three 8192 MB hosts, a 16384 MB flavor: every claim fails, whatever the draw.
  const spec = () => simpleCluster([{}, {}, {}]);
  const lines = ['time,id,vcpus,memory_mb', '0,a,1,16384', '1,b,1,16384'];

  it('max_attempts 3: three claims fail, two retries, then "Exceeded maximum number of retries"', async () => {
    for (const seed of [0, 1, 2]) {
      const { log, r } = await run(chanceStrategy, spec(), lines, { seed, maxAttempts: 3 });
      expect(log.outcomes.map((o) => [o.id, o.host, o.attempts, o.reason])).toEqual([
        ['a', '', 3, MAX_RETRIES],
        ['b', '', 3, MAX_RETRIES],
      ]);
      // Per instance: attempt 1 fails, retry, attempt 2 fails, retry, attempt 3 fails: 3 + 2.
      expect(r.result.manager.claimFailures).toBe(6);
      expect(r.result.manager.retries).toBe(4);
    }
  });

  it('max_attempts 5: once every host has been tried, the retry filter leaves none: NoValidHost', async () => {
    const { log, r } = await run(chanceStrategy, spec(), lines, { maxAttempts: 5 });
    // Attempts 1-3 fail on the three hosts (each excluded after its failure); attempt 4 has no host.
    expect(log.outcomes.map((o) => [o.id, o.attempts, o.reason])).toEqual([
      ['a', 4, NO_VALID_HOST],
      ['b', 4, NO_VALID_HOST],
    ]);
    expect(r.result.manager.claimFailures).toBe(6);
    expect(r.result.manager.retries).toBe(6);
  });
});

describe('chance on a near-full cluster', () => {
  // Hosts h1..h3 have 1024 MB (too small for 2048), h4 has 65536: one host in four fits.
  const spec = () =>
    simpleCluster([{ memory_mb: 1024 }, { memory_mb: 1024 }, { memory_mb: 1024 }, { memory_mb: 65536 }]);
  const N = 2000;

  it('max_attempts 2: claim failures, retries and NoValidHost at the rates the draw implies', async () => {
    // Attempt 1 hits h4 with p 1/4; else (3/4) it fails, is retried, and attempt 2 draws among the
    // 3 untried hosts: h4 with p 1/3. Per instance:
    //   P(placed) = 1/4 + 3/4 * 1/3 = 1/2, so P(NoValidHost) = 1/2
    //   E[claim failures] = 3/4 + 3/4 * 2/3 = 1.25 (variance 0.6875)
    //   E[retries] = 3/4 (variance 0.1875)
    // Tolerances are about 4.5 standard errors over N = 2000: 0.05, 0.08, 0.04.
    const { counts, r } = await choiceCounts(
      chanceStrategy,
      spec(),
      N,
      { vcpus: 1, memoryMb: 2048 },
      {
        seed: 11,
        maxAttempts: 2,
      },
    );
    expect(Object.keys(counts).sort()).toEqual(['', 'h4']);
    expect(Math.abs(counts[''] / N - 0.5)).toBeLessThan(0.05);
    expect(Math.abs(r.result.manager.claimFailures / N - 1.25)).toBeLessThan(0.08);
    expect(Math.abs(r.result.manager.retries / N - 0.75)).toBeLessThan(0.04);
    expect(r.result.manager.noValidHost).toBe(counts['']);
  });

  it('with max_attempts 4 every instance lands on h4 eventually, after 1.5 failed claims on average', async () => {
    // The position of h4 in a random order of the 4 hosts is uniform on 1..4: E[failures] = 1.5.
    const { counts, r } = await choiceCounts(
      chanceStrategy,
      spec(),
      N,
      { vcpus: 1, memoryMb: 2048 },
      {
        seed: 12,
        maxAttempts: 4,
      },
    );
    expect(counts).toEqual({ h4: N });
    // Variance of a uniform on 0..3 is 1.25: standard error 0.025; tolerance 0.1.
    expect(Math.abs(r.result.manager.claimFailures / N - 1.5)).toBeLessThan(0.1);
  });
});

describe('chance honours zone, service state and hard group rules', () => {
  const spec = () =>
    cluster({
      allocation_ratios: { cpu: 16, ram: 1.5, disk: 1 },
      reserved: { memory_mb: 0, disk_gb: 0 },
      hosts: [
        { name: 'a1', vcpus: 64, memory_mb: 262144, disk_gb: 1000, az: 'az1' },
        { name: 'a2', vcpus: 64, memory_mb: 262144, disk_gb: 1000, az: 'az1', up: false },
        { name: 'a3', vcpus: 64, memory_mb: 262144, disk_gb: 1000, az: 'az1', enabled: false },
        { name: 'b1', vcpus: 64, memory_mb: 262144, disk_gb: 1000, az: 'az2' },
        { name: 'b2', vcpus: 64, memory_mb: 262144, disk_gb: 1000, az: 'az2' },
      ],
    });

  it('never draws a host that is down, disabled or in another zone', async () => {
    const lines = [HEADER];
    for (let i = 0; i < 300; i++) lines.push(`${i},create,r${i},1,1024,1,1,0.5,az1,,`);
    const { hosts } = await run(chanceStrategy, spec(), lines, { seed: 3 });
    // a1 is the only az1 host that is up and enabled.
    expect(new Set(Object.values(hosts))).toEqual(new Set(['a1']));
  });

  it('keeps anti-affinity by default; enforce_server_groups: false is Nova exactly', async () => {
    // Two anti-affinity instances in az2 (b1, b2): with the rule they must differ. Without it, the
    // second lands on the first's host with p 1/2 per request.
    const lines = [HEADER];
    for (let i = 0; i < 40; i++) lines.push(`${i},create,g${i},1,1024,1,2,0.5,az2,grp${i},anti-affinity`);
    const pairs = (hosts: Record<string, string>) =>
      Array.from({ length: 40 }, (_, i) => hosts[`g${i}-0`] === hosts[`g${i}-1`]);
    const kept = await run(chanceStrategy, spec(), lines, { seed: 5 });
    expect(pairs(kept.hosts).filter(Boolean)).toHaveLength(0);
    const nova = await run(chanceStrategy, spec(), lines, {
      seed: 5,
      options: { enforce_server_groups: false },
    });
    // P(no pair shares a host in 40) = 2^-40: in practice some do.
    expect(pairs(nova.hosts).filter(Boolean).length).toBeGreaterThan(0);
  });
});

describe('the report shows the cost of chance', () => {
  it('claim_failures and retries in the JSON report', async () => {
    // Same cluster and trace as "nothing fits" above, through the real report builder.
    const dir = tempDir();
    const clusterPath = join(dir, 'cluster.json');
    writeFileSync(
      clusterPath,
      JSON.stringify({
        allocation_ratios: { cpu: 1, ram: 1, disk: 1 },
        reserved: { memory_mb: 0, disk_gb: 0 },
        groups: [{ count: 3, prefix: 'h', vcpus: 8, memory_mb: 8192, disk_gb: 100 }],
      }),
    );
    const tracePath = traceFile(['time,id,vcpus,memory_mb', '0,a,1,16384', '1,b,1,16384'], dir);
    const report = await runReplayTask({
      clusterPath,
      cluster: loadCluster(clusterPath),
      tracePath,
      strategy: chanceStrategy,
      onBadRow: 'stop',
    });
    // max_attempts defaults to 3: per instance 3 failed claims and 2 retries.
    expect(report.placement).toMatchObject({
      instances: 2,
      placed: 0,
      no_valid_host: 2,
      claim_failures: 6,
      retries: 4,
    });
  });
});
