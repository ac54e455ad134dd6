// The layering rules (`npm run deps`, run by .ci/run after lint). Layers, low to high: common,
// cluster, scheduler (the manager and the driver contract), framework (filters, weighers, pipeline),
// strategies, catalog, config/replay/metrics/report/pool, cli. See docs/architecture.md.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import cycle: modules that cannot be read, tested or moved on their own.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'scheduler-and-cluster-know-no-strategy',
      severity: 'error',
      comment: 'The manager and the cluster model run any strategy: they import none, nor the framework.',
      from: { path: '^src/(scheduler|cluster)/' },
      to: { path: ['^strategies/', '^src/framework/', '^src/catalog/'] },
    },
    {
      name: 'framework-knows-no-strategy',
      severity: 'error',
      comment: 'Strategies are built on the framework, not the other way round.',
      from: { path: '^src/framework/' },
      to: { path: ['^strategies/', '^src/catalog/'] },
    },
    {
      name: 'nothing-below-imports-the-cli',
      severity: 'error',
      comment: 'The CLI is the top layer: nothing else imports it.',
      from: { path: '^(src|strategies|examples)/', pathNot: '^src/cli/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that resolves to no file.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|reports|test/nova/fixtures)' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.mts', '.js', '.mjs', '.cjs', '.json'],
    },
  },
};
