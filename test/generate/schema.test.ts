import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCluster } from '../../src/cluster/cluster-spec.ts';
import { writeGeneratedCluster } from '../../src/generate/cluster.ts';
import type { GeneratorInput } from '../../src/generate/options.ts';
import { CsvTraceSource } from '../../src/trace/csv-reader.ts';
import { CREATE } from '../../src/trace/row.ts';
import { generateRecords, options, tmp } from './support.ts';

const KNOBS: GeneratorInput = {
  rows: 30_000,
  hosts: 80,
  seed: 21,
  gpuShare: 0.5,
  gpuSpecShare: 0.4,
  gpuHostShare: 0.4,
  gpuModels: ['V100M32', 'T4'],
  lifetime: 'lognormal',
  diurnalAmplitude: 0.7,
  groupShare: 0.3,
};

describe('generated output schema', () => {
  it('every row decodes with the trace decoder, GPU columns follow the interface', async () => {
    const { path, records } = generateRecords(KNOBS);
    let rows = 0;
    let creates = 0;
    const bad: string[] = [];
    let last = Number.NEGATIVE_INFINITY;
    await new CsvTraceSource(path).read({
      row(r) {
        rows++;
        if (r.event === CREATE) creates++;
        // Rows are in time order.
        if (r.time < last) bad.push(`line ${r.line}: time goes back`);
        last = r.time;
      },
      badRow(e) {
        bad.push(e.message);
      },
    });
    expect(bad).toEqual([]);
    expect(rows).toBe(30_000);
    expect(records).toHaveLength(30_000);
    expect(creates).toBe(records.filter((r) => r.event === 'create').length);
    // The GPU columns (the decoder of this branch ignores them; gpu-core decodes them), by the
    // fixed interface: gpus 0..64; gpu_milli empty (= 1000) or 1..999 only with gpus = 1, and
    // empty when gpus is; gpu_spec models of the cluster, empty without GPUs.
    for (const r of records) {
      const gpus = r.gpus === '' ? 0 : Number(r.gpus);
      expect(Number.isInteger(gpus) && gpus >= 0 && gpus <= 64).toBe(true);
      if (gpus === 0) expect(r.gpu_milli + r.gpu_spec).toBe('');
      if (r.gpu_milli !== '') {
        expect(gpus).toBe(1);
        expect(Number(r.gpu_milli)).toBeGreaterThanOrEqual(1);
        expect(Number(r.gpu_milli)).toBeLessThanOrEqual(999);
      }
      if (r.gpu_spec !== '') expect(['V100M32', 'T4']).toContain(r.gpu_spec);
    }
  });

  it('the matching cluster loads with loadCluster, GPU hosts carrying gpus and gpu_model', () => {
    const dir = tmp();
    const o = options(KNOBS);
    writeGeneratedCluster(o, join(dir, 'c.json'));
    const spec = loadCluster(join(dir, 'c.json'));
    expect(spec.hosts).toHaveLength(80);
    // The GPU fields read back as data: HostSpec gets them from gpu-core.
    const raw = (
      JSON.parse(readFileSync(join(dir, 'c.json'), 'utf8')) as {
        hosts: { gpus?: number; gpu_model?: string; aggregates: { name: string }[] }[];
      }
    ).hosts;
    const gpuHosts = raw.filter((h) => (h.gpus ?? 0) > 0);
    // 40% of 80 hosts: 32 expected, binomial sd 4.4.
    expect(gpuHosts.length).toBeGreaterThan(32 - 15);
    expect(gpuHosts.length).toBeLessThan(32 + 15);
    for (const h of gpuHosts) {
      expect(h.gpus).toBe(8);
      expect(['V100M32', 'T4']).toContain(h.gpu_model);
      expect(h.aggregates.map((a) => a.name)).toContain('gpu');
    }
    // Hosts without GPUs have no gpu keys at all (the file of a cluster without GPUs is unchanged).
    for (const h of raw.filter((x) => !x.gpus)) expect('gpu_model' in h).toBe(false);
    // Mixed shapes: more than one (vcpus, memory) pair.
    expect(new Set(spec.hosts.map((h) => `${h.vcpus}/${h.memoryMb}`)).size).toBeGreaterThan(1);
  });
});
