import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The package's own names resolve to its sources here (installed: to dist/).
  resolve: {
    alias: {
      'schedbench/plugin': fileURLToPath(new URL('./strategies/plugin/index.ts', import.meta.url)),
    },
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
