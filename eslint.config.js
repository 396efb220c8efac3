import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

const restrict = (patterns) => ({
  'no-restricted-imports': ['error', { patterns }],
});

const ENGINE_ONLY_IN_PROVIDER = {
  group: ['oidc-provider'],
  message: 'only libs/auth-server/src/provider/ imports oidc-provider',
};
const HOST_ONLY_IN_PROVIDER = {
  // The engine instance stays in provider/: other folders use the ports in provider/ports/.
  group: ['**/provider/provider-host.service*'],
  message:
    'reach the engine through the ports in provider/ports/ (the module and the mount use provider/engine.providers.ts)',
};
const STORAGE_ONLY_IN_PERSISTENCE = {
  group: ['typeorm', 'typeorm/*', '@nestjs/typeorm'],
  message: 'storage goes through persistence/ repositories',
};

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'libs/*/dist/**',
      'test/hosts/**/node_modules/**',
      'node_modules/**',
      '.cache/**',
      'coverage/**',
      'data/**',
      'bench/results/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      curly: ['error', 'multi-line'],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      parserOptions: { projectService: false, project: null },
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        URLSearchParams: 'readonly',
        Buffer: 'readonly',
        fetch: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        AbortSignal: 'readonly',
        performance: 'readonly',
        structuredClone: 'readonly',
        TextEncoder: 'readonly',
        Response: 'readonly',
        Headers: 'readonly',
        module: 'writable',
      },
    },
  },
  {
    // The outside-host fixtures compile against the packed packages in their own temp folders
    // (test/hosts/outside-hosts.e2e-spec.ts type-checks them strictly there), not against this repo.
    files: ['test/hosts/*/src/**/*.ts'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { parserOptions: { projectService: false, project: null } },
  },
  {
    files: ['test/**/*.ts', '**/*.spec.ts', '**/*.e2e-spec.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  prettier,
  {
    files: ['libs/smart-scopes/**/*.ts'],
    rules: restrict([
      {
        group: [
          '@nestjs/*',
          'typeorm',
          'oidc-provider',
          'node:*',
          '@smart-openehr/auth-server',
          '@smart-openehr/resource-server',
          '**/auth-server/**',
          '**/resource-server/**',
        ],
        message: 'smart-scopes is pure TypeScript: no Nest, no I/O, no dependencies',
      },
    ]),
  },
  {
    files: ['libs/resource-server/**/*.ts'],
    rules: restrict([
      {
        group: [
          '@smart-openehr/auth-server',
          '**/auth-server/**',
          'typeorm',
          '@nestjs/typeorm',
          'oidc-provider',
        ],
        message: 'resource-server must not import the auth server, TypeORM or oidc-provider',
      },
    ]),
  },
  {
    // Optional peers are loaded on demand (common/optional-module.loader.ts); only types are imported.
    files: ['libs/auth-server/src/**/*.ts'],
    ignores: ['**/*.spec.ts', 'libs/auth-server/src/admin/openapi.decorators.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@nestjs/swagger',
              allowTypeImports: true,
              message: 'an optional peer: import the decorators from admin/openapi.decorators.ts',
            },
            {
              name: 'pg',
              allowTypeImports: true,
              message: 'an optional peer: load it with loadPeerModule when PostgreSQL is in use',
            },
          ],
        },
      ],
    },
  },
  // The auth server's seams. Flat config replaces (does not merge) a rule's options when two
  // blocks set it on one file, so each folder gets one block listing all the patterns it needs.
  {
    files: ['libs/auth-server/src/**/*.ts'],
    ignores: [
      'libs/auth-server/src/provider/**',
      'libs/auth-server/src/persistence/**',
      '**/*.spec.ts',
    ],
    rules: restrict([ENGINE_ONLY_IN_PROVIDER, HOST_ONLY_IN_PROVIDER, STORAGE_ONLY_IN_PERSISTENCE]),
  },
  {
    files: ['libs/auth-server/src/persistence/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: restrict([ENGINE_ONLY_IN_PROVIDER, HOST_ONLY_IN_PROVIDER]),
  },
  {
    files: ['libs/auth-server/src/provider/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: restrict([STORAGE_ONLY_IN_PERSISTENCE]),
  },
  {
    files: ['libs/auth-server/src/**/*.spec.ts'],
    ignores: ['libs/auth-server/src/provider/**'],
    rules: restrict([ENGINE_ONLY_IN_PROVIDER]),
  },
);
