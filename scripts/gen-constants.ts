// Generates src/syscalls/constants.generated.ts: the symbolic constants of the syscall arguments seccompctl
// filters on (socket families and types, clone/unshare flags, prctl options, personality values, mmap/mprotect
// protections, signals, setsockopt levels and option names, ioctl requests), per architecture.
//
// Source: Debian's linux-source-6.12 package (/usr/src/linux-source-6.12.tar.xz), the kernel's own headers: the uapi
// headers of each architecture (`arch/<arch>/include/uapi/asm/X.h`, falling back to `include/uapi/asm-generic/X.h`
// as the kernel's Kbuild does for missing ones), plus two kernel-internal headers that define what userspace sees
// through glibc (`include/linux/socket.h`: AF_*, SOL_*; `include/linux/net.h`: SOCK_* types, with MIPS's own order in
// `arch/mips/include/asm/socket.h`). Usage:
//   apt-get download linux-source-6.12 && dpkg-deb --fsys-tarfile linux-source-6.12_*.deb | tar x ./usr/src/linux-source-6.12.tar.xz
//   npx tsx scripts/gen-constants.ts [path/to/linux-source-6.12.tar.xz]
// The headers are read by a small preprocessor (object- and function-like macros, enums, #if with defined(), the
// architecture's predefined macros, sizeof of scalar types); a definition it cannot evaluate (e.g. an ioctl number
// built from sizeof(struct termios)) is left out rather than guessed.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type ArchId = 'x86_64' | 'x86' | 'x32' | 'aarch64' | 'arm' | 'riscv64' | 'loongarch64' | 'ppc64le' | 'ppc64' | 'ppc'
  | 's390x' | 's390' | 'mips' | 'mipsel' | 'mips64' | 'mipsel64' | 'mips64n32' | 'mipsel64n32';

interface ArchSpec { dir: string; bits: 32 | 64; defines: Record<string, string> }

const MIPS = { _MIPS_SIM_ABI32: '1', _MIPS_SIM_NABI32: '2', _MIPS_SIM_ABI64: '3', __mips__: '1', __mips: '1' };
const ARCHS: Record<ArchId, ArchSpec> = {
  x86_64: { dir: 'x86', bits: 64, defines: { __x86_64__: '1' } },
  x86: { dir: 'x86', bits: 32, defines: { __i386__: '1' } },
  x32: { dir: 'x86', bits: 32, defines: { __x86_64__: '1', __ILP32__: '1' } },
  aarch64: { dir: 'arm64', bits: 64, defines: { __aarch64__: '1' } },
  arm: { dir: 'arm', bits: 32, defines: { __arm__: '1' } },
  riscv64: { dir: 'riscv', bits: 64, defines: { __riscv: '1', __riscv_xlen: '64' } },
  loongarch64: { dir: 'loongarch', bits: 64, defines: { __loongarch__: '1' } },
  ppc64le: { dir: 'powerpc', bits: 64, defines: { __powerpc__: '1', __powerpc64__: '1', __LITTLE_ENDIAN__: '1' } },
  ppc64: { dir: 'powerpc', bits: 64, defines: { __powerpc__: '1', __powerpc64__: '1' } },
  ppc: { dir: 'powerpc', bits: 32, defines: { __powerpc__: '1' } },
  s390x: { dir: 's390', bits: 64, defines: { __s390__: '1', __s390x__: '1' } },
  s390: { dir: 's390', bits: 32, defines: { __s390__: '1' } },
  mips: { dir: 'mips', bits: 32, defines: { ...MIPS, _MIPS_SIM: '1', __MIPSEB__: '1' } },
  mipsel: { dir: 'mips', bits: 32, defines: { ...MIPS, _MIPS_SIM: '1', __MIPSEL__: '1' } },
  mips64: { dir: 'mips', bits: 64, defines: { ...MIPS, _MIPS_SIM: '3', __MIPSEB__: '1' } },
  mipsel64: { dir: 'mips', bits: 64, defines: { ...MIPS, _MIPS_SIM: '3', __MIPSEL__: '1' } },
  mips64n32: { dir: 'mips', bits: 32, defines: { ...MIPS, _MIPS_SIM: '2', __MIPSEB__: '1' } },
  mipsel64n32: { dir: 'mips', bits: 32, defines: { ...MIPS, _MIPS_SIM: '2', __MIPSEL__: '1' } },
};

