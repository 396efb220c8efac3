// Dependency rules checked in CI (`npm run deps:check`): no import cycles between files, and no
// cycles between folders (a folder that imports another may not be imported back by it, directly
// or round a longer loop). Type-only imports count: they couple the code the same way.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-file-cycle',
      comment: 'Files import each other in a circle.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-folder-cycle',
      comment: 'Folders depend on each other in a circle; move the shared part down a layer.',
      severity: 'error',
      scope: 'folder',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      conditionNames: ['@smart-openehr/source', 'import', 'require', 'node', 'default', 'types'],
    },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['/dist/', '\\.spec\\.ts$'] },
  },
};
