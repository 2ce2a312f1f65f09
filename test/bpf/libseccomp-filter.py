# Oracle for the bpf tests: builds what runc 1.x loads for an OCI profile, with the installed libseccomp
# (Debian's python3-seccomp). Reads one JSON job per line on stdin: {"id", "native": "X86_64", "profile": {...},
# "optimize": 1|2, "stub": true|false}; writes {"id", "bpf": base64 struct sock_filter[]} or {"id", "error"} per line.
# runc's logic (libcontainer/seccomp/seccomp_linux.go matchCall, patchbpf/enosys_linux.go) is re-expressed here
# from its documented behaviour: rules equal to the default are skipped, names unknown to libseccomp are skipped,
# a repeated argument index splits every condition into its own rule, errnoRet only for ERRNO/TRACE (default
# EPERM), and the -ENOSYS stub is prepended when the default action is not ALLOW/LOG/TRACE.
import base64, json, os, struct, sys, tempfile
import seccomp

EPERM, ENOSYS = 1, 38
OPS = {'SCMP_CMP_EQ': seccomp.EQ, 'SCMP_CMP_NE': seccomp.NE, 'SCMP_CMP_LT': seccomp.LT, 'SCMP_CMP_LE': seccomp.LE,
       'SCMP_CMP_GT': seccomp.GT, 'SCMP_CMP_GE': seccomp.GE, 'SCMP_CMP_MASKED_EQ': seccomp.MASKED_EQ}
AUDIT = {'X86_64': 0xc000003e, 'X32': 0xc000003e, 'X86': 0x40000003, 'ARM': 0x40000028, 'AARCH64': 0xc00000b7,
         'RISCV64': 0xc00000f3, 'PPC64LE': 0xc0000015, 'PPC64': 0x80000015, 'PPC': 0x14, 'S390X': 0x80000016,
         'S390': 0x16, 'MIPS': 0x8, 'MIPSEL': 0x40000008, 'MIPS64': 0x80000008, 'MIPSEL64': 0xc0000008,
         'MIPS64N32': 0xa0000008, 'MIPSEL64N32': 0xe0000008}


def action(name, errno):
    if name in ('SCMP_ACT_KILL', 'SCMP_ACT_KILL_THREAD'): return seccomp.KILL
    if name == 'SCMP_ACT_KILL_PROCESS': return seccomp.KILL_PROCESS
    if name == 'SCMP_ACT_TRAP': return seccomp.TRAP
    if name == 'SCMP_ACT_ERRNO': return seccomp.ERRNO(EPERM if errno is None else errno)
    if name == 'SCMP_ACT_TRACE': return seccomp.TRACE(EPERM if errno is None else errno)
    if name == 'SCMP_ACT_LOG': return seccomp.LOG
    if name == 'SCMP_ACT_ALLOW': return seccomp.ALLOW
    if name == 'SCMP_ACT_NOTIFY': return seccomp.NOTIFY
    raise ValueError(name)


# One BPF instruction: (code, jt, jf, k).
def ld(k): return (0x20, 0, 0, k)
def ja(k): return (0x05, 0, 0, k)
def ret(k): return (0x06, 0, 0, k)
def jeq(k, t, f): return (0x15, t, f, k)
def jgt(k, t, f): return (0x25, t, f, k)
def jset(k, t, f): return (0x45, t, f, k)


