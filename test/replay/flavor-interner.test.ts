import { describe, expect, it } from 'vitest';
import { FlavorInterner } from '../../src/replay/flavor-interner.ts';

describe('FlavorInterner', () => {
  it('gives the same frozen object for the same shape, with the fields asked for', () => {
    const t = new FlavorInterner();
    const a = t.of(2, 4096, 40, 0, 0);
    expect(a).toEqual({ vcpus: 2, memoryMb: 4096, diskGb: 40, gpus: 0, gpuMilli: 0 });
    expect(Object.isFrozen(a)).toBe(true);
    t.of(4, 8192, 80, 1, 500);
    expect(t.of(2, 4096, 40, 0, 0)).toBe(a);
  });

  it('tells apart shapes whose hashes collide', () => {
    const t = new FlavorInterner();
    // vcpus * 31 + memoryMb: 1 * 31 + 0 and 0 * 31 + 31 hash alike.
    const a = t.of(1, 0, 0, 0, 0);
    const b = t.of(0, 31, 0, 0, 0);
    expect(b).not.toBe(a);
    expect(b).toEqual({ vcpus: 0, memoryMb: 31, diskGb: 0, gpus: 0, gpuMilli: 0 });
    expect(t.of(1, 0, 0, 0, 0)).toBe(a);
  });

  it('keeps -0 apart from 0', () => {
    const t = new FlavorInterner();
    t.of(0, 1024, 0, 0, 0);
    expect(Object.is(t.of(-0, 1024, 0, 0, 0).vcpus, -0)).toBe(true);
  });

  it('stays exact past its table limit', () => {
    const t = new FlavorInterner();
    for (let v = 0; v < 10_000; v++)
      expect(t.of(v, 2 * v, 3, 0, 0)).toEqual({ vcpus: v, memoryMb: 2 * v, diskGb: 3, gpus: 0, gpuMilli: 0 });
  });
});
