import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseHostShape } from '../../src/cluster/host-shape.ts';
import { generateCluster } from '../../src/generate/cluster.ts';
import { loadFlavorMix, loadHostShapes } from '../../src/generate/mix-file.ts';
import { cli } from '../helpers/cli.ts';
import { generateRecords, options, tmp } from './support.ts';

function file(name: string, text: string): string {
  const path = join(tmp(), name);
  writeFileSync(path, text);
  return path;
}

describe('flavor mix files', () => {
  it('reads CSV, YAML and JSON alike', () => {
    const csv = file(
      'f.csv',
      'name,vcpus,memory_mb,disk_gb,weight,gpus,gpu_milli,gpu_spec\nsmall,2,4096,20,3,,,\ngpu,8,65536,0,1,1,500,T4|A10\n',
    );
    const yaml = file(
      'f.yaml',
      'flavors:\n  - {name: small, vcpus: 2, memory_mb: 4096, disk_gb: 20, weight: 3}\n  - {name: gpu, vcpus: 8, memory_mb: 65536, weight: 1, gpus: 1, gpu_milli: 500, gpu_spec: T4|A10}\n',
    );
    const json = file(
      'f.json',
      JSON.stringify([
        { vcpus: 2, memory_mb: 4096, disk_gb: 20, weight: 3 },
        { vcpus: 8, memory_mb: 65536, weight: 1, gpus: 1, gpu_milli: 500, gpu_spec: 'T4|A10' },
      ]),
    );
    const expected = [
      { vcpus: 2, memoryMb: 4096, diskGb: 20, gpus: 0, gpuMilli: 0, gpuSpec: '', weight: 3 },
      { vcpus: 8, memoryMb: 65536, diskGb: 0, gpus: 1, gpuMilli: 500, gpuSpec: 'T4|A10', weight: 1 },
    ];
    expect(loadFlavorMix(csv)).toEqual(expected);
    expect(loadFlavorMix(yaml)).toEqual(expected);
    expect(loadFlavorMix(json)).toEqual(expected);
    // Whole GPUs with gpu_milli empty take all of each GPU.
    expect(loadFlavorMix(file('w.csv', 'vcpus,memory_mb,gpus\n4,8192,2\n'))[0].gpuMilli).toBe(1000);
  });

  it('names file, line and field of a bad entry', () => {
    expect(() =>
      loadFlavorMix(file('a.csv', 'vcpus,memory_mb,gpus,gpu_milli\n2,4096,0,\n4,8192,2,300\n')),
    ).toThrow(/a\.csv:3: gpu_milli: a share of a GPU \(1\.\.999\) needs gpus = 1/);
    expect(() => loadFlavorMix(file('b.csv', 'vcpus,memory_mb\n2,4096\nfour,8192\n'))).toThrow(
      /b\.csv:3: vcpus: /,
    );
    expect(() =>
      loadFlavorMix(
        file(
          'c.yaml',
          'flavors:\n  - vcpus: 2\n    memory_mb: 4096\n  - vcpus: 2\n    memory_mb: 4096\n    colour: red\n',
        ),
      ),
    ).toThrow(/c\.yaml:4: flavors\[1\]/);
    expect(() =>
      loadFlavorMix(file('d.yaml', '- vcpus: 2\n  memory_mb: 1\n  gpus: 0\n  gpu_milli: 5\n')),
    ).toThrow(/d\.yaml:4: \[0\]\.gpu_milli: must be 0 or empty when gpus is 0/);
    expect(() => loadFlavorMix(file('e.csv', 'vcpus,memory_mb,weight\n2,4096,0\n'))).toThrow(
      /e\.csv:2: weight: every weight is 0/,
    );
  });

  it('draws flavors by weight', () => {
    // Weights 3:1 -> 75% small. ~9,800 creates: standard error 0.44%.
    const flavors = loadFlavorMix(file('f.csv', 'vcpus,memory_mb,weight\n2,4096,3\n8,16384,1\n'));
    const { records } = generateRecords({ rows: 12_000, seed: 2, flavors });
    const creates = records.filter((r) => r.event === 'create');
    expect(creates.every((r) => r.vcpus === '2' || r.vcpus === '8')).toBe(true);
    expect(Math.abs(creates.filter((r) => r.vcpus === '2').length / creates.length - 0.75)).toBeLessThan(
      0.02,
    );
  });

  it('a host-shape file shapes the generated cluster, GPU shapes with their model, by weight', () => {
    // Weights 1:3 -> 25% GPU hosts of 400: 100 expected, binomial sd 8.7.
    const hostShapes = loadHostShapes(
      file(
        's.yaml',
        'shapes:\n  - {vcpus: 16, memory_mb: 65536, disk_gb: 100, gpus: 4, gpu_model: A10, weight: 1}\n  - {vcpus: 64, memory_mb: 262144, weight: 3}\n',
      ),
    );
    const c = generateCluster(options({ hosts: 400, hostShapes })) as {
      hosts: { vcpus: number; gpus?: number; gpu_model?: string }[];
    };
    const gpu = c.hosts.filter((h) => h.gpus !== undefined);
    expect(gpu.every((h) => h.vcpus === 16 && h.gpus === 4 && h.gpu_model === 'A10')).toBe(true);
    expect(c.hosts.filter((h) => h.gpus === undefined).every((h) => h.vcpus === 64)).toBe(true);
    expect(Math.abs(gpu.length - 100)).toBeLessThan(35);
  });

  it('host shapes: a file of shapes, or one shape inline or in a file', () => {
    expect(
      loadHostShapes(
        file('s.csv', 'vcpus,memory_mb,disk_gb,gpus,gpu_model,weight\n32,131072,1000,8,A10,1\n'),
      ),
    ).toEqual([{ vcpus: 32, memoryMb: 131072, diskGb: 1000, gpus: 8, gpuModel: 'A10', weight: 1 }]);
    expect(parseHostShape('vcpus=32,memory_mb=131072,disk_gb=1000', '--grow-with')).toEqual({
      vcpus: 32,
      memory_mb: 131072,
      disk_gb: 1000,
      gpus: 0,
      gpu_model: '',
    });
    expect(
      parseHostShape(file('one.yaml', 'vcpus: 8\nmemory_mb: 1024\ngpus: 2\ngpu_model: T4\n'), '--grow-with'),
    ).toEqual({
      vcpus: 8,
      memory_mb: 1024,
      disk_gb: 0,
      gpus: 2,
      gpu_model: 'T4',
    });
    expect(() => parseHostShape('vcpus=32,memory_mb=-1', '--grow-with')).toThrow(/--grow-with: memory_mb: /);
    expect(() => parseHostShape('vcpus=32,memory_mb=1,cores=2', '--grow-with')).toThrow(/--grow-with: /);
    expect(() => parseHostShape(file('bad.yaml', 'vcpus: 8\nmemory_mb: x\n'), '--grow-with')).toThrow(
      /bad\.yaml:2: memory_mb: /,
    );
  });
});

