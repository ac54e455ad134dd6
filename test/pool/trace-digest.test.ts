import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { newSharedDigest, publishDigest, readDigest } from '../../src/pool/trace-digest.ts';
import { tempDir } from '../helpers/replay.ts';

describe('a trace digest shared with the tasks', () => {
  it('reads the digest the main thread publishes, waiting for it', async () => {
    const path = join(tempDir(), 't.csv');
    const body = Buffer.from('time,event\n'.repeat(300_000)); // 3.3 MB: several reads
    writeFileSync(path, body);
    const d = newSharedDigest();
    const read = readDigest(d); // before the hash is published
    await publishDigest(d, path, () => false);
    expect(await read).toBe(createHash('sha256').update(body).digest('hex'));
    expect(await readDigest(d)).toBe(createHash('sha256').update(body).digest('hex'));
  });

  it('is read across threads through the shared words', async () => {
    const path = join(tempDir(), 't.csv');
    writeFileSync(path, 'abc');
    const d = newSharedDigest();
    await publishDigest(d, path, () => false);
    // A plain worker reads words 1-8 as readDigest does (its own code: it cannot import TypeScript).
    const hex = await new Promise<string>((resolve, reject) => {
      const w = new Worker(
        `const { parentPort, workerData: d } = require('node:worker_threads');
         let hex = ''; for (let i = 1; i <= 8; i++) hex += (d[i] >>> 0).toString(16).padStart(8, '0');
         parentPort.postMessage(Atomics.load(d, 0) + ':' + hex);`,
        { eval: true, workerData: d },
      );
      w.once('message', resolve);
      w.once('error', reject);
    });
    expect(hex).toBe('1:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('gives undefined when the file cannot be hashed or no task needs the digest any more', async () => {
    const missing = newSharedDigest();
    await publishDigest(missing, join(tempDir(), 'absent.csv'), () => false);
    expect(await readDigest(missing)).toBeUndefined();
    const path = join(tempDir(), 't.csv');
    writeFileSync(path, 'abc');
    const stopped = newSharedDigest();
    await publishDigest(stopped, path, () => true);
    expect(await readDigest(stopped)).toBeUndefined();
  });
});
