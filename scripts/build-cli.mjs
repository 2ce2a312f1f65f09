// `npm run build`, second step (after tsc): the CLI as one CommonJS bundle and its launcher, in dist/cli/.
//
//   dist/cli/seccompctl.cjs  every module the CLI runs (src/cli/bin.ts and what it imports, commander, yaml, ...),
//                            bundled by esbuild; command modules still initialise only when their command runs
//   dist/cli/bin.js          the launcher (src/cli/launcher.ts): compiles the bundle with V8's code cache
//   dist/cli/package.json    {"type": "commonjs"}: both are CommonJS, so node never starts its ESM loader
//
// Why: start-up of `seccompctl resolve 54` and `--help` (issue 15); docs/cli.md has the measurements. The library
// (dist/index.js and the stages' folders) is still tsc's ESM output; tsconfig.build.json leaves src/cli to this step.
// import.meta.url in a bundled module becomes the URL of that module's tsc output (dist/<stage>/<file>.js), so data
// files, native sources and worker scripts found relative to it are found as before.
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
const BUNDLE = 'seccompctl.cjs';
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

// The command names, from the table itself (the command modules are left out: only the table is evaluated).
const table = await build({
  ...common,
  entryPoints: [join(SRC, 'cli/commands/index.ts')],
  plugins: [{ name: 'table-only', setup(b) { b.onResolve({ filter: /^\.\// }, (a) => (a.kind === 'dynamic-import' ? { path: a.path, external: true } : undefined)); } }],
});
const tableModule = { exports: {} };
new Function('module', 'exports', 'require', table.outputFiles[0].text)(tableModule, tableModule.exports, () => ({}));
const commands = tableModule.exports.COMMANDS?.map((c) => c.name);
if (!Array.isArray(commands) || commands.length === 0) fail('no COMMANDS in src/cli/commands/index.ts');

const main = await build({
  ...common,
  entryPoints: [join(SRC, 'cli/bin.ts')],
  outfile: join(OUT, BUNDLE),
  // Minified: comments, indentation and long names are half the text node must read and V8 must keep per run
  // (measured: about 4% of `--help`'s CPU time). node does not apply source maps to a vm.Script, so the map is
  // written next to the bundle (not linked) for turning a SECCOMPCTL_DEBUG=1 stack's positions back into sources.
  minify: true,
  sourcemap: 'external',
  sourcesContent: false,
  plugins: [importMetaUrl],
  metafile: true,
});
// The launcher wraps the bundle in a function, so no #! line; it reads it as latin1, so ASCII only.
const output = (ext) => main.outputFiles.find((f) => f.path.endsWith(ext));
// (An empty first line in place of the #! line keeps the source map's line numbers.)
const text = output('.cjs').text.replace(/^#!.*\n/, '\n');
if (/[^\x00-\x7f]/.test(text)) fail(`${BUNDLE} is not ASCII`);
// A dynamic import() left in the bundle would need an ESM loader the launcher does not give the script.
if (/\bimport\(/.test(text.replace(/(["'`])(?:\\.|(?!\1)[^\\])*\1/g, ''))) fail(`${BUNDLE} still has a dynamic import()`);
for (const dep of outArg > 0 ? [] : Object.keys(main.metafile.inputs)) {
  if (dep.startsWith('src/') && !dep.startsWith('src/cli/')) {
    const js = join(DIST, dep.slice(4)).replace(/\.ts$/, '.js');
    if (!existsSync(js)) fail(`${relative(ROOT, js)} is missing: run tsc -p tsconfig.build.json first`);
  }
}

const launcherSource = readFileSync(join(SRC, 'cli/launcher.ts'), 'utf8');
// The cache key: V8 only compares the source's length, so the hash covers every byte of the compiled script.
const hash = createHash('sha256').update(text).update(launcherSource).digest('hex').slice(0, 16);
const launcher = await build({
  ...common,
  entryPoints: [join(SRC, 'cli/launcher.ts')],
  outfile: join(OUT, 'bin.js'),
  banner: { js: '#!/usr/bin/env node' },
  define: {
    SECCOMPCTL_BUNDLE_FILE: JSON.stringify(BUNDLE),
    SECCOMPCTL_BUNDLE_HASH: JSON.stringify(hash),
    SECCOMPCTL_COMMANDS: JSON.stringify(commands),
  },
});

rmSync(OUT, { recursive: true, force: true }); // tsc's output of src/cli from older builds, an older bundle
mkdirSync(OUT, { recursive: true });
writeFileSync(join(OUT, 'package.json'), '{ "type": "commonjs" }\n');
writeFileSync(join(OUT, BUNDLE), text);
writeFileSync(join(OUT, `${BUNDLE}.map`), output('.map').text);
writeFileSync(join(OUT, 'bin.js'), launcher.outputFiles[0].text);
chmodSync(join(OUT, 'bin.js'), 0o755);
const shown = relative(ROOT, OUT);
process.stdout.write(`build-cli: ${shown}/${BUNDLE} ${(text.length / 1024).toFixed(0)} KiB (${hash}), ${shown}/bin.js, ${commands.length} commands\n`);
