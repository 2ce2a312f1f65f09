// `npm run build`, second step (after tsc): the CLI as CommonJS bundles and their launcher, in dist/cli/.
//
//   dist/cli/seccompctl-<command>.cjs  one per command: src/cli/bin.ts and everything it imports (commander, yaml,
//                                      ...) except the other commands' modules; seccompctl-_.cjs has no command
//                                      module (`--help`, unknown names: main.ts loads none then)
//   dist/cli/bin.js                    the launcher (src/cli/launcher.ts): picks the bundle with route.ts, as main.ts
//                                      will pick the command, and compiles it with V8's code cache
//   dist/cli/package.json              {"type": "commonjs"}: node never starts its ESM loader
//
// Why: start-up of `seccompctl resolve 54` and `--help` (issue 15); docs/cli.md has the measurements. One bundle per
// command, not shared chunks: a process runs exactly one bundle, so every module has one instance, and a run reads
// and deserializes only what its command can reach. The library (dist/index.js and the stages' folders) is still
// tsc's ESM output; tsconfig.build.json leaves src/cli to this step. import.meta.url in a bundled module becomes the
// URL of that module's tsc output (dist/<stage>/<file>.js), so data files, native sources and worker scripts found
// relative to it are found as before.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import process from 'node:process';
import { URL, fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SRC = join(ROOT, 'src');
const DIST = join(ROOT, 'dist');
// --out DIR: build elsewhere (test/cli/built.test.ts); dist/ must still hold tsc's output for the bundle to run.
const outArg = process.argv.indexOf('--out');
const OUT = outArg > 0 ? resolve(process.argv[outArg + 1]) : join(DIST, 'cli');
const fail = (msg) => { process.stderr.write(`build-cli: ${msg}\n`); process.exit(1); };

/** import.meta.url → the URL of the module's own file under dist/ (tsc's output of the same source). */
const importMetaUrl = {
  name: 'import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes('import.meta')) return { contents: text, loader: 'ts' };
      const target = join(DIST, relative(SRC, args.path)).replace(/\.ts$/, '.js');
      if (target.startsWith(join(DIST, 'cli') + '/')) fail(`${relative(ROOT, args.path)}: import.meta in the CLI itself (dist/cli has no per-module files)`);
      // A function the launcher passes in: `require` itself may be shadowed in the module (createRequire).
      const url = `__seccompctlUrl(${JSON.stringify(relative(OUT, target))})`;
      const replaced = text.replaceAll('import.meta.url', url);
      if (replaced.includes('import.meta')) fail(`${relative(ROOT, args.path)}: only import.meta.url can be bundled`);
      return { contents: replaced, loader: 'ts' };
    });
  },
};

const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', charset: 'ascii', write: false, logLevel: 'warning' };

