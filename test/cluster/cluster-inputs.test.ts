// Hostile or absurd cluster files end in one InputError naming the file, line and key.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clusterFromObject, loadCluster } from '../../src/cluster/cluster-spec.ts';
import { HostTable } from '../../src/cluster/host-table.ts';
import { InputError } from '../../src/common/errors.ts';
import { tempDir } from '../helpers/replay.ts';

function file(name: string, text: string): string {
  const path = join(tempDir(), name);
  writeFileSync(path, text);
  return path;
}

/** The one line a user sees for a cluster file, or 'ok'. */
function loadError(path: string): string {
  try {
    loadCluster(path);
    return 'ok';
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return (err as Error).message;
  }
}

const HOST = '{name: h1, vcpus: 8, memory_mb: 8192, disk_gb: 100}';

describe('cluster file: bounds on ratios, sizes and host counts', () => {
  it.each<[string, string, string]>([
    [`allocation_ratios: {cpu: 1e308}\nhosts: [${HOST}]\n`, 'allocation_ratios.cpu', '1:'],
    [`allocation_ratios: {ram: 1000.5}\nhosts: [${HOST}]\n`, 'allocation_ratios.ram', '1:'],
    [`allocation_ratios:\n  disk: 0\nhosts: [${HOST}]\n`, 'allocation_ratios.disk', '2:'],
  ])('refuses a ratio outside (0, 1000]: %j', (text, field, line) => {
    const path = file('c.yaml', text);
    const msg = loadError(path);
    expect(msg.startsWith(`${path}:${line} ${field}: `)).toBe(true);
  });

  it('accepts a ratio of exactly 1000', () => {
    const c = loadCluster(file('c.yaml', `allocation_ratios: {cpu: 1000}\nhosts: [${HOST}]\n`));
    expect(c.allocationRatios.cpu).toBe(1000);
  });

  it.each<[string, string]>([
    ['hosts:\n  - {name: h1, vcpus: 1000000000001, memory_mb: 1, disk_gb: 1}\n', 'hosts[0].vcpus'],
    ['hosts:\n  - {name: h1, vcpus: 1, memory_mb: 1e300, disk_gb: 1}\n', 'hosts[0].memory_mb'],
    [
      'reserved: {memory_mb: 1e20}\nhosts:\n  - {name: h1, vcpus: 1, memory_mb: 1, disk_gb: 1}\n',
      'reserved.memory_mb',
    ],
  ])('refuses a size above 10^12: %j', (text, field) => {
    const path = file('c.yaml', text);
    expect(loadError(path)).toMatch(
      new RegExp(
        `^${path}:\\d+: ${field.replace(/[[\].]/g, '\\$&')}: expected an integer from 0 to 1,000,000,000,000$`,
      ),
    );
  });

  it('refuses a group count of a billion before expanding anything (line and key named)', () => {
    const path = file(
      'c.yaml',
      'groups:\n  - prefix: b\n    count: 1000000000\n    vcpus: 8\n    memory_mb: 8\n    disk_gb: 1\n',
    );
    expect(loadError(path)).toBe(
      `${path}:3: groups[0].count: expected an integer from 1 to 1,000,000 (the host limit)`,
    );
  });

  it('refuses more than 1,000,000 hosts over all groups, naming the group that crosses the limit', () => {
    const g = (prefix: string, count: number) =>
      `  - {prefix: ${prefix}, count: ${count}, vcpus: 1, memory_mb: 1, disk_gb: 1}\n`;
    const path = file(
      'c.yaml',
      `hosts: [${HOST}]\ngroups:\n${g('a', 500_000)}${g('b', 499_999)}${g('c', 2)}`,
    );
    expect(loadError(path)).toBe(
      `${path}:5: groups[2].count: the cluster would have 1,000,002 hosts, more than the limit of 1,000,000`,
    );
  });
});

