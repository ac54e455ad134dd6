import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256File } from '../../src/report/build-report.ts';
import { tempDir } from '../helpers/replay.ts';

describe('sha256File', () => {
  it('hashes a file read in pieces as its whole content hashes', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'abc'), 'abc');
    // FIPS 180-2's example digest of "abc".
    expect(await sha256File(join(dir, 'abc'))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    writeFileSync(join(dir, 'empty'), '');
    expect(await sha256File(join(dir, 'empty'))).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    // 2.5 MiB: three reads, the last one short.
    const big = Buffer.from(Array.from({ length: 2.5 * 2 ** 20 }, (_, i) => (i * 31) % 251));
    writeFileSync(join(dir, 'big'), big);
    expect(await sha256File(join(dir, 'big'))).toBe(createHash('sha256').update(big).digest('hex'));
  });
});