/** One group: which headers to read (in order: the first definition of a name wins, like `#ifndef` defaults) and which names to keep. */
interface GroupSpec {
  headers: string[];
  keep: RegExp;
  drop?: RegExp;
  /** Only names defined in these files (by path suffix) count, so included helpers do not leak in. */
  from?: RegExp;
  /** Only `#define` lines starting in column 0 (prctl.h indents the sub-values of an option: `# define`). */
  topLevelOnly?: boolean;
}

const GROUPS: Record<string, GroupSpec> = {
  af: { headers: ['kernel:include/linux/socket.h'], keep: /^AF_/, drop: /^AF_MAX$/ },
  sock: {
    headers: ['<asm/fcntl.h>', 'kernel-arch:asm/socket.h', 'kernel:include/linux/net.h'],
    keep: /^SOCK_(STREAM|DGRAM|RAW|RDM|SEQPACKET|DCCP|PACKET|CLOEXEC|NONBLOCK)$/,
  },
  ipproto: { headers: ['<linux/in.h>'], keep: /^IPPROTO_/, drop: /^IPPROTO_MAX$/, from: /linux\/in\.h$/ },
  clone: { headers: ['<linux/sched.h>'], keep: /^(CLONE_|CSIGNAL$)/, drop: /^CLONE_ARGS_SIZE/, from: /linux\/sched\.h$/ },
  prot: { headers: ['<asm/mman.h>'], keep: /^PROT_/ },
  prctl: { headers: ['<linux/prctl.h>'], keep: /^PR_/, from: /linux\/prctl\.h$/, topLevelOnly: true },
  personality: { headers: ['<linux/personality.h>'], keep: /^(PER_|UNAME26|ADDR_|FDPIC_|MMAP_PAGE_ZERO|READ_IMPLIES_EXEC|SHORT_INODE|WHOLE_SECONDS|STICKY_TIMEOUTS)/, drop: /^PER_MASK$/ },
  signal: { headers: ['<asm/signal.h>'], keep: /^SIG[A-Z0-9]+$/, drop: /^(SIGSTKSZ|SIGRTMAX)$/ },
  sol: { headers: ['<asm/socket.h>', 'kernel:include/linux/socket.h'], keep: /^SOL_/ },
  so: { headers: ['<asm/socket.h>'], keep: /^SO_/ },
  tcp: { headers: ['<linux/tcp.h>'], keep: /^TCP_[A-Z_0-9]+$/, from: /linux\/tcp\.h$/, drop: /^TCP_(FLAG_|DATA_OFFSET|RESERVED_BITS|MSS_|COOKIE_|FASTOPEN_KEY_|REPAIR_(ON|OFF|OFF_NO_WP)$|AO_|NO_QUEUE|RECV_QUEUE|SEND_QUEUE|QUEUES_NR|CA_|NLA_|THIN_|MD5SIG_(MAXKEYLEN|FLAG_))/, topLevelOnly: true },
  ip: { headers: ['<linux/in.h>'], keep: /^IP_[A-Z_0-9]+$/, from: /linux\/in\.h$/, drop: /^IP_(PMTUDISC_|DEFAULT_MULTICAST|MAX_MEMBERSHIPS|MSFILTER_SIZE)/ },
  ipv6: { headers: ['<linux/in6.h>', '<linux/ipv6.h>'], keep: /^IPV6_[A-Z_0-9]+$/, from: /linux\/in6?\.h$|linux\/ipv6\.h$/, drop: /^IPV6_(PMTUDISC_|PREFER_SRC_|FL_|PRIORITY_|TLV_|SRCRT_|OPT_ROUTERALERT_|MIN_MTU|ADDR_PREFERENCES|HDRINCL$)/ },
  ioctl: {
    headers: ['<asm/ioctls.h>', '<asm/sockios.h>', '<linux/sockios.h>'],
    keep: /^(TC[A-Z0-9]+|TIOC[A-Z0-9_]+|FIO[A-Z0-9]+|SIOC[A-Z0-9_]+)$/,
    drop: /^(TIOCPKT_|TIOCSER_|SIOCDEVPRIVATE|SIOCPROTOPRIVATE|SIOCGSTAMP$|SIOCGSTAMPNS$|TIOCM_|TCIOFF|TCION|TCOOFF|TCOON|TCIFLUSH|TCOFLUSH|TCIOFLUSH|TCSANOW|TCSADRAIN|TCSAFLUSH)/,
  },
};

