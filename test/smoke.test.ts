import { describe, expect, it } from 'vitest';
import { simpleCluster } from './helpers/cluster.ts';
import { replayLines } from './helpers/replay.ts';

describe('smoke', () => {
  it('places on the host with most free RAM', async () => {
    const spec = simpleCluster([{ memory_mb: 4096 }, { memory_mb: 8192 }]);
    const { log } = await replayLines(spec, ['time,id,vcpus,memory_mb', '0,a,1,1024']);
    expect(log.hosts()).toEqual({ a: 'h2' });
  });
});
