// `generate` never overwrites one of its own inputs (--load-cluster, --flavors, --host-shapes):
// an output that is an input, by real path, is refused (exit 2, one line) before anything is written.
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeGeneratedCluster } from '../../src/generate/cluster.ts';
import { cliInProcess } from '../helpers/cli.ts';
import { options, tmp } from './support.ts';

const FLAVORS = 'vcpus,memory_mb,disk_gb,weight\n2,2048,10,1\n4,4096,20,1\n';
const SHAPES = 'vcpus,memory_mb,disk_gb,weight\n32,131072,1000,1\n';

/** A folder holding a cluster file under the name `generate --out <dir>/gen` writes its cluster to. */
function folderWithCluster(): { dir: string; cluster: string; bytes: string } {
  const dir = tmp();
  const cluster = join(dir, 'gen-cluster.json');
  writeGeneratedCluster(options({ hosts: 3 }), cluster);
  return { dir, cluster, bytes: readFileSync(cluster, 'utf8') };
}

describe('generate refuses an output that is one of its inputs', () => {
  it('--load-cluster equal to <out>-cluster.json: exit 2 naming both, the cluster untouched, no trace', async () => {
    const { dir, cluster, bytes } = folderWithCluster();
    const out = join(dir, 'gen');
    const r = await cliInProcess([
      'generate',
      '--rows',
      '10',
      '--hosts',
      '2',
      '--target-load',
      '0.5',
      '--load-cluster',
      cluster,
      '--out',
      out,
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `schedbench: ${out}-cluster.json (--out cluster) is the input ${cluster} (--load-cluster): refusing to overwrite an input\n`,
    );
    expect(readFileSync(cluster, 'utf8')).toBe(bytes);
    expect(readdirSync(dir)).toEqual(['gen-cluster.json']);
  });

  it('--flavors equal to <out>-trace.csv: exit 2, the flavor file untouched, no cluster', async () => {
    const dir = tmp();
    const flavors = join(dir, 'gen-trace.csv');
    writeFileSync(flavors, FLAVORS);
    const out = join(dir, 'gen');
    const r = await cliInProcess([
      'generate',
      '--rows',
      '10',
      '--hosts',
      '2',
      '--flavors',
      flavors,
      '--out',
      out,
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `schedbench: ${out}-trace.csv (--out trace) is the input ${flavors} (--flavors): refusing to overwrite an input\n`,
    );
    expect(readFileSync(flavors, 'utf8')).toBe(FLAVORS);
    expect(readdirSync(dir)).toEqual(['gen-trace.csv']);
  });

  it('--host-shapes reached through a symlink or "..": still the output, refused', async () => {
    const dir = tmp();
    const shapes = join(dir, 'shapes.csv');
    writeFileSync(shapes, SHAPES);
    // <out>-cluster.json is a symlink to the shapes file: writing it would replace the shapes.
    symlinkSync(shapes, join(dir, 'gen-cluster.json'));
    mkdirSync(join(dir, 'sub'));
    const out = join(dir, 'gen');
    for (const given of [shapes, join(dir, 'sub', '..', 'shapes.csv')]) {
      const r = await cliInProcess([
        'generate',
        '--rows',
        '10',
        '--hosts',
        '2',
        '--host-shapes',
        given,
        '--out',
        out,
      ]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(
        `schedbench: ${out}-cluster.json (--out cluster) is the input ${given} (--host-shapes): refusing to overwrite an input\n`,
      );
    }
    expect(readFileSync(shapes, 'utf8')).toBe(SHAPES);
    expect(readdirSync(dir).sort()).toEqual(['gen-cluster.json', 'shapes.csv', 'sub']);
  });

  it('inputs beside the outputs under other names are read and left alone', async () => {
    const { dir, cluster, bytes } = folderWithCluster();
    const flavors = join(dir, 'flavors.csv');
    writeFileSync(flavors, FLAVORS);
    const out = join(dir, 'other');
    const r = await cliInProcess([
      'generate',
      '--rows',
      '10',
      '--hosts',
      '2',
      '--target-load',
      '0.5',
      '--load-cluster',
      cluster,
      '--flavors',
      flavors,
      '--out',
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(cluster, 'utf8')).toBe(bytes);
    expect(readFileSync(flavors, 'utf8')).toBe(FLAVORS);
    expect(readdirSync(dir).sort()).toEqual([
      'flavors.csv',
      'gen-cluster.json',
      'other-cluster.json',
      'other-trace.csv',
    ]);
  });
});