// ---------------------------------------------------------------- a small C preprocessor for constant headers

interface Macro { params?: string[]; body: string; file: string; topLevel: boolean }

class Pre {
  readonly macros = new Map<string, Macro>();
  readonly enums = new Map<string, { expr: string; file: string }>();
  /** Definition order (for output order and "first name wins" when formatting). */
  readonly order: string[] = [];
  private readonly ordered = new Set<string>();
  private note(name: string): void {
    if (!this.ordered.has(name)) {
      this.ordered.add(name);
      this.order.push(name);
    }
  }
  private readonly seenFiles = new Set<string>();
  private readonly root: string;
  private readonly arch: ArchSpec;
  constructor(root: string, arch: ArchSpec) {
    this.root = root;
    this.arch = arch;
    for (const [k, v] of Object.entries(arch.defines)) this.macros.set(k, { body: v, file: '<predefined>', topLevel: true });
    this.macros.set('__BITS_PER_LONG', { body: String(arch.bits), file: '<predefined>', topLevel: true });
    this.macros.set('__SIZEOF_LONG__', { body: String(arch.bits / 8), file: '<predefined>', topLevel: true });
    this.macros.set('__CHAR_BIT__', { body: '8', file: '<predefined>', topLevel: true });
  }

  /** `<asm/x.h>`, `<linux/x.h>`, `kernel:path`, `kernel-arch:asm/x.h` → a file path, or undefined when absent. */
  locate(ref: string): string | undefined {
    const r = this.root;
    const cands: string[] = [];
    if (ref.startsWith('kernel:')) cands.push(join(r, ref.slice(7)));
    else if (ref.startsWith('kernel-arch:')) cands.push(join(r, 'arch', this.arch.dir, 'include', ref.slice(12)));
    else {
      const m = /^<(.+)>$/.exec(ref);
      if (!m) return undefined;
      const p = m[1]!;
      if (p.startsWith('asm/')) {
        cands.push(join(r, 'arch', this.arch.dir, 'include/uapi', p), join(r, 'include/uapi/asm-generic', p.slice(4)));
      } else cands.push(join(r, 'include/uapi', p));
    }
    return cands.find((c) => existsSync(c));
  }

