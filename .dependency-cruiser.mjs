/**
 * `npm run lint`'s import cycle check. import-x/no-cycle in ESLint cannot count imports of
 * types, which TypeScript drops; a cycle through them still ties the modules together.
 */
export default {
  forbidden: [
    {
      name: 'no-cycle',
      comment: 'No module may import itself through others, not even for a type: layers import downwards only.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
  },
};