describe('schedbench generate', () => {
  it('writes the knobs through, refuses bad ones with exit 2 naming the flag', () => {
    const dir = tmp();
    const flavors = file('f.csv', 'vcpus,memory_mb,weight,gpus,gpu_milli\n2,4096,1,,\n4,8192,1,1,250\n');
    const ok = cli([
      'generate',
      '--out',
      join(dir, 'g'),
      '--rows',
      '500',
      '--hosts',
      '8',
      '--flavors',
      flavors,
      '--target-load',
      '0.5',
      '--gpu-hosts',
      '0.5',
    ]);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/g-trace\.csv \(500 rows, [0-9.]+ arrivals\/s for load 0\.5\)/);
    const bad = cli(['generate', '--out', join(dir, 'h'), '--gpu-share', '1.5']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--gpu-share: /);
    const both = cli(['generate', '--out', join(dir, 'h'), '--rate', '2', '--target-load', '0.5']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/one of --rate, --mean-gap, --target-load/);
    const badFile = cli([
      'generate',
      '--out',
      join(dir, 'h'),
      '--flavors',
      file('x.csv', 'vcpus,memory_mb\n1,-5\n'),
    ]);
    expect(badFile.code).toBe(2);
    expect(badFile.stderr).toMatch(/x\.csv:2: memory_mb: /);
  });
});
