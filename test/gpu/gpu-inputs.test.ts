// GPU fields of the trace and of the cluster file: defaults, and one file:line: field error per rule.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCluster } from '../../src/cluster/cluster-spec.ts';
import { HostTable } from '../../src/cluster/host-table.ts';
import { InputError } from '../../src/common/errors.ts';
import { ColumnarTraceSource } from '../../src/trace/columnar.ts';
import { parseColumnar } from '../../src/trace/columnar-builder.ts';
import { CsvTraceSource } from '../../src/trace/csv-reader.ts';
import { indexColumns, RowDecoder } from '../../src/trace/decode.ts';
import { emptyRow, type TraceRow } from '../../src/trace/row.ts';
import { tempDir } from '../helpers/replay.ts';

const HEADER = ['time', 'id', 'vcpus', 'memory_mb', 'gpus', 'gpu_milli', 'gpu_spec'];

function decode(fields: Record<string, string>, header = HEADER) {
  const dec = new RowDecoder('t.csv', indexColumns('t.csv', header));
  const row = emptyRow();
  const base: Record<string, string> = { time: '0', id: 'a', vcpus: '1', memory_mb: '1' };
  dec.decode(
    header.map((h) => fields[h] ?? base[h] ?? ''),
    7,
    row,
  );
  return row;
}

function decodeError(fields: Record<string, string>): string {
  try {
    decode(fields);
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return (err as Error).message;
  }
  throw new Error('expected an InputError');
}

describe('trace GPU columns', () => {
  it('absent columns: no GPUs, any model', () => {
    const r = decode({}, ['time', 'id', 'vcpus', 'memory_mb']);
    expect([r.gpus, r.gpuMilli, r.gpuSpec]).toEqual([0, 0, '']);
  });

  it('gpu_milli defaults to 1000 with GPUs and 0 without; gpu_spec is trimmed', () => {
    expect(decode({ gpus: '2' })).toMatchObject({ gpus: 2, gpuMilli: 1000, gpuSpec: '' });
    expect(decode({ gpus: '0' })).toMatchObject({ gpus: 0, gpuMilli: 0 });
    expect(decode({ gpus: '0', gpu_milli: '0' })).toMatchObject({ gpus: 0, gpuMilli: 0 });
    expect(decode({ gpus: '1', gpu_milli: '250' })).toMatchObject({ gpus: 1, gpuMilli: 250 });
    expect(decode({ gpus: '3', gpu_milli: '1000' })).toMatchObject({ gpus: 3, gpuMilli: 1000 });
    expect(decode({ gpus: '64' }).gpus).toBe(64);
    expect(decode({ gpus: '1', gpu_spec: ' V100 | | T4 ' }).gpuSpec).toBe('V100|T4');
  });

  it.each([
    [{ gpus: '65' }, 't.csv:7: gpus: expected an integer from 0 to 64, got 65'],
    [{ gpus: '1.5' }, 't.csv:7: gpus: expected a non-negative integer, got "1.5"'],
    [{ gpus: '-1' }, 't.csv:7: gpus: expected a non-negative integer, got "-1"'],
    [{ gpus: '0', gpu_milli: '500' }, 't.csv:7: gpu_milli: must be 0 or empty when gpus is 0, got "500"'],
    [{ gpu_milli: '1000' }, 't.csv:7: gpu_milli: must be 0 or empty when gpus is 0, got "1000"'],
    [
      { gpus: '1', gpu_milli: '0' },
      't.csv:7: gpu_milli: expected an integer from 1 to 1000 (thousandths of a GPU), got "0"',
    ],
    [
      { gpus: '1', gpu_milli: '1001' },
      't.csv:7: gpu_milli: expected an integer from 1 to 1000 (thousandths of a GPU), got "1001"',
    ],
    [
      { gpus: '2', gpu_milli: '500' },
      't.csv:7: gpu_milli: a share below 1000 needs gpus = 1 (one shared GPU), got gpus = 2',
    ],
    [{ gpus: '1', gpu_milli: 'half' }, 't.csv:7: gpu_milli: expected a non-negative integer, got "half"'],
  ])('%o: %s', (fields, message) => {
    expect(decodeError(fields)).toBe(message);
  });

  it('the shared columnar form hands over the same GPU fields as streaming', async () => {
    const path = join(tempDir(), 'g.csv');
    writeFileSync(
      path,
      'time,id,vcpus,memory_mb,gpus,gpu_milli,gpu_spec\n0,a,1,1,2,,A100\n1,b,1,1,1,300,V100|T4\n2,c,1,1,,,\n',
    );
    const collect = async (source: { read: CsvTraceSource['read'] }) => {
      const rows: Pick<TraceRow, 'id' | 'gpus' | 'gpuMilli' | 'gpuSpec'>[] = [];
      await source.read({
        row: (r) => rows.push({ id: r.id, gpus: r.gpus, gpuMilli: r.gpuMilli, gpuSpec: r.gpuSpec }),
        badRow: (e) => {
          throw e;
        },
      });
      return rows;
    };
    const expected = [
      { id: 'a', gpus: 2, gpuMilli: 1000, gpuSpec: 'A100' },
      { id: 'b', gpus: 1, gpuMilli: 300, gpuSpec: 'V100|T4' },
      { id: 'c', gpus: 0, gpuMilli: 0, gpuSpec: '' },
    ];
    expect(await collect(new CsvTraceSource(path))).toEqual(expected);
    expect(await collect(new ColumnarTraceSource(await parseColumnar(path, 'stop')))).toEqual(expected);
  });
});

