import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'out/**', 'renderer/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['renderer/src/**/*.{ts,tsx}', 'preload/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
  // The layers stay apart (docs/architecture.md): the pages never reach into the main process,
  // the tracking server never into Electron, and the domain never into its transports.
  {
    files: ['renderer/src/**/*.{ts,tsx}', 'preload/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/main/**'], message: 'The renderer talks to the server over HTTP/WebSocket and to Electron through the preload; share types through shared/.' }] }],
    },
  },
  {
    files: ['main/server/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The tracking server runs headless too: never import electron here.' }],
          patterns: [
            { group: ['**/electron/**', '**/renderer/**', '**/demo/**', '**/cli/**'], message: 'The tracking server is a library: the shells (Electron, CLI, demo) use it, not the other way round.' },
          ],
        },
      ],
    },
  },
  {
    files: ['main/server/{ingest,trips,crash,devices,shares,notify,store,auth,events,tls}/**/*.ts', 'main/server/*.ts'],
    ignores: ['main/server/index.ts', 'main/server/context.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The tracking server runs headless too: never import electron here.' }],
          patterns: [
            { group: ['**/http/**', '**/ws/**', 'fastify', 'ws'], message: 'Domain code knows nothing of its transports: throw DomainError (main/server/errors.ts); http/ and ws/ map it.' },
            { group: ['**/electron/**', '**/renderer/**', '**/demo/**', '**/cli/**'], message: 'The tracking server is a library: the shells (Electron, CLI, demo) use it, not the other way round.' },
          ],
        },
      ],
    },
  },
  {
    // Domain services get their stores from store/storage.ts and never hold the database.
    files: ['main/server/{ingest,trips,crash,devices,shares,notify,auth,tls}/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'The tracking server runs headless too: never import electron here.' },
            { name: 'better-sqlite3', message: 'SQL lives in store/: take the stores you need from Storage (store/storage.ts).' },
          ],
          patterns: [
            { group: ['**/http/**', '**/ws/**', 'fastify', 'ws'], message: 'Domain code knows nothing of its transports: throw DomainError (main/server/errors.ts); http/ and ws/ map it.' },
            { group: ['**/electron/**', '**/renderer/**', '**/demo/**', '**/cli/**'], message: 'The tracking server is a library: the shells (Electron, CLI, demo) use it, not the other way round.' },
            { group: ['**/store/database'], message: 'SQL lives in store/: take the stores you need from Storage (store/storage.ts), and atomically() for a transaction.' },
          ],
        },
      ],
    },
  },
  {
    // Tests handle arbitrary JSON from the wire.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Without a message, a failing assert.ok re-reads the test's source to quote the expression;
      // with tsx's compiled positions that parse can run for minutes (it stalled a CI run 11 minutes
      // and timed out the rest of its suite), so the real failure never shows.
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name='assert'][callee.property.name='ok'][arguments.length<2], CallExpression[callee.name='assert'][arguments.length<2]",
          message: 'Give assert.ok / assert() a message (the second argument): without one Node re-parses the source, which can take minutes under tsx.',
        },
      ],
    },
  },
);
