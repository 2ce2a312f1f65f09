// The agent's auditd-log reader (LiveAuditLog): serials that auditd logs in swapped order (two threads' records, see
// ingest's serial-gaps.ts) are not loss; a jump whose records never come is, once a serial REORDER_WINDOW past it has
// been logged.
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { LiveAuditLog } from '../../src/agent/kmsg.js';
import { REORDER_WINDOW } from '../../src/ingest/index.js';

const TMP = mkdtempSync(join(tmpdir(), 'seccompctl-auditlog-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));
const sec = (sn: number) => `type=SECCOMP msg=audit(1796008006.368:${sn}): auid=0 uid=0 gid=0 ses=1 pid=7 comm="a" exe="/a" sig=0 arch=c000003e syscall=0 compat=0 ip=0x1 code=0x7ffc0000\n`;

it('swapped serials are no loss; a missing one is, after the window', async () => {
  const file = join(TMP, 'audit.log');
  writeFileSync(file, '');
  const log = new LiveAuditLog(file);
  await log.open();
  const losses: { count: number }[] = [];
  let records = 0;
  const poll = () => log.poll(() => records++, (l) => losses.push(l));
  appendFileSync(file, [100, 101, 103, 102, 104, 106, 105, 107].map(sec).join(''));
  poll();
  for (let s = 108; s < 108 + REORDER_WINDOW + 10; s++) appendFileSync(file, sec(s));
  poll();
  expect(losses).toEqual([]);
  expect(records).toBe(8 + REORDER_WINDOW + 10);
  const last = 108 + REORDER_WINDOW + 9; // the last serial written
  appendFileSync(file, [last + 1, last + 3].map(sec).join('')); // last + 2 never comes
  poll();
  expect(losses).toEqual([]); // pending
  for (let s = last + 4; s < last + 4 + REORDER_WINDOW; s++) appendFileSync(file, sec(s));
  poll();
  expect(losses).toEqual([expect.objectContaining({ count: 1 })]);
  await log.close();
});