describe('cluster file GPU fields', () => {
  const write = (value: unknown) => {
    const path = join(tempDir(), 'c.json');
    writeFileSync(path, JSON.stringify(value, null, 1));
    return path;
  };
  const loadError = (value: unknown): string => {
    try {
      loadCluster(write(value));
    } catch (err) {
      expect(err).toBeInstanceOf(InputError);
      return (err as Error).message.replace(/^.*c\.json/, 'c.json');
    }
    throw new Error('expected an InputError');
  };

  it('hosts and groups carry gpus and gpu_model (defaults 0 and "")', () => {
    const c = loadCluster(
      write({
        hosts: [{ name: 'cpu', vcpus: 8, memory_mb: 1024, disk_gb: 1 }],
        groups: [
          { count: 2, prefix: 'g', vcpus: 96, memory_mb: 1024, disk_gb: 1, gpus: 8, gpu_model: 'V100M32' },
        ],
      }),
    );
    expect(c.hosts.map((h) => [h.name, h.gpus, h.gpuModel])).toEqual([
      ['cpu', 0, ''],
      ['g0001', 8, 'V100M32'],
      ['g0002', 8, 'V100M32'],
    ]);
    const t = new HostTable(c);
    expect([...t.gpuStart]).toEqual([0, 0, 8, 16]);
    expect(t.gpuFreeMilli.length).toBe(16);
  });

  it('a cluster without GPUs has no GPU arrays to speak of', () => {
    const t = new HostTable(
      loadCluster(write({ hosts: [{ name: 'h', vcpus: 1, memory_mb: 1, disk_gb: 1 }] })),
    );
    expect([t.hasGpus, t.gpuFreeMilli.length, [...t.gpuStart]]).toEqual([false, 0, [0, 0]]);
  });

  it.each([
    [{ gpus: 65 }, 'gpus', 'expected an integer from 0 to 64 (GPUs per host)'],
    [{ gpus: -1 }, 'gpus', 'expected an integer from 0 to 64'],
    [{ gpus: 1.5 }, 'gpus', 'expected an integer from 0 to 64'],
    [{ gpu_model: 'A|B' }, 'gpu_model', 'a GPU model has no "|"'],
    [{ gpu_model: ' A' }, 'gpu_model', 'a GPU model has no "|" and no leading or trailing spaces'],
  ])('host %o: names the line and the field', (extra, field, reason) => {
    const msg = loadError({ hosts: [{ name: 'h', vcpus: 1, memory_mb: 1, disk_gb: 1, ...extra }] });
    expect(msg).toMatch(new RegExp(`^c\\.json:\\d+: hosts\\[0\\]\\.${field}: `));
    expect(msg).toContain(reason);
  });

  it('a group with too many GPUs names the group', () => {
    const msg = loadError({
      groups: [{ count: 1, prefix: 'g', vcpus: 1, memory_mb: 1, disk_gb: 1, gpus: 100 }],
    });
    expect(msg).toMatch(/^c\.json:\d+: groups\[0\]\.gpus: expected an integer from 0 to 64/);
  });
});
