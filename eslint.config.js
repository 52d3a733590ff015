import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/**
 * The workspaces' import boundaries: every contract that crosses a part lives in @netspotter/shared,
 * so shipped code imports only shared (and the native engine where it runs packets). Each entry names
 * the parts a workspace's code must not import, by package name or by a relative path into them.
 */
const forbidden = (...parts) => ({
  paths: [],
  patterns: [
    {
      group: parts.flatMap((p) => [
        `@netspotter/${p}`,
        `@netspotter/${p}/*`,
        `**/${p}/src/**`,
        `**/${p}/bin/**`,
      ]),
      message: 'workspaces share contracts through @netspotter/shared only (see eslint.config.js)',
    },
  ],
});
const boundaries = [
  { files: ['shared/src/**'], parts: ['server', 'agent', 'gui', 'native'] },
  { files: ['native/src/**'], parts: ['server', 'agent', 'gui'] },
  { files: ['agent/src/**', 'agent/bin/**'], parts: ['server', 'gui'] },
  { files: ['gui/src/**'], parts: ['server', 'agent', 'native'] },
  { files: ['server/src/**'], parts: ['agent', 'gui'] },
].map(({ files, parts }) => {
  const any = parts.join('|');
  return {
    files,
    rules: {
      'no-restricted-imports': ['error', forbidden(...parts)],
      // import() too: a lazily loaded module is still an arrow in the import graph.
      'no-restricted-syntax': [
        'error',
        {
          selector: `ImportExpression[source.value=/^@netspotter\\/(${any})|\\/(${any})\\/(src|bin)\\//]`,
          message: 'workspaces share contracts through @netspotter/shared only (see eslint.config.js)',
        },
      ],
    },
  };
});

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/generated/**', 'data/**', 'native/build/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { languageOptions: { globals: { ...globals.node } } },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  ...boundaries,
);
