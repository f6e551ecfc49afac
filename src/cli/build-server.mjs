// The server as compiled JavaScript (dist/server/), which `npm start` runs (src/start.mjs): run
// through tsx, every start paid ~0.8 s and ~80 MiB for tsx and its transpiled copies of the
// modules (BENCHMARKS.md, "Start and memory"). esbuild (the compiler tsx itself uses) bundles
// src/server.ts, the modules of src/ it imports and most packages (EXTERNAL below: those that
// stay in node_modules, loaded by Node as they are). Chunks are split at dynamic imports, so what
// only a lazily imported module needs (OpenTelemetry, the schema engine) is loaded only when that
// module is.
//
// dist/server/ is two levels below the root, as src/<dir>/ is, so the `new URL('../../…',
// import.meta.url)` of the sources (the page, the migrations, the dataset) find the same files.
//
// dist/server/build.json lists every input of src/ with its mtime and size, and npm's record of
// what node_modules holds (the packages bundled change only with it): a start whose inputs all match
// runs the build, any other start builds first (`isStale`, ~1 ms). `node src/cli/build-server.mjs`
// builds unconditionally (postinstall).
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const OUT_DIR = join(ROOT, 'dist', 'server');
export const ENTRY = join(OUT_DIR, 'server.mjs');
const MANIFEST = join(OUT_DIR, 'build.json');
/**
 * Packages left in node_modules, loaded by Node as they are:
 * - PGlite (its wasm, its file-system bundle and extensions, read beside its modules) and the
 *   schema engine (its wasm). Prisma's runtime is bundled: as a CommonJS package imported from an
 *   ES module, Node lexed its 280 kB for their export names (cjs-module-lexer) and compiled it once
 *   more to tell its format, 30-40 ms of every start; its query compiler's wasm is read from beside
 *   the bundle (queryCompilerFromFile, below);
 * - pino (its transports run worker files found beside it) and ioredis (reads its package.json
 *   beside it for the client name it gives Redis);
 * - GraphiQL's page (5 MB of strings, read only when /graphiql is asked for) and OpenTelemetry
 *   (only with OTEL_EXPORTER_OTLP_ENDPOINT): no reason to parse them with the server;
 * - pg's optional native binding, which is not installed.
 */
const EXTERNAL = [
  '@electric-sql/pglite', '@electric-sql/pglite/*',
  '@prisma/schema-engine-wasm', '@prisma/schema-engine-wasm/*',
  'pino', 'ioredis',
  '@graphql-yoga/render-graphiql', '@opentelemetry/*',
  'pg-native',
];
/**
 * what shapes the output besides the sources esbuild reports: this script, the compiler settings,
 * the installed packages and the patches applied to them (pg's is bundled)
 */
const settings = () => [
  fileURLToPath(import.meta.url), join(ROOT, 'tsconfig.json'), join(ROOT, 'package.json'), join(ROOT, 'node_modules/.package-lock.json'),
  ...readdirSync(join(ROOT, 'patches')).filter((f) => f.endsWith('.patch')).map((f) => join(ROOT, 'patches', f)),
];

const fingerprint = (path) => {
  try {
    const s = statSync(path);
    return `${s.mtimeMs}:${s.size}`;
  } catch {
    return 'missing';
  }
};

/** Why the build in dist/server must be rebuilt before it runs, or null when it is current. */
export function isStale() {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(MANIFEST, 'utf8'));
  } catch {
    return 'no build';
  }
  for (const [file, print] of Object.entries(manifest.inputs ?? {})) {
    if (fingerprint(join(ROOT, file)) !== print) return `${file} changed`;
  }
  for (const file of manifest.outputs ?? []) {
    if (fingerprint(join(OUT_DIR, file)) === 'missing') return `${file} missing`;
  }
  return null;
}

/**
 * Prisma's query compiler as the generated client imports it on its first query: a 4.5 MB ES
 * module holding one base64 string (`export { wasm }`), which node parsed on every start (~0.1 s
 * of the main thread) and whose source text then stayed in memory beside the string. The build
 * writes the wasm itself beside the bundle and gives the bundle a module that reads it into the
 * same base64 string (a few ms): the generated client decodes it as before.
 */
const QUERY_COMPILER_BASE64 = '@prisma/client/runtime/query_compiler_fast_bg.postgresql.wasm-base64.mjs';
export const QUERY_COMPILER_WASM = 'query_compiler_fast_bg.postgresql.wasm';
const queryCompilerFromFile = {
  name: 'query-compiler-from-file',
  setup(build) {
    build.onResolve({ filter: /^@prisma\/client\/runtime\/query_compiler_fast_bg\.postgresql\.wasm-base64\.mjs$/ }, () => ({ path: QUERY_COMPILER_WASM, namespace: 'meibo-query-compiler' }));
    build.onLoad({ filter: /.*/, namespace: 'meibo-query-compiler' }, () => ({
      loader: 'js',
      resolveDir: ROOT,
      contents: `import { readFileSync } from 'node:fs';\nexport const wasm = readFileSync(new URL(${JSON.stringify(`./${QUERY_COMPILER_WASM}`)}, import.meta.url), 'base64');\n`,
    }));
  },
};

