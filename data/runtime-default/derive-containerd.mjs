#!/usr/bin/env node
// Derives data/runtime-default/containerd.json from containerd's RuntimeDefault, which is Go code, not JSON.
// Usage: node data/runtime-default/derive-containerd.mjs SECCOMP_DEFAULT_GO VERSION COMMIT [OUT]
//   SECCOMP_DEFAULT_GO: `git show <tag>:contrib/seccomp/seccomp_default.go` in a github.com/containerd/containerd
//                       checkout (the bundled data: tag v2.3.4, commit db8809540e1a7a9da5d518876894933ff55692ab)
//   VERSION, COMMIT:    the tag and commit the file was read at (recorded in the output)
//   OUT:                where to write (default: containerd.json next to this script)
//
// The Go file is read as data: a small reader for the few Go forms that file uses (a literal list of syscall rules,
// `switch runtime.GOARCH`, a loop over the bounding capabilities with `switch c`, a kernel-version `if`, a flag set
// by a capability case and tested with `if !flag`). Each appended rule becomes one Docker-format rule whose
// includes/excludes say when the Go code appends it, so that the Docker expansion (archMap, includes.arches matched
// against GOARCH, includes.caps, includes.minKernel, excludes) computes what DefaultProfile(spec) returns. Any form
// it does not know stops it with the line number: extend the reader rather than hand-edit the output.
import { readFileSync, writeFileSync } from 'node:fs';

const [goFile, version, commit, outFile] = process.argv.slice(2);
if (!goFile || !version || !commit) {
  process.stderr.write('usage: derive-containerd.mjs SECCOMP_DEFAULT_GO VERSION COMMIT [OUT]\n');
  process.exit(2);
}

// golang.org/x/sys/unix constants the file may use (Linux uapi values, identical on every arch).
const UNIX = {
  AF_UNIX: 1n, AF_INET: 2n, AF_INET6: 10n, AF_NETLINK: 16n, AF_PACKET: 17n, AF_ALG: 38n, AF_NFC: 39n, AF_VSOCK: 40n,
  CLONE_NEWNS: 0x20000n, CLONE_NEWCGROUP: 0x2000000n, CLONE_NEWUTS: 0x4000000n, CLONE_NEWIPC: 0x8000000n,
  CLONE_NEWUSER: 0x10000000n, CLONE_NEWPID: 0x20000000n, CLONE_NEWNET: 0x40000000n,
  EPERM: 1n, ENOSYS: 38n,
};
// runtime-spec constants: specs.ActX / specs.OpX.
const ACTIONS = {
  ActKill: 'SCMP_ACT_KILL', ActKillProcess: 'SCMP_ACT_KILL_PROCESS', ActKillThread: 'SCMP_ACT_KILL_THREAD',
  ActTrap: 'SCMP_ACT_TRAP', ActErrno: 'SCMP_ACT_ERRNO', ActTrace: 'SCMP_ACT_TRACE', ActAllow: 'SCMP_ACT_ALLOW',
  ActLog: 'SCMP_ACT_LOG', ActNotify: 'SCMP_ACT_NOTIFY',
};
const OPS = {
  OpNotEqual: 'SCMP_CMP_NE', OpLessThan: 'SCMP_CMP_LT', OpLessEqual: 'SCMP_CMP_LE', OpEqualTo: 'SCMP_CMP_EQ',
  OpGreaterEqual: 'SCMP_CMP_GE', OpGreaterThan: 'SCMP_CMP_GT', OpMaskedEqual: 'SCMP_CMP_MASKED_EQ',
};
// Go's GOARCH values (the ports Go has) → the native seccomp arch of such a host.
const GOARCH_NATIVE = {
  amd64: 'SCMP_ARCH_X86_64', 386: 'SCMP_ARCH_X86', arm64: 'SCMP_ARCH_AARCH64', arm: 'SCMP_ARCH_ARM',
  mips: 'SCMP_ARCH_MIPS', mipsle: 'SCMP_ARCH_MIPSEL', mips64: 'SCMP_ARCH_MIPS64', mips64le: 'SCMP_ARCH_MIPSEL64',
  ppc64: 'SCMP_ARCH_PPC64', ppc64le: 'SCMP_ARCH_PPC64LE', riscv64: 'SCMP_ARCH_RISCV64', s390x: 'SCMP_ARCH_S390X',
  loong64: 'SCMP_ARCH_LOONGARCH64',
};

