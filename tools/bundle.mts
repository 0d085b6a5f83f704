// Bundles what `nest build` wrote into two self-contained ES modules for Lambda and containers:
// dist/bundle/main.mjs (the server, as dist/main.js) and dist/bundle/lambda.mjs (`handler` and
// `worker`), with the files they read at run time beside them. Run by `npm run bundle`.
import { build, type BuildOptions, type Plugin } from 'esbuild';
import { cpSync, existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';

const root = resolve(import.meta.dirname, '..');
const dist = join(root, 'dist');

/**
 * Nest 12's packages call `createRequire(import.meta.url)`, so the bundle is ESM; code bundled from
 * CommonJS still expects `require`, `__filename` and `__dirname`: the banner defines them from the
 * bundle's own location, so `__dirname` is dist/bundle for every module in it.
 */
const BANNER = [
  "import { createRequire as __bundleRequire } from 'node:module';",
  "import { fileURLToPath as __bundlePath } from 'node:url';",
  "import { dirname as __bundleDir } from 'node:path';",
  'const require = __bundleRequire(import.meta.url);',
  'const __filename = __bundlePath(import.meta.url);',
  'const __dirname = __bundleDir(__filename);',
].join(' ');

/** Loaded by Nest only when installed, or native: not part of the bundle. */
const EXTERNAL = [
  '@nestjs/microservices',
  '@nestjs/microservices/*',
  '@nestjs/websockets',
  '@nestjs/websockets/*',
  '@nestjs/platform-express',
  '@fastify/multipart',
  '@fastify/view',
  '@css-inline/*',
];

/**
 * Swagger UI's assets are found through swagger-ui-dist's own location, with a `require` that
 * @nestjs/swagger makes from its `import.meta.url` (so esbuild cannot see it): point it at the copy
 * beside the bundle instead.
 */
const swaggerUiAssets: Plugin = {
  name: 'swagger-ui-assets',
  setup(builder) {
    builder.onLoad(
      { filter: /@nestjs[\\/]swagger[\\/]dist[\\/]swagger-ui[\\/]swagger-ui\.js$/ },
      ({ path }) => {
        const source = readFileSync(path, 'utf8');
        const call = "require('swagger-ui-dist/absolute-path.js')()";
        if (!source.includes(call)) throw new Error(`${path} no longer finds Swagger UI with ${call}`);
        return {
          contents: source.replace(call, "require('node:path').join(__dirname, 'swagger-ui')"),
          loader: 'js',
        };
      },
    );
  },
};

/** Copies the run-time files: mail templates, demo pages, Swagger UI's assets (no source maps). */
function copyAssets(out: string): void {
  cpSync(join(dist, 'templates'), join(out, 'templates'), { recursive: true });
  if (existsSync(join(dist, 'demo', 'public'))) {
    cpSync(join(dist, 'demo', 'public'), join(out, 'public'), { recursive: true });
  }
  // The native CSS inliner stays a package: it and the binary of this platform go beside the bundle
  // (build on linux-x64 for Lambda's x86_64; deploy/template.yaml says so).
  const cssInline = join(root, 'node_modules', '@css-inline');
  cpSync(cssInline, join(out, 'node_modules', '@css-inline'), { recursive: true, dereference: true });
  const swaggerUi = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  cpSync(swaggerUi, join(out, 'swagger-ui'), {
    recursive: true,
    filter: (source) => !/\.(map|md)$|package\.json$|es-bundle/.test(source),
  });
}

/** Writes the bundles into `out` (dist/bundle by default; the e2e tests use a folder of their own). */
export async function bundle(out = join(dist, 'bundle')): Promise<{ file: string; bytes: number }[]> {
  for (const entry of ['main.js', 'lambda.js']) {
    if (!existsSync(join(dist, entry))) throw new Error(`dist/${entry} is missing: run nest build first`);
  }
  rmSync(out, { recursive: true, force: true });
  const common: BuildOptions = {
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    banner: { js: BANNER },
    external: EXTERNAL,
    plugins: [swaggerUiAssets],
    // Class names stay as written: Swagger's schema names and the log contexts use them.
    keepNames: true,
    legalComments: 'none',
    logLevel: 'warning',
    absWorkingDir: root,
  };
  await build({ ...common, entryPoints: [join(dist, 'main.js')], outfile: join(out, 'main.mjs') });
  // dist/lambda.js is CommonJS: re-exported by name, or the bundle would only have a default export.
  await build({
    ...common,
    stdin: { contents: "export { handler, worker } from './lambda.js';", resolveDir: dist, loader: 'js' },
    outfile: join(out, 'lambda.mjs'),
  });
  copyAssets(out);
  return ['main.mjs', 'lambda.mjs'].map((file) => ({ file, bytes: statSync(join(out, file)).size }));
}

if (import.meta.filename === resolve(process.argv[1] ?? '')) {
  const [flag, dir] = process.argv.slice(2);
  const out = flag === '--out' && dir ? resolve(dir) : join(dist, 'bundle');
  for (const { file, bytes } of await bundle(out)) {
    process.stdout.write(`${join(out, file)}  ${(bytes / 1024 / 1024).toFixed(1)} MiB\n`);
  }
}