/**
 * One graphql-js in the build, its ES modules. graphql 16 has no `exports` map, so a deep import
 * (`graphql/language/parser`, as graphql-armor's token limit imports its Parser; graphql-jit's
 * `graphql/execution/execute.js`) resolved to the CommonJS file, and the build held a second copy
 * of graphql-js's parser, lexer and errors beside the first (122 kB loaded at every start): every
 * document was parsed by that copy, and its GraphQLError was another class than the one the rest
 * of the server checks errors against. Each deep import now resolves to the ES module of the same
 * path; tests/build.test.ts checks that the build has one copy.
 */
const graphqlAsModules = {
  name: 'graphql-as-es-modules',
  setup(build) {
    const root = join(ROOT, 'node_modules', 'graphql');
    build.onResolve({ filter: /^graphql\/./ }, (args) => {
      const path = args.path.slice('graphql/'.length).replace(/\.m?js$/, '');
      for (const file of [join(root, `${path}.mjs`), join(root, path, 'index.mjs')]) if (existsSync(file)) return { path: file };
      return undefined;
    });
  },
};

/**
 * Builds dist/server. The new chunks are written beside the old ones (their names carry their
 * content's hash), the entry and the manifest last, each by a rename: a server already running
 * from the previous build still finds the chunks it imports lazily, and a start that runs
 * meanwhile sees either build whole. `prune` removes files of earlier builds (at install, when
 * no server runs from this checkout's dist).
 */
export async function buildServer({ prune = false } = {}) {
  const { build } = await import('esbuild');
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: { server: 'src/server.ts' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Packages are bundled too (Node then reads a few files instead of ~400: ~0.3 s of each start),
    // except those that find files beside their own modules, or are loaded only when asked for.
    external: EXTERNAL,
    // CommonJS packages inside an ES module: their `require` of Node's built-ins
    banner: { js: "import { createRequire as __meiboCreateRequire } from 'node:module';\nconst require = __meiboCreateRequire(import.meta.url);" },
    splitting: true,
    outdir: OUT_DIR,
    outExtension: { '.js': '.mjs' },
    chunkNames: '[name]-[hash]',
    entryNames: '[name]',
    // ES module builds of the packages first (graphql-js's `module`, not its CommonJS `main`):
    // esbuild links them directly, where a CommonJS package is reached through getters on every
    // call. Measured, uncached members question: +10-20 % CPU per request with `main` first.
    mainFields: ['module', 'main'],
    // No keepNames: it wraps every function the bundled packages create, per request too, in a
    // call that names it (+25-35 % CPU per request). meibo's errors carry their names explicitly.
    sourcemap: 'linked',
    metafile: true,
    plugins: [queryCompilerFromFile, graphqlAsModules],
    write: false,
    logLevel: 'warning',
  });
  mkdirSync(OUT_DIR, { recursive: true });
  const entryFiles = new Set([ENTRY, `${ENTRY}.map`]);
  const written = [];
  const place = (path, contents) => {
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, contents);
    renameSync(temporary, path);
    written.push(relative(OUT_DIR, path));
  };
  const { wasm } = await import(QUERY_COMPILER_BASE64);
  place(join(OUT_DIR, QUERY_COMPILER_WASM), Buffer.from(wasm, 'base64'));
  for (const file of result.outputFiles) if (!entryFiles.has(file.path)) place(file.path, file.contents);
  for (const file of result.outputFiles) if (entryFiles.has(file.path)) place(file.path, file.contents);
  const inputs = {};
  // The bundled packages' ~900 files are not listed one by one (stat-ing them cost each start
  // ~40 ms): npm rewrites node_modules/.package-lock.json whenever it installs or removes any.
  const sources = Object.keys(result.metafile.inputs).filter((f) => !f.split('/').includes('node_modules'));
  for (const file of [...sources.map((f) => join(ROOT, f)), ...settings()]) {
    inputs[relative(ROOT, file)] = fingerprint(file);
  }
  place(MANIFEST, JSON.stringify({ inputs, outputs: written }, null, 1));
  if (prune) {
    const keep = new Set([...written, 'build.json']);
    for (const name of readdirSync(OUT_DIR)) if (!keep.has(name)) rmSync(join(OUT_DIR, name), { force: true });
  }
}

/** Rebuilds dist/server when stale; true when it did. */
export async function ensureServerBuild() {
  const reason = isStale();
  if (!reason) return false;
  const started = performance.now();
  await buildServer();
  // a log line like the server's own (src/log.ts: pino, level 30 = info)
  const msg = `built dist/server (${reason}) in ${Math.round(performance.now() - started)} ms`;
  process.stdout.write(`${JSON.stringify({ level: 30, time: new Date().toISOString(), service: 'meibo', msg })}\n`);
  return true;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await buildServer({ prune: true });
}