// ---- tokens -------------------------------------------------------------------------------------------------
function tokenize(src) {
  const toks = [];
  let i = 0, line = 1;
  const puncts = [':=', '==', '!=', '&&', '||', '<=', '>=', '...', '<<'];
  while (i < src.length) {
    const c = src[i];
    if (c === '\n') { line++; i++; continue; }
    if (/\s/.test(c)) { i++; continue; }
    if (src.startsWith('//', i)) { while (i < src.length && src[i] !== '\n') i++; continue; }
    if (src.startsWith('/*', i)) {
      const e = src.indexOf('*/', i + 2);
      for (const ch of src.slice(i, e)) if (ch === '\n') line++;
      i = e + 2;
      continue;
    }
    if (c === '"') {
      let j = i + 1, s = '';
      while (src[j] !== '"') { if (src[j] === '\\') j++; s += src[j]; j++; }
      toks.push({ t: 'str', v: s, line });
      i = j + 1;
      continue;
    }
    const num = /^(0[xX][0-9a-fA-F]+|[0-9]+)/.exec(src.slice(i, i + 40));
    if (num) { toks.push({ t: 'num', v: BigInt(num[1]), line }); i += num[1].length; continue; }
    const id = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*/.exec(src.slice(i, i + 200));
    if (id) { toks.push({ t: 'id', v: id[0], line }); i += id[0].length; continue; }
    const p = puncts.find((q) => src.startsWith(q, i)) ?? c;
    toks.push({ t: 'p', v: p, line });
    i += p.length;
  }
  return toks;
}

let toks = [];
let pos = 0;
const peek = (k = 0) => toks[pos + k];
const fail = (msg) => { throw new Error(`${goFile}:${peek()?.line ?? '?'}: ${msg}; extend derive-containerd.mjs`); };
const is = (v, k = 0) => peek(k) !== undefined && peek(k).t !== 'str' && peek(k).v === v;
function eat(v) { if (!is(v)) fail(`expected "${v}", found "${peek()?.v}"`); return toks[pos++]; }
function eatKind(t) { if (peek()?.t !== t) fail(`expected a ${t}, found "${peek()?.v}"`); return toks[pos++].v; }

// ---- expressions: integer constants with + and | (same precedence in Go, left to right) ----------------------
function term() {
  if (is('(')) { eat('('); const v = expr(); eat(')'); return v; }
  if (peek()?.t === 'num') return eatKind('num');
  const id = eatKind('id');
  if (id === 'uint' || id === 'uint32' || id === 'uint64') { eat('('); const v = expr(); eat(')'); return v; }
  const m = /^unix\.(\w+)$/.exec(id);
  if (m && UNIX[m[1]] !== undefined) return UNIX[m[1]];
  return fail(`unknown constant ${id}`);
}
function expr() {
  let v = term();
  while (is('+') || is('|')) v = eat(peek().v).v === '+' ? v + term() : v | term();
  return v;
}

const safe = (v) => (v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : fail(`value ${v} does not fit a JSON number exactly`));

// ---- composite literals ---------------------------------------------------------------------------------------
function fields(each) {
  eat('{');
  while (!is('}')) {
    const key = eatKind('id');
    eat(':');
    each(key);
    if (is(',')) eat(',');
  }
  eat('}');
}
function list(each) {
  eat('{');
  while (!is('}')) { each(); if (is(',')) eat(','); }
  eat('}');
}
function typeName(expected) {
  const got = [];
  while (!is('{')) got.push(toks[pos++].v);
  if (got.join('') !== expected) fail(`expected type ${expected}, found ${got.join('')}`);
}
const specsConst = (table, what) => {
  const id = eatKind('id');
  const v = table[id.replace(/^specs\./, '')];
  if (!id.startsWith('specs.') || v === undefined) fail(`unknown ${what} ${id}`);
  return v;
};

