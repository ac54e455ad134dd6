import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/common/errors.ts';
import { indexColumns, RowDecoder } from '../../src/trace/decode.ts';
import { CREATE, DELETE, emptyRow } from '../../src/trace/row.ts';

const HEADER = [
  'time',
  'event',
  'id',
  'vcpus',
  'memory_mb',
  'disk_gb',
  'count',
  'duration',
  'az',
  'group',
  'group_policy',
  'extra_specs',
];

function decode(fields: Record<string, string>, header = HEADER) {
  const dec = new RowDecoder('t.csv', indexColumns('t.csv', header));
  const row = emptyRow();
  dec.decode(
    header.map((h) => fields[h] ?? ''),
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

describe('trace row decoding', () => {
  it('reads a full create row', () => {
    const row = decode({
      time: '12.5',
      event: 'create',
      id: 'web',
      vcpus: '2',
      memory_mb: '4096',
      disk_gb: '20',
      count: '3',
      duration: '60',
      az: 'az1',
      group: 'g',
      group_policy: 'anti-affinity',
      extra_specs: 'ssd=true; aggregate_instance_extra_specs:tier= >= 2 ;ssd=false',
    });
    expect(row).toMatchObject({
      line: 7,
      time: 12.5,
      event: CREATE,
      id: 'web',
      vcpus: 2,
      memoryMb: 4096,
      diskGb: 20,
      count: 3,
      duration: 60,
    });
    expect(row).toMatchObject({ az: 'az1', group: 'g', groupPolicy: 'anti-affinity' });
    // Python dict semantics: a repeated key keeps its first position and takes its last value.
    expect(row.extraSpecs?.entries).toEqual([
      ['ssd', 'false'],
      ['aggregate_instance_extra_specs:tier', '>= 2'],
    ]);
  });

  it('applies defaults: event create, disk 0, count 1, no duration', () => {
    const row = decode({ time: '0', id: 'a', vcpus: '1', memory_mb: '512' });
    expect(row).toMatchObject({
      event: CREATE,
      diskGb: 0,
      count: 1,
      az: '',
      group: '',
      extraSpecs: undefined,
    });
    expect(Number.isNaN(row.duration)).toBe(true);
  });

  it('reads a delete row without sizes', () => {
    expect(decode({ time: '3', event: 'delete', id: 'a' })).toMatchObject({ event: DELETE, id: 'a' });
  });

  it('accepts integral floats for integer fields', () => {
    expect(decode({ time: '0', id: 'a', vcpus: '4.0', memory_mb: '1e3' })).toMatchObject({
      vcpus: 4,
      memoryMb: 1000,
    });
  });

  it.each([
    [
      { time: '0', id: 'a', vcpus: '-2', memory_mb: '1' },
      't.csv:7: vcpus: expected a non-negative integer, got "-2"',
    ],
    [
      { time: '0', id: 'a', vcpus: '1.5', memory_mb: '1' },
      't.csv:7: vcpus: expected a non-negative integer, got "1.5"',
    ],
    [{ time: '0', id: 'a', vcpus: '1' }, 't.csv:7: memory_mb: missing value'],
    [{ time: 'soon', id: 'a', vcpus: '1', memory_mb: '1' }, 't.csv:7: time: expected a number, got "soon"'],
    [{ time: '0x10', id: 'a', vcpus: '1', memory_mb: '1' }, 't.csv:7: time: expected a number, got "0x10"'],
    [{ time: '0', id: '', vcpus: '1', memory_mb: '1' }, 't.csv:7: id: missing value'],
    [{ time: '0', event: 'resize', id: 'a' }, 't.csv:7: event: expected create or delete, got "resize"'],
    [
      { time: '0', id: 'a', vcpus: '1', memory_mb: '1', count: '0' },
      't.csv:7: count: expected an integer from 1 to 1000000, got 0',
    ],
    [
      { time: '0', id: 'a', vcpus: '1', memory_mb: '1', duration: '-1' },
      't.csv:7: duration: expected a non-negative number, got "-1"',
    ],
    [
      { time: '0', id: 'a', vcpus: '1', memory_mb: '1', group: 'g', group_policy: 'sometimes' },
      't.csv:7: group_policy: expected one of affinity, anti-affinity, soft-affinity, soft-anti-affinity, got "sometimes"',
    ],
    [
      { time: '0', id: 'a', vcpus: '1', memory_mb: '1', group_policy: 'affinity' },
      't.csv:7: group_policy: given without a group',
    ],
    [
      { time: '0', id: 'a', vcpus: '1', memory_mb: '1', extra_specs: 'ssd' },
      't.csv:7: extra_specs: expected key=value, got "ssd"',
    ],
  ])('rejects a bad field with file:line: field: reason (%#)', (fields, message) => {
    expect(decodeError(fields)).toBe(message);
  });

  it('requires the core columns in the header', () => {
    expect(() => indexColumns('t.csv', ['time', 'id', 'vcpus'])).toThrow(
      't.csv:1: memory_mb: missing column (the header must have time, id, vcpus, memory_mb)',
    );
    expect(() => indexColumns('t.csv', ['time', 'id', 'vcpus', 'memory_mb', 'id'])).toThrow(
      't.csv:1: id: column appears twice',
    );
  });

  it('ignores unknown columns and takes columns in any order', () => {
    const header = ['note', 'memory_mb', 'id', 'vcpus', 'time'];
    const row = decode({ note: 'x', memory_mb: '256', id: 'z', vcpus: '1', time: '9' }, header);
    expect(row).toMatchObject({ id: 'z', memoryMb: 256, vcpus: 1, time: 9 });
  });
});