  read(ref: string): void {
    const file = this.locate(ref);
    if (!file || this.seenFiles.has(file)) return;
    this.seenFiles.add(file);
    const rel = file.slice(this.root.length + 1);
    // Join continuation lines, drop comments.
    const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/.*$/gm, '').replace(/\\\n/g, ' ');
    const stack: { active: boolean; taken: boolean; parent: boolean }[] = [];
    const active = (): boolean => stack.every((s) => s.active);
    let inEnum = false;
    let enumNext = 0n;
    let enumBuf = '';
    for (const line of text.split('\n')) {
      const d = /^(\s*)#\s*(\w+)\s*(.*)$/.exec(line);
      if (d) {
        const [, indent, dir, rest] = d as unknown as [string, string, string, string];
        const parent = active();
        if (dir === 'ifdef' || dir === 'ifndef') {
          const def = this.macros.has(rest.trim());
          const v = dir === 'ifdef' ? def : !def;
          stack.push({ active: v, taken: v, parent });
        } else if (dir === 'if') {
          const v = parent && this.cond(rest);
          stack.push({ active: v, taken: v, parent });
        } else if (dir === 'elif') {
          const s = stack[stack.length - 1]!;
          const v = !s.taken && s.parent && this.cond(rest);
          s.active = v;
          s.taken ||= v;
        } else if (dir === 'else') {
          const s = stack[stack.length - 1]!;
          s.active = !s.taken;
          s.taken = true;
        } else if (dir === 'endif') {
          stack.pop();
        } else if (!parent) {
          continue;
        } else if (dir === 'include') {
          const m = /^[<"]([^>"]+)[>"]/.exec(rest.trim());
          if (m && /^(asm|asm-generic|linux)\//.test(m[1]!)) {
            const inc = m[1]!.startsWith('asm-generic/') ? `kernel:include/uapi/${m[1]!}` : `<${m[1]!}>`;
            this.read(inc);
          }
        } else if (dir === 'define') {
          const m = /^(\w+)(\(([^)]*)\))?\s*(.*)$/.exec(rest);
          if (!m) continue;
          const name = m[1]!;
          if (this.macros.has(name)) continue; // first definition wins (the arch's before asm-generic's #ifndef default)
          const params = m[3] !== undefined ? m[3].split(',').map((s) => s.trim()).filter((s) => s !== '') : undefined;
          this.macros.set(name, { ...(m[2] !== undefined ? { params: params ?? [] } : {}), body: m[4]!.trim(), file: rel, topLevel: indent === '' && /^#define/.test(line.trimStart()) && !/^#\s+define/.test(line) });
          if (m[2] === undefined) this.note(name);
        } else if (dir === 'undef') {
          this.macros.delete(rest.trim());
        }
        continue;
      }
      if (!active()) continue;
      // enums: `enum [tag] { A = expr, B, ... };` possibly over many lines.
      if (!inEnum && /\benum\b[^;]*\{/.test(line)) {
        inEnum = true;
        enumNext = 0n;
        enumBuf = line.slice(line.indexOf('{') + 1);
      } else if (inEnum) {
        enumBuf += ` ${line}`;
      } else continue;
      if (enumBuf.includes('}')) {
        const body = enumBuf.slice(0, enumBuf.indexOf('}'));
        for (const item of body.split(',')) {
          const m = /^\s*(\w+)\s*(?:=\s*([\s\S]+?))?\s*$/.exec(item);
          if (!m) continue;
          const name = m[1]!;
          const expr = m[2] ?? enumNext.toString();
          if (!this.enums.has(name)) {
            this.enums.set(name, { expr, file: rel });
            this.note(name);
          }
          const v = this.value(expr);
          enumNext = v === undefined ? enumNext + 1n : v + 1n;
        }
        inEnum = false;
        enumBuf = '';
      }
    }
  }

  cond(expr: string): boolean {
    const e = expr.replace(/defined\s*\(\s*(\w+)\s*\)|defined\s+(\w+)/g, (_, a?: string, b?: string) => (this.macros.has((a ?? b)!) ? '1' : '0'));
    const v = this.value(e, true);
    return v !== undefined && v !== 0n;
  }

  /** Evaluates a constant expression; undefined when it names something unknown (unless zeroUnknown, as #if does). */
  value(expr: string, zeroUnknown = false, depth = 0): bigint | undefined {
    if (depth > 40) return undefined;
    const expanded = this.expand(expr, zeroUnknown, depth);
    if (expanded === undefined) return undefined;
    try {
      return new Eval(expanded).run();
    } catch {
      return undefined;
    }
  }

  /** Replaces macros and enum names with their values (recursively); sizeof of scalar types with their size. */
  private expand(expr: string, zeroUnknown: boolean, depth: number): string | undefined {
    let s = expr;
    const size = (t: string): number | undefined => {
      const x = t.replace(/\s+/g, ' ').trim();
      if (/\*$/.test(x)) return this.arch.bits / 8;
      const table: Record<string, number> = {
        char: 1, 'unsigned char': 1, short: 2, 'unsigned short': 2, int: 4, 'unsigned int': 4, unsigned: 4,
        long: this.arch.bits / 8, 'unsigned long': this.arch.bits / 8, 'long long': 8, 'unsigned long long': 8,
        __u8: 1, __s8: 1, __u16: 2, __s16: 2, __u32: 4, __s32: 4, __u64: 8, __s64: 8, size_t: this.arch.bits / 8,
        pid_t: 4, __kernel_pid_t: 4, __kernel_uid32_t: 4,
      };
      return table[x];
    };
    for (let i = 0; i < 50; i++) {
      let changed = false;
      let fail = false;
      // sizeof(T), with T in any number of parentheses (macro arguments arrive wrapped).
      for (let at = s.search(/\bsizeof\s*\(/); at >= 0; at = s.search(/\bsizeof\s*\(/)) {
        let j = s.indexOf('(', at);
        let level = 0;
        const from = j;
        for (; j < s.length; j++) {
          if (s[j] === '(') level++;
          if (s[j] === ')' && --level === 0) break;
        }
        const n = size(s.slice(from, j).replace(/[()]/g, ' '));
        changed = true;
        if (n === undefined) {
          fail = true;
          break;
        }
        s = `${s.slice(0, at)}${n}${s.slice(j + 1)}`;
      }
      if (fail) return undefined;
      // Casts to scalar types: (unsigned int)x, (__u32)x, (int)x.
      // (only where a cast can be: not after a name, which would make it a macro's argument list, and before an operand)
      s = s.replace(/(?<![\w)]\s*)\(\s*(?:unsigned\s+|signed\s+)?(?:int|long|long long|char|short|__u\d+|__s\d+)\s*\)(?=\s*[\w('])/g, () => {
        changed = true;
        return '';
      });
      // Numbers and character literals ('T') are not names: blank them out before looking for the next name.
      const m = /\b([A-Za-z_]\w*)\b(\s*\()?/.exec(s.replace(/\b0[xX][0-9a-fA-F]+[uUlL]*\b|\b\d+[uUlL]*\b|'(?:\\.|[^'])'/g, (x) => ' '.repeat(x.length)));
      if (!m) break;
      const name = m[1]!;
      const at = m.index;
      const mac = this.macros.get(name);
      if (mac && mac.params !== undefined) {
        if (!m[2]) return undefined;
        // Find the matching close paren and split arguments at top-level commas.
        let j = at + m[0].length;
        let level = 1;
        const args: string[] = [];
        let cur = '';
        for (; j < s.length && level > 0; j++) {
          const c = s[j]!;
          if (c === '(') level++;
          if (c === ')') level--;
          if (level === 0) break;
          if (c === ',' && level === 1) {
            args.push(cur);
            cur = '';
          } else cur += c;
        }
        if (level !== 0) return undefined;
        if (cur.trim() !== '' || args.length > 0) args.push(cur);
        let body = mac.body;
        mac.params.forEach((p, k) => {
          body = body.replace(new RegExp(`\\b${p}\\b`, 'g'), `(${args[k] ?? ''})`);
        });
        s = `${s.slice(0, at)}(${body})${s.slice(j + 1)}`;
        changed = true;
      } else if (mac) {
        if (mac.body === name) {
          const en = this.enums.get(name);
          if (!en) return undefined;
          s = `${s.slice(0, at)}(${en.expr})${s.slice(at + name.length)}`;
        } else s = `${s.slice(0, at)}(${mac.body === '' ? '1' : mac.body})${s.slice(at + name.length)}`;
        changed = true;
      } else if (this.enums.has(name)) {
        s = `${s.slice(0, at)}(${this.enums.get(name)!.expr})${s.slice(at + name.length)}`;
        changed = true;
      } else if (zeroUnknown) {
        s = `${s.slice(0, at)}0${s.slice(at + name.length)}`;
        changed = true;
      } else return undefined;
      if (!changed) break;
      if (depth > 40) return undefined;
    }
    return s;
  }
}

/** Integer constant expressions with C precedence, in BigInt (two's complement 64-bit at the end). */
class Eval {
  private toks: string[];
  private i = 0;
  constructor(text: string) {
    this.toks = text.match(/0[xX][0-9a-fA-F]+[uUlL]*|\d+[uUlL]*|'(?:\\.|[^'])'|<<|>>|<=|>=|==|!=|&&|\|\||[-+*/%&|^~!()<>?:]/g) ?? [];
    if (this.toks.join('') !== text.replace(/\s+/g, '')) throw new Error(`cannot evaluate ${text}`);
  }
  run(): bigint {
    const v = this.ternary();
    if (this.i !== this.toks.length) throw new Error('trailing');
    return v;
  }
  private peek(): string | undefined { return this.toks[this.i]; }
  private next(): string { return this.toks[this.i++]!; }
  private ternary(): bigint {
    const c = this.bin(0);
    if (this.peek() === '?') {
      this.next();
      const a = this.ternary();
      if (this.next() !== ':') throw new Error(':');
      const b = this.ternary();
      return c !== 0n ? a : b;
    }
    return c;
  }
  private static readonly PREC: [string[], (a: bigint, b: bigint) => bigint][] = [
    [['||'], (a, b) => (a !== 0n || b !== 0n ? 1n : 0n)],
    [['&&'], (a, b) => (a !== 0n && b !== 0n ? 1n : 0n)],
    [['|'], (a, b) => a | b],
    [['^'], (a, b) => a ^ b],
    [['&'], (a, b) => a & b],
    [['==', '!='], () => 0n],
    [['<', '>', '<=', '>='], () => 0n],
    [['<<', '>>'], () => 0n],
    [['+', '-'], () => 0n],
    [['*', '/', '%'], () => 0n],
  ];
  private bin(level: number): bigint {
    if (level >= Eval.PREC.length) return this.unary();
    let a = this.bin(level + 1);
    const ops = Eval.PREC[level]![0];
    while (ops.includes(this.peek() ?? '')) {
      const op = this.next();
      const b = this.bin(level + 1);
      switch (op) {
        case '||': a = a !== 0n || b !== 0n ? 1n : 0n; break;
        case '&&': a = a !== 0n && b !== 0n ? 1n : 0n; break;
        case '|': a |= b; break;
        case '^': a ^= b; break;
        case '&': a &= b; break;
        case '==': a = a === b ? 1n : 0n; break;
        case '!=': a = a !== b ? 1n : 0n; break;
        case '<': a = a < b ? 1n : 0n; break;
        case '>': a = a > b ? 1n : 0n; break;
        case '<=': a = a <= b ? 1n : 0n; break;
        case '>=': a = a >= b ? 1n : 0n; break;
        case '<<': a <<= b; break;
        case '>>': a >>= b; break;
        case '+': a += b; break;
        case '-': a -= b; break;
        case '*': a *= b; break;
        case '/': a /= b; break;
        case '%': a %= b; break;
      }
    }
    return a;
  }
  private unary(): bigint {
    const t = this.next();
    if (t === undefined) throw new Error('end');
    if (t === '-') return -this.unary();
    if (t === '+') return this.unary();
    if (t === '~') return ~this.unary();
    if (t === '!') return this.unary() === 0n ? 1n : 0n;
    if (t === '(') {
      const v = this.ternary();
      if (this.next() !== ')') throw new Error(')');
      return v;
    }
    if (/^'/.test(t)) return BigInt(t.charCodeAt(1));
    const n = t.replace(/[uUlL]+$/, '');
    if (/^0[0-7]+$/.test(n)) return BigInt(`0o${n.slice(1)}`);
    if (/^(0[xX][0-9a-fA-F]+|\d+)$/.test(n)) return BigInt(n);
    throw new Error(`token ${t}`);
  }
}

// ---------------------------------------------------------------- generation

const tarball = process.argv[2] ?? '/usr/src/linux-source-6.12.tar.xz';
const work = mkdtempSync(join(tmpdir(), 'gen-constants-'));
try {
  const top = execFileSync('tar', ['tf', tarball], { maxBuffer: 1 << 30 }).toString().split('\n')[0]!.split('/')[0]!;
  execFileSync('tar', ['xf', tarball, '-C', work, '--wildcards', `${top}/Makefile`, `${top}/include/uapi/*`,
    `${top}/arch/*/include/*`, `${top}/include/linux/socket.h`, `${top}/include/linux/net.h`]);
  const root = join(work, top);
  const mk = readFileSync(join(root, 'Makefile'), 'utf8');
  const ver = ['VERSION', 'PATCHLEVEL', 'SUBLEVEL'].map((k) => new RegExp(`^${k} = (\\d+)`, 'm').exec(mk)?.[1]).join('.');
  /** group → arch → [name, value][] in header order. */
  const out: Record<string, Record<string, [string, string][]>> = {};
  for (const [group, spec] of Object.entries(GROUPS)) {
    out[group] = {};
    for (const [arch, a] of Object.entries(ARCHS)) {
      const pre = new Pre(root, a);
      for (const h of spec.headers) pre.read(h);
      const rows: [string, string][] = [];
      for (const name of pre.order) {
        if (!spec.keep.test(name) || spec.drop?.test(name)) continue;
        const mac = pre.macros.get(name);
        const file = mac?.file ?? pre.enums.get(name)?.file ?? '';
        if (spec.from && !spec.from.test(file)) continue;
        if (spec.topLevelOnly && mac && !mac.topLevel) continue;
        const v = pre.value(name);
        if (v === undefined || v < 0n) continue;
        rows.push([name, `0x${BigInt.asUintN(64, v).toString(16)}`]);
      }
      out[group][arch] = rows;
    }
  }
  // Store x86_64's table per group in full and, per other arch, only the names whose value differs or are absent.
  const lines: string[] = [];
  lines.push('// Generated by scripts/gen-constants.ts from the Linux kernel headers; do not edit.');
  lines.push(`// Source: Debian linux-source-6.12 (Linux ${ver}): include/uapi/**, arch/*/include/uapi/asm/*, include/linux/{socket,net}.h.`);
  lines.push('/* eslint-disable */');
  lines.push(`export const CONSTANTS_KERNEL_VERSION = '${ver}';`);
  lines.push('/** group → [name, value (hex)][] as on x86_64, in header order. */');
  lines.push('export const BASE: Record<string, readonly (readonly [string, string])[]> = {');
  for (const [g, per] of Object.entries(out)) {
    lines.push(`  ${g}: [${per.x86_64!.map(([n, v]) => `['${n}', '${v}']`).join(', ')}],`);
  }
  lines.push('};');
  lines.push('/** group → arch → differences from x86_64: [name, value] (value null: the name does not exist there). */');
  lines.push('export const DIFF: Record<string, Record<string, readonly (readonly [string, string | null])[]>> = {');
  let diffs = 0;
  for (const [g, per] of Object.entries(out)) {
    const base = new Map(per.x86_64);
    const parts: string[] = [];
    for (const [arch, rows] of Object.entries(per)) {
      if (arch === 'x86_64') continue;
      const m = new Map(rows);
      const d: [string, string | null][] = [];
      for (const [n, v] of rows) if (base.get(n) !== v) d.push([n, v]);
      for (const n of base.keys()) if (!m.has(n)) d.push([n, null]);
      if (d.length > 0) {
        diffs += d.length;
        parts.push(`${arch}: [${d.map(([n, v]) => `['${n}', ${v === null ? 'null' : `'${v}'`}]`).join(', ')}]`);
      }
    }
    lines.push(`  ${g}: { ${parts.join(', ')} },`);
  }
  lines.push('};');
  const dest = join(import.meta.dirname, '../src/syscalls/constants.generated.ts');
  writeFileSync(`${dest}.tmp`, `${lines.join('\n')}\n`);
  renameSync(`${dest}.tmp`, dest);
  const counts = Object.entries(out).map(([g, per]) => `${g} ${per.x86_64!.length}`).join(', ');
  console.log(`wrote ${dest}: Linux ${ver}; x86_64: ${counts}; ${diffs} per-arch differences`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
