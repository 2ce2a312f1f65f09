# Dumps libseccomp's syscall tables (the version installed: Debian's python3-seccomp) as JSON on stdout:
# for each arch, every name it resolves from a scan of the number space, plus the resolution of every name in
# the candidate list read from stdin (negative numbers are libseccomp's pseudo-numbers: "not on this arch").
import json, sys
import seccomp

ARCHES = {
    'x86_64': 'X86_64', 'x86': 'X86', 'x32': 'X32', 'aarch64': 'AARCH64', 'arm': 'ARM', 'riscv64': 'RISCV64',
    'ppc64le': 'PPC64LE', 'ppc64': 'PPC64', 'ppc': 'PPC', 's390x': 'S390X', 's390': 'S390', 'mips': 'MIPS',
    'mipsel': 'MIPSEL', 'mips64': 'MIPS64', 'mipsel64': 'MIPSEL64', 'mips64n32': 'MIPS64N32',
    'mipsel64n32': 'MIPSEL64N32', 'loongarch64': 'LOONGARCH64',
}
BASES = {'x32': [0x40000000], 'mips': [4000], 'mipsel': [4000], 'mips64': [5000], 'mipsel64': [5000],
         'mips64n32': [6000], 'mipsel64n32': [6000], 'arm': [0, 0x0f0000]}
candidates = json.load(sys.stdin)
out = {'version': None, 'arches': {}}
for ours, tok in ARCHES.items():
    arch = getattr(seccomp.Arch, tok, None)
    if arch is None:
        out['arches'][ours] = None
        continue
    scanned = {}
    for base in BASES.get(ours, [0]):
        for nr in range(base, base + 1024):
            try:
                name = seccomp.resolve_syscall(arch, nr)
            except Exception:
                continue
            if name:
                scanned[name.decode() if isinstance(name, bytes) else name] = nr
    named = {}
    for name in set(candidates) | set(scanned):
        try:
            named[name] = seccomp.resolve_syscall(arch, name)
        except Exception:
            named[name] = None
    out['arches'][ours] = {'scanned': scanned, 'named': named}
json.dump(out, sys.stdout)
