import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportSchema } from '../../src/report/schema.ts';
import { NO_VALID_HOST } from '../../src/scheduler/errors.ts';
import { cli } from '../helpers/cli.ts';
import { cluster } from '../helpers/cluster.ts';
import { replayLines, tempDir } from '../helpers/replay.ts';
import { CLUSTER, EXPECTED_PLACEMENTS, TRACE } from './scenario.ts';

describe('end to end: deletes, durations, groups and AZs', () => {
  it('places exactly as worked out, with InstanceAction records and ERROR states', async () => {
    const { r, log } = await replayLines(cluster(CLUSTER), TRACE);
    expect(log.outcomes.map((o) => `${o.seq},${o.id},${o.host},${o.attempts}`)).toEqual(
      EXPECTED_PLACEMENTS.slice(1),
    );
    const actions = r.records.actions.map((a) => `${a.instanceId}@${a.start}-${a.finish}:${a.result}`);
    expect(actions).toEqual([
      'w-0@0-0:Success',
      'w-1@0-0:Success',
      'w-2@0-0:Success',
      'db@1-1:Success',
      'cache-0@2-2:Success',
      'cache-1@2-2:Success',
      'big@3-3:Error',
      'big2@7-7:Success',
      'x@8-8:Success',
      'w2@9-9:Success',
    ]);
    expect(r.records.vmStates).toEqual([
      { instanceId: 'big', vmState: 'error', taskState: null, reason: NO_VALID_HOST },
    ]);
    expect(r.records.notifications.map((n) => n.eventType)).toEqual([
      ...Array(3).fill(['scheduler.run_instance.start', 'scheduler.run_instance.end']).flat(),
      'scheduler.run_instance.start',
      'scheduler.run_instance',
      'scheduler.run_instance.end',
      ...Array(3).fill(['scheduler.run_instance.start', 'scheduler.run_instance.end']).flat(),
    ]);
    expect(r.result).toMatchObject({
      creates: 7,
      deleteRows: 2,
      deletesIgnored: 1,
      departures: 2,
      released: 5,
      liveAtEnd: 4,
    });
    // What is left: db on c, big2 on b, x on d, w2 on a.
    const t = r.cluster.hosts;
    expect(Array.from(t.freeRamMb)).toEqual([8192 - 1024, 16384 - 12000, 12288 - 8192, 4096 - 1024]);
    expect(Array.from(t.numInstances)).toEqual([1, 1, 1, 1]);
  });

  it('schedbench run writes the same placements, a valid report and the summary table', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'cluster.json'), JSON.stringify(CLUSTER));
    writeFileSync(join(dir, 'trace.csv'), `${TRACE.join('\n')}\n`);
    const res = cli(
      ['run', '--cluster', 'cluster.json', '--trace', 'trace.csv', '--placements', 'p.csv', '--out', 'out'],
      dir,
    );
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(readFileSync(join(dir, 'p.csv'), 'utf8')).toBe(`${EXPECTED_PLACEMENTS.join('\n')}\n`);
    const report = reportSchema.parse(JSON.parse(readFileSync(join(dir, 'out/filter.json'), 'utf8')));
    expect(report.placement).toMatchObject({
      requests: 7,
      instances: 10,
      placed: 9,
      no_valid_host: 1,
      no_valid_host_rate: 0.1,
      retries: 0,
    });
    expect(report.contract).toMatchObject({
      instance_action_events: 10,
      instance_action_error: 1,
      vm_state_error: 1,
      notifications_error: 1,
    });
    expect(report.inputs.trace.sha256).toMatch(/^[0-9a-f]{64}$/);
    // strategy, seeds, placed 9, NVH rate 1/10
    expect(res.stdout).toMatch(/filter\s+\d+\s+9\s+10%\s/);
  });

  it('a bad row exits 2 with one line naming file, line and field, and writes no partial output', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'cluster.json'), JSON.stringify(CLUSTER));
    writeFileSync(
      join(dir, 'trace.csv'),
      `${[...TRACE.slice(0, 4), '3,create,bad,1,-4,10,1,,,,'].join('\n')}\n`,
    );
    const res = cli(
      ['run', '--cluster', 'cluster.json', '--trace', 'trace.csv', '--placements', 'p.csv', '--out', 'out'],
      dir,
    );
    expect(res.code).toBe(2);
    expect(res.stderr).toBe(
      'schedbench: trace.csv:5: memory_mb: expected a non-negative integer, got "-4"\n',
    );
    expect(existsSync(join(dir, 'p.csv'))).toBe(false);
    expect(existsSync(join(dir, 'out'))).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(['cluster.json', 'trace.csv']);
  });

  it('a failed run leaves no earlier report behind: what the earlier run wrote at its names is gone', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'cluster.json'), JSON.stringify(CLUSTER));
    writeFileSync(join(dir, 'trace.csv'), `${TRACE.join('\n')}\n`);
    expect(
      cli(
        ['run', '--cluster', 'cluster.json', '--trace', 'trace.csv', '--out', 'out', '--placements', 'p.csv'],
        dir,
      ).code,
    ).toBe(0);
    expect(readdirSync(join(dir, 'out')).sort()).toEqual([
      'filter.json',
      'report.html',
      'summary.md',
      'timeseries.csv',
    ]);
    writeFileSync(join(dir, 'trace.csv'), `${[...TRACE, '11,create,w2,1,1,1,1,,,,'].join('\n')}\n`);
    const res = cli(
      ['run', '--cluster', 'cluster.json', '--trace', 'trace.csv', '--out', 'out', '--placements', 'p.csv'],
      dir,
    );
    expect(res.code).toBe(2);
    expect(res.stderr).toBe('schedbench: trace.csv:11: id: instance "w2" is still live (delete it first)\n');
    // The earlier report, placements and summaries would read as this run's: they are removed as
    // the replay starts (no temp file is left either).
    expect(readdirSync(join(dir, 'out'))).toEqual([]);
    expect(existsSync(join(dir, 'p.csv'))).toBe(false);
  });

  it.each([
    [['run', '--cluster', 'missing.json', '--trace', 't.csv'], 'schedbench: missing.json: no such file\n'],
    [['run', '--cluster', 'cluster.json', '--trace', 'nope.csv'], 'schedbench: nope.csv: no such file\n'],
    [
      ['run', '--cluster', 'cluster.json', '--trace', 'trace.csv', '--strategy', 'magic'],
      /^schedbench: unknown strategy "magic" \(known: filter, /,
    ],
    [
      ['run', '--cluster', 'cluster.json', '--trace', 'trace.csv', '--set', 'host_subset_size=0'],
      /^schedbench: --set host_subset_size: Too small/,
    ],
    [
      ['run', '--cluster', 'cluster.json', '--trace', 'trace.csv', '--set', 'filters=RamFilter,MagicFilter'],
      /^schedbench: --set filters\[1\]: unknown filter "MagicFilter" \(known: RetryFilter, /,
    ],
  ])('bad input %j exits 2 with one line', (args, message) => {
    const dir = tempDir();
    writeFileSync(join(dir, 'cluster.json'), JSON.stringify(CLUSTER));
    writeFileSync(join(dir, 'trace.csv'), `${TRACE.join('\n')}\n`);
    const res = cli(args as string[], dir);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(message);
    expect(res.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});