function syscallLit(vars) {
  const r = {};
  fields((key) => {
    if (key === 'Names') { typeName('[]string'); r.names = []; list(() => r.names.push(eatKind('str'))); }
    else if (key === 'Action') r.action = specsConst(ACTIONS, 'action');
    else if (key === 'ErrnoRet') {
      eat('&');
      const v = eatKind('id');
      if (vars[v] === undefined) fail(`unknown variable ${v}`);
      r.errnoRet = Number(vars[v]);
    } else if (key === 'Args') {
      typeName('[]specs.LinuxSeccompArg');
      const args = [];
      list(() => {
        const a = {};
        fields((k) => {
          if (k === 'Index') a.index = Number(expr());
          else if (k === 'Value') a.value = safe(expr());
          else if (k === 'ValueTwo') { const v = safe(expr()); if (v !== 0) a.valueTwo = v; } // omitempty in the OCI spec
          else if (k === 'Op') a.op = specsConst(OPS, 'operator');
          else fail(`unknown LinuxSeccompArg field ${k}`);
        });
        args.push(a);
      });
      if (args.length) r.args = args;
    } else fail(`unknown LinuxSyscall field ${key}`);
  });
  if (!r.names?.length || !r.action) fail('a syscall rule without Names or Action');
  return r;
}

// ---- func arches(): GOARCH → architectures -------------------------------------------------------------------
function findFunc(name) {
  pos = toks.findIndex((t, i) => t.v === 'func' && toks[i + 1]?.v === name);
  if (pos < 0) fail(`no func ${name}`);
  while (!is('{')) pos++;
}
function parseArches() {
  findFunc('arches');
  eat('{'); eat('switch'); eat('runtime.GOARCH'); eat('{');
  const out = [];
  while (!is('}')) {
    const labels = [];
    if (is('default')) eat('default');
    else { eat('case'); labels.push(eatKind('str')); while (is(',')) { eat(','); labels.push(eatKind('str')); } }
    eat(':'); eat('return'); typeName('[]specs.Arch');
    const arches = [];
    list(() => { const a = eatKind('id'); if (!/^specs\.Arch\w+$/.test(a)) fail(`unknown arch ${a}`); arches.push(`SCMP_ARCH_${a.slice('specs.Arch'.length).toUpperCase()}`); });
    if (labels.length) out.push({ labels, arches });
    else if (arches.length) fail('a default case with architectures');
  }
  return out;
}

