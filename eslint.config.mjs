import js from '@eslint/js';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/**
 * The layers (ARCHITECTURE.md "Dependencies point one way"): resolvers -> graph/services ->
 * loaders -> cache/upstream -> upstream/http, with errors, config and upstream/limits as leaves
 * everyone may import. Each zone says which folders a layer may not import from; the lint fails on
 * an upward arrow, so the direction stays.
 */
// Groups the zones below are made of, top down.
const ENTRY = ['./src/context.ts', './src/server.ts', './resolvers', './schema'];
const ENGINE = ['./src/graphql', './src/routes'];
const GRAPH = ['./src/graph', './src/services'];
const layerZones = [
  {
    target: './src/upstream',
    from: [
      './src/loaders',
      ...GRAPH,
      ...ENGINE,
      './src/auth',
      './src/cache',
      './src/watch',
      './src/store',
      './src/events',
      ...ENTRY,
      './src/main.ts',
      './src/sandbox',
    ],
    message: 'upstream/ is below every other layer',
  },
  {
    target: './src/upstream/http',
    from: ['cmdb', 'gse', 'job', 'itsm', 'login', 'paas', 'clients.ts'].map((m) => `./src/upstream/${m}`),
    message: 'upstream/http is the machinery under the system clients',
  },
  {
    target: './src/loaders',
    from: [...GRAPH, ...ENGINE, './src/auth', ...ENTRY, './src/sandbox', './src/upstream/http'],
    message: 'loaders take domain keys: no GraphQL, no HTTP timing, nothing above them',
  },
  {
    target: ['./src/cache', './src/watch'],
    from: ['./src/loaders', ...GRAPH, ...ENGINE, './src/auth', ...ENTRY, './src/sandbox'],
    message: 'the cache and its watcher sit under the loaders',
  },
  {
    target: ['./src/store', './src/events'],
    from: [
      './src/upstream',
      './src/loaders',
      ...GRAPH,
      ...ENGINE,
      './src/auth',
      './src/cache',
      './src/watch',
      ...ENTRY,
      './src/sandbox',
    ],
    message: 'the store and the event bus know nothing of BlueKing or GraphQL',
  },
  {
    target: './src/auth',
    from: ['./src/loaders', ...GRAPH, ...ENGINE, './src/cache', './src/store', ...ENTRY],
    message: 'auth only turns what a caller presents into credentials',
  },
  {
    target: GRAPH,
    from: [...ENGINE, ...ENTRY],
    message: 'graph and services are called by resolvers and routes, never the other way',
  },
  {
    target: './src/routes',
    from: ['./src/graph', './src/loaders', './src/server.ts', './resolvers', './schema'],
    message: 'routes call services, not the read graph',
  },
  {
    target: './src/**/!(server|schema-emit).ts',
    from: './resolvers',
    message: 'only the composition root (and the schema emitter) imports resolvers/',
  },
  {
    target: './schema',
    from: ['./src', './resolvers'],
    message: 'schema/ imports only type-graphql and graphql-scalars',
  },
  {
    target: './src/sandbox',
    from: [
      './src/upstream',
      './src/loaders',
      ...GRAPH,
      ...ENGINE,
      './src/auth',
      './src/cache',
      './src/store',
      './src/events',
      ...ENTRY,
    ],
    message: 'the sandbox and the clients meet only over HTTP',
  },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'coverage/**', 'test/__generated__/**', '*.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { prefer: 'type-imports', disallowTypeAnnotations: false },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Named exports only.' },
      ],
    },
  },
  {
    files: ['src/**/*.ts', 'resolvers/**/*.ts', 'schema/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [importX.createNodeResolver({ extensions: ['.ts', '.js'] })] },
    rules: { 'import-x/no-restricted-paths': ['error', { zones: layerZones }] },
  },
  {
    // Below the read graph nothing reads GraphQL documents (src/errors, a leaf, extends GraphQLError).
    files: [
      'src/loaders/**/*.ts',
      'src/upstream/**/*.ts',
      'src/cache/**/*.ts',
      'src/watch/**/*.ts',
      'src/store/**/*.ts',
      'src/events/**/*.ts',
      'src/auth/**/*.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['graphql', 'graphql-jit', 'type-graphql', '@apollo/server'].map((name) => ({
            name,
            message: 'below src/graph/ nothing imports GraphQL: loaders and clients work on domain keys',
          })),
        },
      ],
    },
  },
  {
    // type-graphql resolvers and schema classes need the value import of their decorated types.
    files: ['schema/**/*.ts', 'resolvers/**/*.ts'],
    rules: { '@typescript-eslint/consistent-type-imports': 'off' },
  },
  {
    // Node scripts (.ci/): the globals they use.
    files: ['**/*.mjs'],
    languageOptions: { globals: { URL: 'readonly', console: 'readonly', process: 'readonly' } },
  },
);
