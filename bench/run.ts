// `npm run bench`: every bench/*.bench.ts, in name order. Each exports `run()`.
import { readdirSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const dir = new URL('./', import.meta.url);
for (const file of readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .sort()) {
  const mod = (await import(pathToFileURL(new URL(file, dir).pathname).href)) as { run(): Promise<void> };
  await mod.run();
}
