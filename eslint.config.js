import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

const restrict = (patterns) => ({
  'no-restricted-imports': ['error', { patterns }],
});

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
    files: ['**/*.js', '**/*.mjs'],
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
  {
    files: ['libs/auth-server/**/*.ts'],
    ignores: ['libs/auth-server/src/provider/**'],
    rules: restrict([
      {
        group: ['oidc-provider'],
        message: 'only libs/auth-server/src/provider/ imports oidc-provider',
      },
    ]),
  },
  // Storage boundary. Flat config replaces (does not merge) the options of a rule set by two
  // blocks, so where this block applies it repeats the oidc-provider pattern of the block above.
  {
    files: ['libs/auth-server/src/**/*.ts'],
    ignores: [
      'libs/auth-server/src/persistence/**',
      'libs/auth-server/src/provider/**',
      '**/*.spec.ts',
    ],
    rules: restrict([
      {
        group: ['oidc-provider'],
        message: 'only libs/auth-server/src/provider/ imports oidc-provider',
      },
      {
        group: ['typeorm', 'typeorm/*', '@nestjs/typeorm'],
        message: 'storage goes through persistence/ repositories',
      },
    ]),
  },
  {
    files: ['libs/auth-server/src/provider/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: restrict([
      {
        group: ['typeorm', 'typeorm/*', '@nestjs/typeorm'],
        message: 'storage goes through persistence/ repositories',
      },
    ]),
  },
);
