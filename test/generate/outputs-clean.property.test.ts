// Issue 10 item 1 as a property: whatever generate writes (random recordings, arches, errno, runtime) validates
// with no warning for every runtime, survives merge, and converts to an SPO SeccompProfile that validates clean
// too; a recording that cannot be mapped to a requested arch is refused (exit 1 in the CLI), never written wrong.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generate, mergeProfiles } from '../../src/generate/index.js';
import { ingestText } from '../../src/ingest/index.js';
import { counterpartsOn, ociToSpo, parseProfile, printProfile, printSpoProfile, validateProfile } from '../../src/profile/index.js';
import { archInfo, syscallNumber, syscallsOf, type ArchId } from '../../src/syscalls/index.js';

const RECORDED: ArchId[] = ['x86_64', 'aarch64'];
const TARGETS: ArchId[] = ['x86_64', 'aarch64', 'riscv64', 'ppc64le', 's390x', 'x86', 'arm'];

/** Kernel audit records (dmesg rendering) of the given syscalls, serials consecutive (no loss). */
function auditLog(arch: ArchId, names: readonly string[]): string {
  const a = archInfo(arch).auditArch.toString(16);
  return names.map((n, i) => `[  518.${String(228329 + i).padStart(6, '0')}] audit: type=1326 audit(1795818969.767:${462 + i}): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=4242 comm="app" exe="/usr/bin/app" sig=0 arch=${a} syscall=${syscallNumber(arch, n)} compat=0 ip=0x40828e code=0x7ffc0000`).join('\n') + '\n';
}

const notClean = (text: string, file: string): string[] => {
  const r = parseProfile(text, { file });
  return validateProfile(r.profile, { source: r.source, dialect: r.dialect, parsedRaw: r.raw }).filter((d) => d.severity !== 'info')
    .map((d) => `${file}: ${d.severity} ${d.code}${d.runtime ? ` [${d.runtime}]` : ''}: ${d.message}`);
};

const recording = fc.constantFrom(...RECORDED).chain((arch) => fc.record({
  arch: fc.constant(arch),
  names: fc.uniqueArray(fc.constantFrom(...[...syscallsOf(arch).keys()].sort()), { minLength: 1, maxLength: 60 }),
  extra: fc.uniqueArray(fc.constantFrom(...TARGETS), { maxLength: 3 }),
  errno: fc.constantFrom('EPERM' as const, 'ENOSYS' as const),
  runtime: fc.constantFrom('runc' as const, 'none' as const),
  nnp: fc.boolean(),
}));

describe('generated profiles pass our own checks', () => {
  it('random recordings → generate → validate clean for every runtime, merge clean, convert --to spo clean', () => {
    let written = 0;
    let refused = 0;
    fc.assert(fc.property(recording, recording, (a, b) => {
      const gen = (x: typeof a) => generate(ingestText(auditLog(x.arch, x.names)), { defaultErrno: x.errno, runtime: x.runtime, noNewPrivileges: x.nnp, arches: x.extra });
      const ga = gen(a);
      if (ga.unmappable.length > 0) {
        refused++;
        // Each refusal names a recorded syscall that a requested arch lacks and has no known counterpart there.
        for (const u of ga.unmappable) {
          const m = /^(\S+) \(SCMP_ARCH_\S+ → (SCMP_ARCH_\S+)\)$/.exec(u)!;
          const target = TARGETS.find((t) => archInfo(t).scmp === m[2])!;
          expect(syscallNumber(target, m[1]!)).toBeUndefined();
          expect(counterpartsOn(m[1]!, target)).toBeUndefined();
        }
        return;
      }
      written++;
      const text = printProfile(ga.profile);
      expect(notClean(text, 'generated.json')).toEqual([]);
      const spo = printSpoProfile(ociToSpo(parseProfile(text, { file: 'g.json' }).profile, { name: 'app' }), 'yaml');
      expect(notClean(spo, 'sp.yaml')).toEqual([]);
      const gb = gen(b);
      if (gb.unmappable.length === 0) {
        const merged = mergeProfiles([{ profile: ga.profile, file: 'a.json' }, { profile: gb.profile, file: 'b.json' }]).profile;
        expect(notClean(printProfile(merged), 'merged.json')).toEqual([]);
      }
    }), { numRuns: 150, seed: 20261129 });
    expect(written).toBeGreaterThan(50);
    expect(refused).toBeGreaterThan(0); // some random recordings hold x86-only syscalls (iopl, modify_ldt…)
  }, 120_000);
});