describe('cluster file: YAML features and non-regular files', () => {
  it('refuses an alias bomb with the file, line and key of the first alias (not an internal error)', () => {
    const rows = ['a: &a [1,1,1,1,1,1,1,1,1]'];
    for (const [name, prev] of [
      ['b', 'a'],
      ['c', 'b'],
      ['d', 'c'],
      ['e', 'd'],
    ]) {
      rows.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const path = file('bomb.yaml', `${rows.join('\n')}\n`);
    expect(loadError(path)).toBe(`${path}:2: b[0]: too many YAML alias expansions (more than 1000)`);
  });

  it('refuses an alias to an undefined anchor naming file, line and key', () => {
    const path = file('c.yaml', `hosts: [${HOST}]\nreserved: *nope\n`);
    expect(loadError(path)).toMatch(new RegExp(`^${path}:2: reserved: bad YAML alias: `));
  });

  it('refuses a YAML merge key, saying so (not "unrecognized key")', () => {
    const path = file(
      'c.yaml',
      'base: &base\n  vcpus: 8\nhosts:\n  - name: h1\n    <<: *base\n    memory_mb: 8\n    disk_gb: 1\n',
    );
    expect(loadError(path)).toBe(
      `${path}:5: hosts[0].<<: YAML merge keys (<<) are not supported: write the keys out`,
    );
  });

  it('refuses a mapping or a list as a key (JSON that lost a quote), with its line and place', () => {
    // Line 3 holds host h1's key `{"vcpus": 8}`: a flow mapping standing where a name should be.
    const path = file('c.json', '{"hosts": [\n  {"name": "h1",\n   {"vcpus": 8}: 1}\n]}\n');
    expect(loadError(path)).toBe(
      `${path}:3: hosts[0]: a mapping or a list as a key is not supported: keys are names`,
    );
    const top = file('c.yaml', '[a, b]: 1\n');
    expect(loadError(top)).toBe(`${top}:1: a mapping or a list as a key is not supported: keys are names`);
  });

  it('refuses /dev/zero and a FIFO-like path instead of reading without end', () => {
    expect(loadError('/dev/zero')).toBe('/dev/zero: is a character device, expected a regular file');
  });

  it('refuses "__proto__" as an unknown key, at the top and in a host', () => {
    const top = file(
      'c.json',
      `{"__proto__": 5, "hosts": [${JSON.stringify({ name: 'h', vcpus: 1, memory_mb: 1, disk_gb: 1 })}]}`,
    );
    expect(loadError(top)).toBe(`${top}:1: Unrecognized key: "__proto__"`);
    const inHost = file(
      'c.json',
      '{"hosts": [{"name": "h", "vcpus": 1, "memory_mb": 1, "disk_gb": 1, "__proto__": {"x": 1}}]}',
    );
    expect(loadError(inHost)).toBe(`${inHost}:1: hosts[0]: Unrecognized key: "__proto__"`);
  });
});

describe('cluster file: user-named keys stay own keys', () => {
  it('keeps traits and aggregate metadata named after Object.prototype members as ordinary keys', () => {
    const path = file(
      'c.json',
      JSON.stringify({
        hosts: [{ name: 'h', vcpus: 1, memory_mb: 1, disk_gb: 1, traits: {}, aggregates: [{ name: 'a' }] }],
      })
        .replace('"traits":{}', '"traits":{"__proto__":"p","constructor":"c"}')
        .replace('{"name":"a"}', '{"name":"a","metadata":{"__proto__":"m","toString":"t"}}'),
    );
    const h = loadCluster(path).hosts[0];
    expect(Object.hasOwn(h.traits, '__proto__')).toBe(true);
    expect(Object.entries(h.traits)).toEqual([
      ['__proto__', 'p'],
      ['constructor', 'c'],
    ]);
    expect(Object.entries(h.aggregates[0].metadata)).toEqual([
      ['__proto__', 'm'],
      ['toString', 't'],
    ]);
    const t = new HostTable(loadCluster(path));
    expect(t.aggregateValues(0, '__proto__')).toEqual(['m']);
    expect(t.aggregateValues(0, 'constructor')).toEqual([]);
    expect(t.aggregateMetadata(0, 'hasOwnProperty').size).toBe(0);
  });

  it('a cluster without such keys reads no inherited member', () => {
    const c = clusterFromObject({
      hosts: [{ name: 'h', vcpus: 1, memory_mb: 1, disk_gb: 1, aggregates: [{ name: 'a' }] }],
    });
    expect(new HostTable(c).aggregateValues(0, 'toString')).toEqual([]);
  });
});

describe('cluster file: a quoted "<<" is an ordinary key', () => {
  it('is a trait like any other (only a plain << is a YAML merge key)', () => {
    const path = file(
      'c.yaml',
      'hosts:\n  - {name: h1, vcpus: 1, memory_mb: 1, disk_gb: 1, traits: {"<<": x}}\n',
    );
    expect(loadCluster(path).hosts[0].traits).toEqual({ '<<': 'x' });
  });
});