def enosys_stub(profile, arches):
    if profile.get('defaultErrnoRet') == (0x50000 | ENOSYS):
        return []
    if profile['defaultAction'] in ('SCMP_ACT_ALLOW', 'SCMP_ACT_LOG', 'SCMP_ACT_TRACE'):
        return []
    names = [n for r in profile.get('syscalls', []) for n in r['names']]
    last = {}
    for tok in arches:
        mx = 0
        for n in names:
            nr = seccomp.resolve_syscall(getattr(seccomp.Arch, tok), n)
            if nr > mx: mx = nr
        if mx:
            last.setdefault(AUDIT[tok], {})[tok] = mx
    enosys = ret(0x50000 | ENOSYS)
    tail = [ja(1), enosys]
    at = {}
    for audit, maxs in last.items():
        base_enosys = len(tail) - 1
        base_filter = base_enosys + 1
        sec = [ld(0)]
        if len(maxs) == 1:
            (tok, nr), = maxs.items()
            if tok in ('S390', 'S390X'):
                sec += [jeq(0, 0, 1), enosys]
            if base_enosys + 1 <= 255:
                st = [jgt(nr, base_enosys + 1, 0), ja(base_filter)]
            else:
                st = [jgt(nr, 0, 1), enosys, ja(base_filter)]
            if audit == 0xc000003e:
                st = [jset(1 << 30, len(st) - 1, 0) if tok == 'X86_64' else jset(1 << 30, 0, len(st) - 1)] + st
            sec += st
        else:
            x32, x64 = maxs['X32'], maxs['X86_64']
            if base_enosys + 2 <= 255:
                sec += [jset(1 << 30, 1, 0), jgt(x64, base_enosys + 2, 1), jgt(x32, base_enosys + 1, 0), ja(base_filter)]
            else:
                sec += [jset(1 << 30, 1, 0), jgt(x64, 1, 2), jgt(x32, 0, 1), enosys, ja(base_filter)]
        tail = sec + tail
        at[audit] = len(tail)
    tail = [ja(len(tail))] + tail
    for audit in last:
        jump = len(tail) - at[audit]
        tail = ([jeq(audit, jump, 0)] if jump <= 255 else [jeq(audit, 0, 1), ja(jump)]) + tail
    return [ld(4)] + tail


def build(job):
    p = job['profile']
    arches = [job['native']] + [a[len('SCMP_ARCH_'):] for a in p.get('architectures', [])]
    arches = list(dict.fromkeys(arches))
    default = action(p['defaultAction'], p.get('defaultErrnoRet'))
    f = seccomp.SyscallFilter(default)
    if 'X86_64' not in arches:
        f.remove_arch(seccomp.Arch.X86_64)
    for tok in arches:
        if tok != 'X86_64':
            f.add_arch(getattr(seccomp.Arch, tok))
    f.set_attr(seccomp.Attr.CTL_OPTIMIZE, job.get('optimize', 1))
    for r in p.get('syscalls', []):
        act = action(r['action'], r.get('errnoRet'))
        for name in r['names']:
            if act == default:
                continue
            if seccomp.resolve_syscall(seccomp.Arch.NATIVE, name) == -1:
                continue
            conds = [seccomp.Arg(a['index'], OPS[a['op']], a['value'], a.get('valueTwo', 0)) for a in r.get('args', [])]
            idx = [c['index'] for c in r.get('args', [])]
            if len(idx) != len(set(idx)):
                for c in conds:
                    f.add_rule(act, name, c)
            else:
                f.add_rule(act, name, *conds)
    with tempfile.TemporaryFile() as fh:
        f.export_bpf(fh)
        fh.seek(0)
        body = fh.read()
    stub = enosys_stub(p, arches) if job.get('stub', True) else []
    big = arches[0] in ('S390X', 'S390', 'PPC64', 'PPC', 'MIPS', 'MIPS64', 'MIPS64N32')
    head = b''.join(struct.pack('>HBBI' if big else '<HBBI', c, t, fl, k & 0xffffffff) for (c, t, fl, k) in stub)
    return base64.b64encode(head + body).decode()


for line in sys.stdin:
    if not line.strip():
        continue
    job = json.loads(line)
    try:
        out = {'id': job['id'], 'bpf': build(job)}
    except Exception as e:  # reported per job; the test decides whether an error is expected
        out = {'id': job['id'], 'error': f'{type(e).__name__}: {e}'}
    sys.stdout.write(json.dumps(out) + '\n')
    sys.stdout.flush()
