// The built CLI's entry point, dist/cli/bin.js (CommonJS, made by scripts/build-cli.mjs; never run from source).
//
// Start-up (issue 15): the CLI is built as one CommonJS bundle per command, dist/cli/seccompctl-<command>.cjs (each
// is the whole CLI minus the other commands' modules; seccompctl-_.cjs has none, for `--help` and unknown names),
// and this launcher starts the one this argv needs (route.ts decides, as main.ts will) and compiles it with V8's
// code cache, so a run deserializes the bytecode an earlier run of the same command compiled instead of parsing
// and compiling it again (Node 20 has no module.enableCompileCache). It also hands the bundle a `require` that loads
// the heavier node builtins (child_process, crypto, readline, ...) on first use: commander and our common module
// import them at the top, yet `--help` or `resolve 54` never call them. See docs/cli.md for the figures.
//
// The cache lives in ${XDG_CACHE_HOME:-$HOME/.cache}/seccompctl/v8/, one file per build, node version, arch, node
// options and command. It is an optimisation only: a missing, unreadable, foreign (owned by another user, writable
// by others), truncated or corrupt file (checked with a CRC-32 before V8 sees it) or one V8 rejects is ignored and
// rewritten at exit; a read-only or missing directory means no cache. SECCOMPCTL_CODE_CACHE=0 turns it off.
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Script } from 'node:vm';
import { cliArgs, commandOf, invokedAsPlugin } from './route.js';

/** Filled in by scripts/build-cli.mjs: a hash of the bundles and this launcher. */
declare const SECCOMPCTL_BUNDLE_HASH: string;
/** The top-level command names (src/cli/commands/index.ts): each has its own bundle, seccompctl-<name>.cjs. */
declare const SECCOMPCTL_COMMANDS: readonly string[];

/** Builtins the bundle gets as lazy proxies: each costs 0.3–3 ms to load and most runs never use it. */
// (fs, path, url, util, events, buffer and module are loaded by node's own start-up already.)
const LAZY_BUILTINS = new Set(['child_process', 'crypto', 'readline', 'fs/promises', 'stream', 'net', 'dgram', 'os',
  'worker_threads', 'http', 'https', 'zlib', 'string_decoder', 'dns', 'tty']);
const MAGIC = 0x53434331; // "SCC1": our header, then the CRC-32 of V8's data, then the data
const HEADER = 8;
const MAX_CACHE = 64 << 20;
const MAX_AGE_MS = 7 * 24 * 3600 * 1000;

const proxies = new Map<string, unknown>();
const nodeRequire = createRequire(__filename);

/** `require` for the bundle: the listed builtins load when a property of theirs is first read. */
function bundleRequire(id: string): unknown {
  const bare = id.startsWith('node:') ? id.slice(5) : id;
  if (!LAZY_BUILTINS.has(bare)) return nodeRequire(id);
  let proxy = proxies.get(id);
  if (proxy === undefined) {
    let real: object | undefined;
    const load = (): object => (real ??= nodeRequire(id) as object);
    proxy = new Proxy({}, {
      get: (_t, k) => Reflect.get(load(), k),
      has: (_t, k) => Reflect.has(load(), k),
      ownKeys: () => Reflect.ownKeys(load()),
      getOwnPropertyDescriptor: (_t, k) => {
        const d = Reflect.getOwnPropertyDescriptor(load(), k);
        return d === undefined ? undefined : { ...d, configurable: true };
      },
      set: (_t, k, v) => Reflect.set(load(), k, v),
      getPrototypeOf: () => Reflect.getPrototypeOf(load()),
    });
    proxies.set(id, proxy);
  }
  return proxy;
}

/**
 * The command this run's CLI will load (route.ts, as main.ts decides), or `_` for none or an unknown one (then main.ts
 * loads no command module): which bundle to start, and the cache file's last part.
 */
function runKey(): string {
  const name = commandOf(cliArgs(process.argv.slice(2), invokedAsPlugin(process.argv[1])));
  return name !== undefined && SECCOMPCTL_COMMANDS.includes(name) ? name : '_';
}

/** V8 rejects a cache made under other flags: node options get their own files (FNV-1a of the text), not a rewrite. */
function flagsKey(): string {
  const text = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].join(' ').trim();
  if (text === '') return '';
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return `-o${(h >>> 0).toString(16)}`;
}

