// The README's library example, run for real on a bundled audit log.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { certainLoss, checkSyscall, generate, ingestText, printProfile } from '../../src/index.js';

it('generates a profile from an audit log and answers a verdict question, as the README shows', () => {
  const log = ingestText(readFileSync('examples/audit/nginx-in-runc.dmesg.log', 'utf8'));
  expect(certainLoss(log)).toEqual([]);
  const { profile: p } = generate(log, { runtime: 'runc', noNewPrivileges: true });
  const text = printProfile(p);
  expect(JSON.parse(text)).toMatchObject({ defaultAction: 'SCMP_ACT_ERRNO', architectures: ['SCMP_ARCH_X86_64'], flags: [] });
  // nginx accepts connections but never traces anything: ptrace is denied with EPERM by the default action
  const ok = checkSyscall(p, 'accept4(3, 0, 0, 0)', { arch: 'x86_64' });
  expect(ok).toMatchObject({ allowed: true, verdict: { action: 'ALLOW' }, decidedBy: { path: 'syscalls[0]' } });
  const denied = checkSyscall(p, 'ptrace(16, 1, 0, 0)', { arch: 'x86_64' });
  expect(denied).toMatchObject({ allowed: false, verdict: { action: 'ERRNO', ret: 0x00050001, reason: 'default' } });
});
