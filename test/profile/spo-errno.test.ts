// `convert --to spo` spells a defaultErrnoRet other than EPERM out as a rule (the SeccompProfile CRD has no such
// field). Differential: the filter runc + libseccomp 2.5.4 build (python3-seccomp, runc's ENOSYS stub included) for
// the original profile and for the operator's OCI file from the CR give the same verdict for every syscall number.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { emulate } from '../../src/bpf/index.js';
import { generate } from '../../src/generate/index.js';
import { ingestText } from '../../src/ingest/index.js';
import { ociToSpo, spoToOci } from '../../src/profile/index.js';
import { archInfo, maxSyscallNumber, syscallName } from '../../src/syscalls/index.js';
import { libseccompFilters, libseccompNumbers } from '../bpf/_oracle.js';
import { DEBIAN_PYTHON, haveSystem } from '../helpers/system.js';

describe.runIf(haveSystem(DEBIAN_PYTHON))('SPO spelling of defaultErrnoRet 38, against libseccomp', () => {
  it('nginx generated with --default-errno ENOSYS: every x86_64 syscall gets the same verdict after the SPO round trip', () => {
    const g = generate(ingestText(readFileSync('examples/audit/nginx-in-runc.dmesg.log', 'utf8')), { defaultErrno: 'ENOSYS' });
    expect(g.profile.defaultErrnoRet).toBe(38);
    const cr = ociToSpo(g.profile, { name: 'nginx' });
    expect(cr.spec).not.toHaveProperty('defaultErrnoRet');
    const back = spoToOci(cr);
    const [a, b] = libseccompFilters([{ native: 'SCMP_ARCH_X86_64', profile: g.profile }, { native: 'SCMP_ARCH_X86_64', profile: back }]);
    if (!a || !b || !('program' in a) || !('program' in b)) throw new Error('libseccomp refused a profile');
    const arch = archInfo('x86_64').auditArch;
    // runc skips names its libseccomp (2.5.4 here) does not know, e.g. uretprobe (335, Linux 6.11): EPERM there.
    const names = [...Array(maxSyscallNumber('x86_64') + 1).keys()].map((nr) => syscallName('x86_64', nr)).filter((n): n is string => n !== undefined);
    const known = libseccompNumbers(['SCMP_ARCH_X86_64'], names)['X86_64']!;
    const differ: string[] = [];
    let errno38 = 0;
    for (let nr = 0; nr <= maxSyscallNumber('x86_64') + 64; nr++) {
      const x = emulate(a.program, { nr, arch }).ret >>> 0;
      const y = emulate(b.program, { nr, arch }).ret >>> 0;
      if (x === 0x00050026) errno38++;
      // Numbers that are no syscall (x86_64's gap 335-423) cannot be named in a rule: EPERM there, as the note says.
      const name = syscallName('x86_64', nr);
      if (x !== y && name !== undefined && (known[name] ?? -1) >= 0) differ.push(`${nr}: ${x.toString(16)} vs ${y.toString(16)}`);
    }
    expect(differ).toEqual([]);
    expect(errno38).toBeGreaterThan(300);
  });
});