// ---- func DefaultProfile(sp): statements under conditions -------------------------------------------------------
function parseDefaultProfile() {
  findFunc('DefaultProfile');
  const vars = {};          // integer variables (nosys := uint(unix.ENOSYS))
  const flags = {};         // bool flag → the capabilities whose case sets it
  const kernelOk = {};      // bool from kernelversion.GreaterEqualThan → "X.Y"
  let base;                 // the literal rule list
  let top;                  // s := &specs.LinuxSeccomp{...}
  const rules = [];
  const ctxCaps = [];       // capability case labels of the enclosing `switch c` (one rule per label)

  const emit = (lit, ctx) => {
    const caps = ctx.caps ?? [undefined];
    for (const cap of caps) {
      const r = { ...lit };
      const inc = {}, exc = {};
      if (ctx.arches) inc.arches = ctx.arches;
      if (cap) inc.caps = [cap];
      if (ctx.minKernel) inc.minKernel = ctx.minKernel;
      if (ctx.notArches) exc.arches = ctx.notArches;
      if (ctx.notCaps) exc.caps = ctx.notCaps;
      if (Object.keys(inc).length) r.includes = inc;
      if (Object.keys(exc).length) r.excludes = exc;
      rules.push(r);
    }
  };

  function block(ctx) {
    eat('{');
    while (!is('}')) statement(ctx);
    eat('}');
  }
  function caseBlocks(each) {
    eat('{');
    const cases = [];
    while (!is('}')) {
      const labels = [];
      if (is('default')) eat('default');
      else { eat('case'); labels.push(eatKind('str')); while (is(',')) { eat(','); labels.push(eatKind('str')); } }
      eat(':');
      const start = pos;
      let depth = 0;
      while (depth > 0 || !(is('case') || is('default') || is('}'))) { if (is('{')) depth++; if (is('}')) depth--; pos++; }
      cases.push({ labels, start, end: pos });
    }
    const close = pos;
    for (const c of cases) {
      pos = c.start;
      each(c, cases);
      if (pos !== c.end) fail('unparsed statements in a case');
    }
    pos = close;
    eat('}');
  }
  function statement(ctx) {
    const line = peek().line;
    if (is('syscalls') && is(':=', 1)) {
      pos += 2; typeName('[]specs.LinuxSyscall');
      base = [];
      list(() => base.push(syscallLit(vars)));
    } else if (is(':=', 1) && is('uint', 2)) {
      const v = eatKind('id'); eat(':='); vars[v] = expr();
    } else if (is(':=', 1) && is('false', 2)) {
      const v = eatKind('id'); eat(':='); eat('false'); flags[v] = [];
    } else if (peek().t === 'id' && flags[peek().v] && is('=', 1) && is('true', 2)) {
      const v = eatKind('id'); eat('='); eat('true');
      if (!ctxCaps.length) fail(`${v} set outside a capability case`);
      flags[v].push(...ctxCaps.at(-1));
    } else if (is('s') && is(':=', 1)) {
      pos += 2; eat('&'); typeName('specs.LinuxSeccomp');
      top = {};
      fields((k) => {
        if (k === 'DefaultAction') top.defaultAction = specsConst(ACTIONS, 'action');
        else if (k === 'Architectures') { eat('arches'); eat('('); eat(')'); top.arches = true; }
        else if (k === 'Syscalls') { eat('syscalls'); top.syscalls = true; }
        else if (k === 'DefaultErrnoRet') { eat('&'); top.defaultErrnoRet = Number(vars[eatKind('id')]); }
        else fail(`unknown LinuxSeccomp field ${k}`);
      });
      if (!top.arches || !top.syscalls || !base) fail('LinuxSeccomp not built from arches() and syscalls');
      for (const r of base) emit(r, ctx);
    } else if (is('s.Syscalls') && is('=', 1)) {
      pos += 2; eat('append'); eat('('); eat('s.Syscalls'); eat(',');
      typeName('specs.LinuxSyscall');
      const lit = syscallLit(vars);
      if (is(',')) eat(',');
      eat(')');
      emit(lit, ctx);
    } else if (is('if')) {
      eat('if');
      if (is(',', 1) && is(':=', 3) && is('kernelversion.GreaterEqualThan', 4)) {
        const ok = eatKind('id'); eat(','); const err = eatKind('id'); eat(':='); pos++;
        eat('('); typeName('kernelversion.KernelVersion');
        const kv = {};
        fields((k) => { kv[k] = eatKind('num'); });
        if (is(',')) eat(',');
        eat(')'); eat(';'); eat(err); eat('=='); eat('nil');
        if (kv.Kernel === undefined || Object.keys(kv).some((k) => k !== 'Kernel' && k !== 'Major')) fail('unexpected KernelVersion fields');
        kernelOk[ok] = `${kv.Kernel}.${kv.Major ?? 0n}`;
        block(ctx);
      } else if (peek().t === 'id' && kernelOk[peek().v] && is('{', 1)) {
        if (ctx.minKernel) fail('nested kernel conditions');
        const v = eatKind('id');
        block({ ...ctx, minKernel: kernelOk[v] });
      } else if (is('!') && flags[peek(1)?.v] && is('{', 2)) {
        eat('!');
        const v = eatKind('id');
        if (!flags[v].length || ctx.notCaps) fail(`flag ${v} set by no capability, or nested`);
        block({ ...ctx, notCaps: [...flags[v]] });
      } else fail('unknown if condition');
      if (is('else')) fail('else branches');
    } else if (is('switch') && is('runtime.GOARCH', 1)) {
      pos += 2;
      if (ctx.arches || ctx.notArches) fail('nested GOARCH switches');
      caseBlocks((c, all) => {
        const arches = c.labels.length ? { arches: c.labels } : { notArches: all.flatMap((x) => x.labels) };
        while (pos < c.end) statement({ ...ctx, ...arches });
      });
    } else if (is('for') && is('_', 1) && is(',', 2) && is(':=', 4) && is('range', 5) && is('sp.Process.Capabilities.Bounding', 6)) {
      pos += 3;
      const c = eatKind('id');
      pos += 3;
      eat('{'); eat('switch'); eat(c);
      caseBlocks((cs) => {
        if (!cs.labels.length) fail('a default case in the capability switch');
        ctxCaps.push(cs.labels);
        while (pos < cs.end) statement({ ...ctx, caps: cs.labels });
        ctxCaps.pop();
      });
      eat('}');
    } else if (is('return') && is('s', 1)) {
      pos += 2;
    } else fail(`unknown statement at line ${line} ("${peek().v} ${peek(1)?.v ?? ''}")`);
  }
  block({});
  if (!top) fail('no LinuxSeccomp built');
  return { defaultAction: top.defaultAction, defaultErrnoRet: top.defaultErrnoRet, rules };
}