// The command table, evaluated with the command modules left out: each command's name, the modules its load()
// imports (record's also imports agent's), and NEEDS_ALL (completion describes every command: it gets them all).
const INDEX = join(SRC, 'cli/commands/index.ts');
const table = await build({
  ...common,
  supported: { 'dynamic-import': false }, // import('./x.js') → require('./x.js'), which the stub below records
  entryPoints: [INDEX],
  plugins: [{ name: 'table-only', setup(b) { b.onResolve({ filter: /^\.\// }, (a) => (a.kind === 'dynamic-import' ? { path: a.path, external: true } : undefined)); } }],
});
const tableModule = { exports: {} };
let requested = [];
new Function('module', 'exports', 'require', table.outputFiles[0].text)(tableModule, tableModule.exports, (id) => { requested.push(id); return {}; });
const { COMMANDS, NEEDS_ALL } = tableModule.exports;
if (!Array.isArray(COMMANDS) || COMMANDS.length === 0 || !(NEEDS_ALL instanceof Set)) fail('no COMMANDS/NEEDS_ALL in src/cli/commands/index.ts');
const commands = COMMANDS.map((c) => c.name);
/** Bundle key → the command modules it holds (null: all). `_`: none. */
const holds = new Map([['_', new Set()]]);
for (const c of COMMANDS) {
  requested = [];
  await c.load();
  if (requested.length === 0) fail(`${c.name}: load() imports no module`);
  holds.set(c.name, NEEDS_ALL.has(c.name) ? null : new Set(requested));
}

/** Leaves out the command modules a bundle does not hold: importing one throws (main.ts never does, see route.ts). */
const onlyCommands = (held) => ({
  name: 'only-commands',
  setup(b) {
    b.onResolve({ filter: /^\.\// }, (a) => {
      if (held === null || a.kind !== 'dynamic-import' || a.importer !== INDEX || held.has(a.path)) return undefined;
      return { path: a.path, namespace: 'not-in-bundle' };
    });
    b.onLoad({ filter: /.*/, namespace: 'not-in-bundle' }, (a) => ({
      contents: `throw new Error(${JSON.stringify(`${a.path} is not in this bundle of the CLI (scripts/build-cli.mjs, src/cli/route.ts)`)});`,
      loader: 'js',
    }));
  },
});

const bundles = new Map();
const hash = createHash('sha256');
for (const [key, held] of holds) {
  const main = await build({
    ...common,
    entryPoints: [join(SRC, 'cli/bin.ts')],
    outfile: join(OUT, `seccompctl-${key}.cjs`),
    // Minified: comments, indentation and long names are half the text node must read and V8 must keep per run
    // (measured: about 4% of `--help`'s CPU time). Stack traces name minified functions: debug from source
    // (`node --import tsx src/cli/bin.ts`).
    minify: true,
    plugins: [importMetaUrl, onlyCommands(held)],
    metafile: true,
  });
  // The launcher wraps the bundle in a function, so no #! line (an empty line keeps line numbers); it reads it as
  // latin1, so ASCII only.
  const text = main.outputFiles[0].text.replace(/^#!.*\n/, '\n');
  if (/[^\x00-\x7f]/.test(text)) fail(`seccompctl-${key}.cjs is not ASCII`);
  // A dynamic import() left in the bundle would need an ESM loader the launcher does not give the script.
  if (/\bimport\(/.test(text.replace(/(["'`])(?:\\.|(?!\1)[^\\])*\1/g, ''))) fail(`seccompctl-${key}.cjs still has a dynamic import()`);
  for (const dep of outArg > 0 ? [] : Object.keys(main.metafile.inputs)) {
    if (dep.startsWith('src/') && !dep.startsWith('src/cli/')) {
      const js = join(DIST, dep.slice(4)).replace(/\.ts$/, '.js');
      if (!existsSync(js)) fail(`${relative(ROOT, js)} is missing: run tsc -p tsconfig.build.json first`);
    }
  }
  bundles.set(`seccompctl-${key}.cjs`, text);
  hash.update(key).update(text);
}

// The cache key: V8 only compares the source's length, so the hash covers every byte of the compiled scripts.
const launcherSource = readFileSync(join(SRC, 'cli/launcher.ts'), 'utf8') + readFileSync(join(SRC, 'cli/route.ts'), 'utf8');
const digest = hash.update(launcherSource).digest('hex').slice(0, 16);
const launcher = await build({
  ...common,
  entryPoints: [join(SRC, 'cli/launcher.ts')],
  outfile: join(OUT, 'bin.js'),
  banner: { js: '#!/usr/bin/env node' },
  define: {
    SECCOMPCTL_BUNDLE_HASH: JSON.stringify(digest),
    SECCOMPCTL_COMMANDS: JSON.stringify(commands),
  },
});

rmSync(OUT, { recursive: true, force: true }); // tsc's output of src/cli from older builds, older bundles
mkdirSync(OUT, { recursive: true });
writeFileSync(join(OUT, 'package.json'), '{ "type": "commonjs" }\n');
let total = 0;
for (const [name, text] of bundles) {
  writeFileSync(join(OUT, name), text);
  total += text.length;
}
writeFileSync(join(OUT, 'bin.js'), launcher.outputFiles[0].text);
chmodSync(join(OUT, 'bin.js'), 0o755);
const shown = relative(ROOT, OUT);
const kib = (n) => `${(n / 1024).toFixed(0)} KiB`;
process.stdout.write(`build-cli: ${shown}/bin.js and ${bundles.size} bundles (${digest}), ${kib(total)} in all: ` +
  [...bundles].map(([n, t]) => `${n.slice(11, -4)} ${kib(t.length)}`).join(', ') + '\n');
