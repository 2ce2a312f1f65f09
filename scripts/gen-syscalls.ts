// Generates src/syscalls/tables.generated.ts from the Linux kernel's own syscall tables.
//
// Source: Debian's linux-source-6.12 package (/usr/src/linux-source-6.12.tar.xz). Usage:
//   apt-get install linux-source-6.12 && npx tsx scripts/gen-syscalls.ts [/usr/src/linux-source-6.12.tar.xz]
// Each architecture is read from the .tbl file its kernel build uses, keeping the ABIs that build selects
// (arch/*/kernel/Makefile.syscalls, scripts/syscalltbl.sh), and numbers get the offsets the entry code adds
// (mips o32/n64/n32 bases, x32's __X32_SYSCALL_BIT, ARM's private __ARM_NR_BASE calls).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Source {
  file: string;
  abis: string[];
  offset: number;
  /** Column holding the entry point that must not be "-" for the entry to exist (s390's compat column). */
  entryColumn?: number;
}

const sources: Record<string, Source> = {
  x86_64: { file: 'arch/x86/entry/syscalls/syscall_64.tbl', abis: ['common', '64'], offset: 0 },
  x32: { file: 'arch/x86/entry/syscalls/syscall_64.tbl', abis: ['common', 'x32'], offset: 0x40000000 },
  x86: { file: 'arch/x86/entry/syscalls/syscall_32.tbl', abis: ['i386'], offset: 0 },
  aarch64: { file: 'scripts/syscall.tbl', abis: ['common', '64', 'renameat', 'rlimit', 'memfd_secret'], offset: 0 },
  arm: { file: 'arch/arm/tools/syscall.tbl', abis: ['common', 'eabi'], offset: 0 },
  riscv64: { file: 'scripts/syscall.tbl', abis: ['common', '64', 'riscv', 'rlimit', 'memfd_secret'], offset: 0 },
  loongarch64: { file: 'scripts/syscall.tbl', abis: ['common', '64'], offset: 0 },
  ppc64le: { file: 'arch/powerpc/kernel/syscalls/syscall.tbl', abis: ['common', '64', 'nospu'], offset: 0 },
  ppc64: { file: 'arch/powerpc/kernel/syscalls/syscall.tbl', abis: ['common', '64', 'nospu'], offset: 0 },
  ppc: { file: 'arch/powerpc/kernel/syscalls/syscall.tbl', abis: ['common', '32', 'nospu'], offset: 0 },
  s390x: { file: 'arch/s390/kernel/syscalls/syscall.tbl', abis: ['common', '64'], offset: 0, entryColumn: 3 },
  s390: { file: 'arch/s390/kernel/syscalls/syscall.tbl', abis: ['common', '32'], offset: 0, entryColumn: 4 },
  mips: { file: 'arch/mips/kernel/syscalls/syscall_o32.tbl', abis: ['o32'], offset: 4000 },
  mipsel: { file: 'arch/mips/kernel/syscalls/syscall_o32.tbl', abis: ['o32'], offset: 4000 },
  // The n64 table marks one entry (450, set_mempolicy_home_node) "common" instead of "n64".
  mips64: { file: 'arch/mips/kernel/syscalls/syscall_n64.tbl', abis: ['n64', 'common'], offset: 5000 },
  mipsel64: { file: 'arch/mips/kernel/syscalls/syscall_n64.tbl', abis: ['n64', 'common'], offset: 5000 },
  mips64n32: { file: 'arch/mips/kernel/syscalls/syscall_n32.tbl', abis: ['n32'], offset: 6000 },
  mipsel64n32: { file: 'arch/mips/kernel/syscalls/syscall_n32.tbl', abis: ['n32'], offset: 6000 },
};

/** ARM's private syscalls (arch/arm/include/uapi/asm/unistd.h, __ARM_NR_BASE = 0x0f0000). */
const armPrivate: Record<string, number> = {
  breakpoint: 0x0f0001, cacheflush: 0x0f0002, usr26: 0x0f0003, usr32: 0x0f0004, set_tls: 0x0f0005, get_tls: 0x0f0006,
};

const tarball = process.argv[2] ?? '/usr/src/linux-source-6.12.tar.xz';
const work = mkdtempSync(join(tmpdir(), 'gen-syscalls-'));
try {
  const files = [...new Set(Object.values(sources).map((s) => s.file))];
  const top = execFileSync('tar', ['tf', tarball], { maxBuffer: 1 << 30 }).toString().split('\n')[0]!.split('/')[0]!;
  execFileSync('tar', ['xf', tarball, '-C', work, `${top}/Makefile`, ...files.map((f) => `${top}/${f}`)]);
  const mk = readFileSync(join(work, top, 'Makefile'), 'utf8');
  const ver = ['VERSION', 'PATCHLEVEL', 'SUBLEVEL'].map((k) => new RegExp(`^${k} = (\\d+)`, 'm').exec(mk)?.[1]).join('.');
  const out: Record<string, Record<string, number>> = {};
  for (const [arch, src] of Object.entries(sources)) {
    const table: Record<string, number> = {};
    const text = readFileSync(join(work, top, src.file), 'utf8');
    for (const line of text.split('\n')) {
      if (line.startsWith('#') || line.trim() === '') continue;
      const cols = line.trim().split(/\s+/);
      const [num, abi, name] = cols;
      if (num === undefined || abi === undefined || name === undefined) throw new Error(`bad line in ${src.file}: ${line}`);
      if (!src.abis.includes(abi)) continue;
      // mips keeps numbered placeholders (unused18, reserved82, …) that are not syscalls anyone can name.
      if (/^(unused|reserved)\d+$/.test(name)) continue;
      // s390: "-" in this ABI's entry column means the number is reserved but has no entry point on it.
      if (src.entryColumn !== undefined && cols[src.entryColumn] === '-') continue;
      const nr = Number(num) + src.offset;
      if (name in table && table[name] !== nr) throw new Error(`${arch}: ${name} twice (${table[name]}, ${nr})`);
      table[name] = nr;
    }
    if (arch === 'arm') Object.assign(table, armPrivate);
    out[arch] = Object.fromEntries(Object.entries(table).sort((a, b) => a[1] - b[1]));
  }
  const body = [
    '// GENERATED by scripts/gen-syscalls.ts — do not edit.',
    `// Source: Linux ${ver} syscall tables (Debian package linux-source-6.12, ${tarball.split('/').pop()}).`,
    '// Numbers are the values seccomp filters see in seccomp_data.nr (x32 includes __X32_SYSCALL_BIT,',
    '// mips includes its o32/n64/n32 bases, arm includes the private __ARM_NR_BASE calls).',
    `export const KERNEL_VERSION = ${JSON.stringify(ver)};`,
    '// One string per arch, "name:number,…" sorted by number: a string literal costs next to nothing to compile at',
    '// start-up; src/syscalls/index.ts parses an arch\'s table the first time it is asked for.',
    'export const TABLES: Readonly<Record<string, string>> = {',
    ...Object.entries(out).map(([a, t]) => `  ${a}: "${Object.entries(t).map(([n, v]) => `${n}:${v}`).join(',')}",`),
    '};',
    '',
  ].join('\n');
  const dest = new URL('../src/syscalls/tables.generated.ts', import.meta.url).pathname;
  writeFileSync(dest + '.tmp', body);
  renameSync(dest + '.tmp', dest);
  process.stdout.write(`wrote ${dest}: Linux ${ver}, ${Object.entries(out).map(([a, t]) => `${a}=${Object.keys(t).length}`).join(' ')}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
