import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { childEnv, PACKAGE_NAMES, REPO_ROOT, run } from './outside-host.js';

/** Where each package lives in the workspace. */
const DIRS: Record<string, string> = {
  '@smart-openehr/scopes': 'libs/smart-scopes',
  '@smart-openehr/resource-server': 'libs/resource-server',
  '@smart-openehr/auth-server': 'libs/auth-server',
};

/** Bare module specifiers a package's shipped JS may import at run time (besides node:*). */
const RUNTIME_IMPORTS: Record<string, RegExp> = {
  '@smart-openehr/scopes': /^$/,
  '@smart-openehr/resource-server':
    /^(@nestjs\/(common|core)|@smart-openehr\/scopes|jose|passport-jwt|express)(\/.*)?$/,
  '@smart-openehr/auth-server':
    /^(@nestjs\/(common|core|typeorm)|@smart-openehr\/scopes|typeorm|jose|oidc-provider|openid-client|class-validator|class-transformer|prom-client|rxjs|@opentelemetry\/api)$/,
};

interface PackedFile {
  path: string;
}

/** Bare specifiers of static imports and re-exports, side-effect imports and dynamic imports. */
const specifiers = (js: string): string[] =>
  [
    ...js.matchAll(
      /(?:^|\n)\s*(?:import|export)\b[^'"]*?\bfrom\s+['"]([^'"]+)['"]|(?:^|\n)\s*import\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g,
    ),
  ]
    .map((m) => m[1] ?? m[2] ?? m[3])
    .filter((s) => !s.startsWith('.') && !s.startsWith('node:'));

describe('the packed packages', () => {
  const packed = new Map<string, string[]>();

  beforeAll(async () => {
    const build = await run('npm', ['run', 'build'], { cwd: REPO_ROOT, env: childEnv() });
    expect(build.code).toBe(0);
    for (const name of PACKAGE_NAMES) {
      const res = await run(
        'npm',
        ['pack', '--dry-run', '--json', '--ignore-scripts', '-w', name],
        {
          cwd: REPO_ROOT,
          env: childEnv(),
        },
      );
      expect(res.code).toBe(0);
      const [info] = JSON.parse(res.output.slice(res.output.indexOf('['))) as {
        files: PackedFile[];
      }[];
      packed.set(
        name,
        info.files.map((f) => f.path),
      );
    }
  }, 300_000);

  describe.each(PACKAGE_NAMES.map((name) => [name]))('%s', (name) => {
    const dir = DIRS[name];
    const manifest = () =>
      JSON.parse(readFileSync(join(REPO_ROOT, dir, 'package.json'), 'utf8')) as Record<string, any>;

    it('ships compiled JS, .d.ts and source maps with README, LICENSE and CHANGELOG, never sources or tests', () => {
      const files = packed.get(name)!;
      const stray = files.filter(
        (f) =>
          !['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md'].includes(f) &&
          !/^dist\/.+\.(js|d\.ts|js\.map)$/.test(f),
      );
      expect(stray).toEqual([]);
      expect(files.filter((f) => /\.spec\.|\.e2e-spec\./.test(f))).toEqual([]);
      expect(files).toEqual(
        expect.arrayContaining([
          'dist/index.js',
          'dist/index.d.ts',
          'README.md',
          'LICENSE',
          'CHANGELOG.md',
        ]),
      );
    });

    it('declares what a host resolves: exports with types and import, main and types beside them, engines', () => {
      const pkg = manifest();
      expect(pkg.name).toBe(name);
      expect(pkg.version).toMatch(/^0\.\d+\.\d+$/);
      expect(pkg.type).toBe('module');
      expect(pkg.exports['.']).toMatchObject({
        types: './dist/index.d.ts',
        import: './dist/index.js',
      });
      expect(pkg).toMatchObject({ main: './dist/index.js', types: './dist/index.d.ts' });
      expect(pkg.engines.node).toBe('>=22.12');
      for (const peer of ['@nestjs/common', '@nestjs/core'].filter(
        (p) => pkg.peerDependencies?.[p],
      )) {
        expect(pkg.peerDependencies[peer]).toMatch(/\^11\.0\.0 \|\| \^12\.0\.0/);
      }
      const scopes = pkg.dependencies?.['@smart-openehr/scopes'];
      if (scopes) expect(scopes).toBe(`^${readVersion('@smart-openehr/scopes')}`);
    });

    it('imports at run time only what it declares (optional peers are loaded on demand)', () => {
      const allowed = RUNTIME_IMPORTS[name];
      const offending = packed
        .get(name)!
        .filter((f) => f.endsWith('.js'))
        .flatMap((f) =>
          specifiers(readFileSync(join(REPO_ROOT, dir, f), 'utf8'))
            .filter((s) => !allowed.test(s))
            .map((s) => `${f}: ${s}`),
        );
      expect(offending).toEqual([]);
    });
  });
});

function readVersion(name: string): string {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, DIRS[name], 'package.json'), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}
