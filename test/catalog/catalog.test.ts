// The catalog: one value holding what a run can name; framework strategies resolve filter and
// weigher names (and the options those declare) in the catalog they are looked up in.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinCatalog, loadPluginFile } from '../../src/catalog/bootstrap.ts';
import { InputError } from '../../src/common/errors.ts';
import { BUILTIN_FILTERS } from '../../src/framework/builtins.ts';
import { simpleCluster } from '../helpers/cluster.ts';
import { replayLines } from '../helpers/replay.ts';
import { ROOT } from '../plugin/support.ts';

const fixture = (name: string) => join(ROOT, 'test/plugin/fixtures', name);

describe('a catalog', () => {
  it('holds the built-in strategies, filters and weighers in listing order', () => {
    const c = builtinCatalog();
    expect(c.names()[0]).toBe('filter');
    expect([...c.filters.keys()]).toEqual(BUILTIN_FILTERS.map((f) => f.name));
    expect(c.weighers.has('RAMWeigher')).toBe(true);
  });

  it('lets a loaded filter and the option it declares be named, in that catalog only', async () => {
    const c = builtinCatalog();
    await loadPluginFile(fixture('filter-with-options.ts'), c);
    const opts = c.get('filter').optionsSchema.parse({ filters: ['FreeVcpusFilter'], min_free_vcpus: 5 });
    expect(opts).toMatchObject({ filters: ['FreeVcpusFilter'], min_free_vcpus: 5, ram_weight_multiplier: 1 });
    expect(c.get('first-fit').optionsSchema.parse({}).min_free_vcpus).toBe(0);
    const other = builtinCatalog();
    expect(other.get('filter').optionsSchema.safeParse({ min_free_vcpus: 5 }).success).toBe(false);
    expect(other.get('filter').optionsSchema.safeParse({ filters: ['FreeVcpusFilter'] }).success).toBe(false);
  });

  it("hands a plugin filter its own option's value", async () => {
    const c = builtinCatalog();
    await loadPluginFile(fixture('filter-with-options.ts'), c);
    const spec = simpleCluster([{ vcpus: 4 }, { vcpus: 8 }]);
    const lines = ['time,event,id,vcpus,memory_mb,disk_gb', '0,create,a,1,512,1'];
    const place = async (min: number) => {
      const strategy = c.get('filter');
      const { log } = await replayLines(spec, lines, {
        strategy,
        options: { filters: ['FreeVcpusFilter'], weighers: [], min_free_vcpus: min },
      });
      return log.hosts().a;
    };
    expect(await place(0)).toBe('h1');
    expect(await place(6)).toBe('h2');
    expect(await place(9)).toBe('');
  });

  it('refuses a second filter of a taken name, naming the file; the same file again adds nothing', async () => {
    const c = builtinCatalog();
    await expect(loadPluginFile(fixture('clashing-filter.ts'), c)).rejects.toThrow(
      new InputError(
        fixture('clashing-filter.ts'),
        undefined,
        'name',
        'filter "RamFilter" is already registered',
      ),
    );
    await loadPluginFile(fixture('filter-with-options.ts'), c);
    await loadPluginFile(fixture('filter-with-options.ts'), c);
    expect(c.filters.has('FreeVcpusFilter')).toBe(true);
  });

  it('refuses a plugin filter whose options are not zod schemas, naming the file and the option', async () => {
    await expect(loadPluginFile(fixture('bad-filter-options.ts'), builtinCatalog())).rejects.toThrow(
      new InputError(
        fixture('bad-filter-options.ts'),
        undefined,
        'options',
        'filter "BadOptionsFilter": option "limit" must be a zod schema',
      ),
    );
  });
});