function cacheDir(env: NodeJS.ProcessEnv): string | undefined {
  if (env.SECCOMPCTL_CODE_CACHE === '0') return undefined;
  const xdg = env.XDG_CACHE_HOME;
  if (xdg !== undefined && xdg.startsWith('/')) return join(xdg, 'seccompctl', 'v8');
  const home = env.HOME;
  return home !== undefined && home.startsWith('/') ? join(home, '.cache', 'seccompctl', 'v8') : undefined;
}

function crc32(data: Uint8Array): number | undefined {
  const zlib = nodeRequire('node:zlib') as { crc32?: (d: Uint8Array) => number };
  return typeof zlib.crc32 === 'function' ? zlib.crc32(data) : undefined; // Node ≥ 20.15
}

/** V8's cache data from `path`, or undefined when there is none we can trust. */
function readCache(path: string): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const st = fstatSync(fd);
    // Only our own file, not writable by others: cached bytecode is code.
    if (st.uid !== process.geteuid?.() || (st.mode & 0o022) !== 0 || st.size <= HEADER || st.size > MAX_CACHE) return undefined;
    const buf = readFileSync(fd);
    if (buf.length !== st.size || buf.readUInt32BE(0) !== MAGIC) return undefined;
    const data = buf.subarray(HEADER);
    // V8 checks its own header (version, flags, source length) but not the payload: a flipped bit there crashes it.
    return crc32(data) === buf.readUInt32BE(4) ? data : undefined;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes V8's data atomically (private temporary file, rename) and drops other bundles' files older than a week.
 * The directory and the temporary file come first: where they cannot be made (read-only or foreign HOME), the data
 * is never produced (that costs about as much as compiling).
 */
function writeCache(dir: string, name: string, produce: () => Buffer): void {
  const tmp = join(dir, `.${name}.${process.pid}.tmp`);
  let fd: number;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    fd = openSync(tmp, 'wx', 0o644);
  } catch {
    return;
  }
  try {
    const data = produce();
    const sum = crc32(data);
    if (sum === undefined) throw new Error('no zlib.crc32');
    const header = Buffer.alloc(HEADER);
    header.writeUInt32BE(MAGIC, 0);
    header.writeUInt32BE(sum, 4);
    writeFileSync(fd, Buffer.concat([header, data]));
    closeSync(fd);
    renameSync(tmp, join(dir, name));
  } catch {
    try { closeSync(fd); } catch { /* closed */ }
    try { unlinkSync(tmp); } catch { /* renamed or gone */ }
    return;
  }
  try {
    const now = Date.now();
    for (const f of readdirSync(dir)) {
      if (!f.endsWith('.v8') || f.startsWith(`${SECCOMPCTL_BUNDLE_HASH}-`)) continue;
      const p = join(dir, f);
      if (now - statSync(p).mtimeMs > MAX_AGE_MS) unlinkSync(p);
    }
  } catch { /* pruning is best effort */ }
}

const key = runKey();
const bundle = join(__dirname, `seccompctl-${key}.cjs`);
const source = readFileSync(bundle, 'latin1'); // the build checks that the bundle is ASCII
const dir = cacheDir(process.env);
const cacheName = `${SECCOMPCTL_BUNDLE_HASH}-${process.version}-${process.arch}${flagsKey()}-${key}.v8`;
const cached = dir === undefined ? undefined : readCache(join(dir, cacheName));
// __seccompctlUrl(path): what import.meta.url was in the module whose tsc output is `path` (see build-cli.mjs).
const script = new Script(`(function (exports, require, module, __filename, __dirname, __seccompctlUrl) {${source}\n})`, {
  filename: bundle,
  ...(cached === undefined ? {} : { cachedData: cached }),
});
if (dir !== undefined && (cached === undefined || script.cachedDataRejected === true)) {
  // At exit the cache holds every function this command compiled, not just the top level.
  process.on('exit', () => { writeCache(dir, cacheName, () => script.createCachedData()); });
}
const mod = { exports: {} };
const distUrl = (path: string): string => pathToFileURL(join(__dirname, path)).href;
(script.runInThisContext() as (...a: unknown[]) => void).call(mod.exports, mod.exports, bundleRequire, mod, bundle, __dirname, distUrl);