// ---- output ---------------------------------------------------------------------------------------------------
let archCases, parsed;
try {
  toks = tokenize(readFileSync(goFile, 'utf8'));
  archCases = parseArches();
  parsed = parseDefaultProfile();
} catch (e) {
  process.stderr.write(`derive-containerd: ${e.message}\n`);
  process.exit(1);
}
const { defaultAction, defaultErrnoRet, rules } = parsed;

// archMap keyed by the host's native arch: only GOARCH values Go has can reach a case; the others (e.g. "mipsel64",
// which Go calls mips64le) never match, so such hosts get no architectures (native only), as in containerd.
const archMap = [];
const unreachable = [];
for (const { labels, arches } of archCases) {
  for (const l of labels) {
    const native = GOARCH_NATIVE[l];
    if (!native) { unreachable.push(l); continue; }
    if (!arches.includes(native)) {
      process.stderr.write(`derive-containerd: GOARCH ${l}: architectures ${arches} lack the native ${native}; archMap cannot express that\n`);
      process.exit(1);
    }
    archMap.push({ architecture: native, subArchitectures: arches.filter((a) => a !== native) });
  }
}
if (unreachable.length) process.stderr.write(`note: arches() cases that are no GOARCH (never taken): ${unreachable.join(', ')}\n`);

const profile = { defaultAction };
if (defaultErrnoRet !== undefined) profile.defaultErrnoRet = defaultErrnoRet;
profile.archMap = archMap;
profile.syscalls = rules;
const unconditional = rules.filter((r) => !r.includes && !r.excludes && !r.args && r.action === 'SCMP_ACT_ALLOW').reduce((n, r) => n + r.names.length, 0);
writeFileSync(outFile ?? new URL('./containerd.json', import.meta.url), JSON.stringify({
  runtime: 'containerd',
  describes: `containerd RuntimeDefault: DefaultProfile() in contrib/seccomp/seccomp_default.go at ${version} (no defaultErrnoRet, so EPERM; architectures per GOARCH; ${unconditional} unconditional names)`,
  version: `containerd ${version} (${commit.slice(0, 12)})`,
  source: { repository: 'github.com/containerd/containerd', path: 'contrib/seccomp/seccomp_default.go', tag: version, commit },
  defaultCaps: 'docker',
  postEdits: [],
  profile,
}, null, 1) + '\n');
process.stderr.write(`containerd.json: ${rules.length} rules, ${unconditional} unconditional names\n`);
