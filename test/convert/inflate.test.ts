// --inflate on hand-built request lists: the dominant resource and the stopping rule by hand.
import { describe, expect, it } from 'vitest';
import { emptyRow } from '../../src/trace/row.ts';
import { dominantResource, inflate } from '../../src/trace/transforms/inflate.ts';
import { RequestBuffer } from '../../src/trace/transforms/request-buffer.ts';

function buffer(
  shapes: { vcpus: number; memoryMb: number; gpus?: number; gpuMilli?: number }[],
): RequestBuffer {
  const b = new RequestBuffer();
  shapes.forEach((s, i) => {
    const r = emptyRow();
    Object.assign(r, { id: `r${i}`, time: i, gpus: 0, gpuMilli: 0, ...s });
    b.add(r);
  });
  return b;
}

const order = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

describe('inflate', () => {
  it('the dominant resource is the largest share of capacity', () => {
    // 1 vCPU of 10 (0.1), 100 MB of 200 (0.5): memory.
    expect(
      dominantResource(buffer([{ vcpus: 1, memoryMb: 100 }]), { vcpus: 10, memoryMb: 200, gpuMilli: 0 }),
    ).toEqual({
      resource: 'memory_mb',
      share: 0.5,
    });
    // A 0.5-GPU share of 1 GPU (0.5) beats 1 vCPU of 4 (0.25) and 1 MB of 1000.
    const gpu = buffer([{ vcpus: 1, memoryMb: 1, gpus: 1, gpuMilli: 500 }]);
    expect(dominantResource(gpu, { vcpus: 4, memoryMb: 1000, gpuMilli: 1000 }).resource).toBe('gpus');
  });

  it('appends copies until the next would pass the target', () => {
    // One request of 100 MB, capacity 200 MB, ratio 2: target 400; copies at 200, 300, 400; a
    // fourth would make 500.
    const b = buffer([{ vcpus: 1, memoryMb: 100 }]);
    const r = inflate(b, order(1), 2, { vcpus: 1000, memoryMb: 200, gpuMilli: 0 }, 1);
    expect(r.resource).toBe('memory_mb');
    expect(r.target).toBe(400);
    expect(r.demand).toBe(400);
    expect(Array.from(r.order)).toEqual([0, 1, 2, 3]);
    expect(Array.from(r.source)).toEqual([0, 0, 0]);
  });

  it('drops requests at random down to the target, keeping their order', () => {
    // Five requests of 100 MB, capacity 200 MB, ratio 1: three go.
    const b = buffer(Array.from({ length: 5 }, () => ({ vcpus: 1, memoryMb: 100 })));
    const r = inflate(b, order(5), 1, { vcpus: 1000, memoryMb: 200, gpuMilli: 0 }, 7);
    expect(r.demand).toBe(200);
    expect(r.order).toHaveLength(2);
    expect(r.order[0]).toBeLessThan(r.order[1]);
    expect(r.source).toHaveLength(0);
  });
});
