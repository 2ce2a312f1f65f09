// The fields of a seccomp audit record's payload and what they mean: `code=` → action, `arch=` → architecture,
// `syscall=` → name/number, the kernel's untrusted-string encoding, the serial of an `audit(…)` stamp.
import { archFromAudit, resolveArch, X32_SYSCALL_BIT, type ArchInfo } from '../syscalls/index.js';
import type { SeenAction } from './types.js';

/** `code=` values (ret & SECCOMP_RET_ACTION_FULL) → action (include/uapi/linux/seccomp.h). */
const CODE_ACTIONS = new Map<number, SeenAction>([
  [0x80000000, 'kill_process'], [0x00000000, 'kill_thread'], [0x00030000, 'trap'], [0x00050000, 'errno'],
  [0x7fc00000, 'notify'], [0x7ff00000, 'trace'], [0x7ffc0000, 'log'], [0x7fff0000, 'allow'],
]);

/** `ausearch -i` spellings of code= (auparse's seccomp code table) → action. */
const CODE_NAMES = new Map<string, SeenAction>([
  // auparse prints `kill` for both KILL_THREAD (0x0) and KILL_PROCESS (0x80000000): it masks with
  // SECCOMP_RET_ACTION (0x7fff0000) and its table has only 0x0 (ChromiumOS debugd's audit_log_utils_test shows
  // `code=kill` for a record whose raw form says code=0x80000000).
  ['kill', 'kill'], ['kill-thread', 'kill_thread'], ['kill_thread', 'kill_thread'],
  ['kill-process', 'kill_process'], ['kill_process', 'kill_process'], ['trap', 'trap'], ['errno', 'errno'],
  ['trace', 'trace'], ['log', 'log'], ['allow', 'allow'], ['notify', 'notify'], ['user-notif', 'notify'],
  ['user_notif', 'notify'],
]);

/** The audit userspace's syscall tables spell a few names differently from the kernel's. */
export const AUDIT_NAME_ALIASES: Readonly<Record<string, string>> = { pread: 'pread64', pwrite: 'pwrite64' };

/** The action a raw `code=0x…` value means; 'unknown' for garbage. */
export function actionOfCode(code: number): SeenAction {
  return CODE_ACTIONS.get((code & 0xffff0000) >>> 0) ?? 'unknown';
}

/**
 * The action of a `code=` field. The kernel prints `code=0x%x`: at most 8 lowercase hex digits. auditd's enrichment
 * sometimes follows with no separator (`code=0x80000000AUID="unset"`, `code=0x50001AUID=…`), so only lowercase
 * digits count, unless the whole value is hex (a hand-written `0x7FFC0000`). ausearch's names (`log`, `kill`, …)
 * are looked up.
 */
export function actionOfCodeField(text: string): SeenAction {
  if (text.startsWith('0x') || text.startsWith('0X')) {
    if (text.length <= 10 && WHOLE_HEX_CODE.test(text)) return actionOfCode(parseInt(text.slice(2), 16));
    let j = 2;
    while (j < text.length && j < 10 && isLowerHex(text.charCodeAt(j))) j++;
    return j === 2 ? 'unknown' : actionOfCode(parseInt(text.slice(2, j), 16));
  }
  return CODE_NAMES.get(text.toLowerCase()) ?? 'unknown';
}

const WHOLE_HEX_CODE = /^0x[0-9a-f]{1,8}$/i;

function isLowerHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102);
}

/** The fields of a record payload seccompctl uses. `*Quoted` marks values the kernel wrote in double quotes. */
export interface RecordFields {
  arch?: string;
  syscall?: string;
  compat?: string;
  code?: string;
  pid?: string;
  comm?: string;
  exe?: string;
  commQuoted?: boolean;
  exeQuoted?: boolean;
}

type FieldKey = 'arch' | 'syscall' | 'compat' | 'code' | 'pid' | 'comm' | 'exe';

/** Which wanted key s[i, j) is, without allocating. */
function fieldKey(s: string, i: number, j: number): FieldKey | undefined {
  switch (j - i) {
    case 3:
      if (s.startsWith('pid', i)) return 'pid';
      if (s.startsWith('exe', i)) return 'exe';
      return undefined;
    case 4:
      if (s.startsWith('arch', i)) return 'arch';
      if (s.startsWith('code', i)) return 'code';
      if (s.startsWith('comm', i)) return 'comm';
      return undefined;
    case 6:
      return s.startsWith('compat', i) ? 'compat' : undefined;
    case 7:
      return s.startsWith('syscall', i) ? 'syscall' : undefined;
    default:
      return undefined;
  }
}

/**
 * Reads `key=value key="quoted value" …` from `start`, keeping the fields seccompctl uses. A token without `=`
 * continues the previous value (journald's `subj==cri-containerd.apparmor.d (enforce)`). Stops at auditd's 0x1d
 * enrichment separator. The first occurrence of a key wins.
 */
export function parseFields(s: string, start = 0): RecordFields {
  const f: RecordFields = {};
  let end = s.indexOf('\x1d', start);
  if (end < 0) end = s.length;
  let i = start;
  let last: FieldKey | undefined;
  while (i < end) {
    while (i < end && s.charCodeAt(i) === 32) i++;
    if (i >= end) break;
    let j = i;
    let c = 0;
    while (j < end && (c = s.charCodeAt(j)) !== 61 && c !== 32) j++;
    if (j >= end || c === 32) {
      // A bare token continues the previous value.
      if (last !== undefined && !(last === 'comm' ? f.commQuoted : last === 'exe' ? f.exeQuoted : false)) f[last] = `${f[last] ?? ''} ${s.slice(i, j)}`;
      i = j;
      continue;
    }
    const key = fieldKey(s, i, j);
    i = j + 1;
    let v: string;
    let quoted = false;
    if (s.charCodeAt(i) === 34) {
      const close = s.indexOf('"', i + 1);
      const stop = close < 0 || close > end ? end : close;
      v = key !== undefined ? s.slice(i + 1, stop) : '';
      quoted = true;
      i = stop + 1;
    } else {
      let k = i;
      while (k < end && s.charCodeAt(k) !== 32) k++;
      v = key !== undefined ? s.slice(i, k) : '';
      i = k;
    }
    if (key !== undefined && f[key] === undefined) {
      f[key] = v;
      if (key === 'comm') f.commQuoted = quoted;
      else if (key === 'exe') f.exeQuoted = quoted;
      last = key;
    } else {
      last = undefined;
    }
  }
  return f;
}

const WANTED: readonly FieldKey[] = ['arch', 'syscall', 'compat', 'code', 'pid', 'comm', 'exe'];
const NEEDLES = WANTED.map((k) => `${k}=`);

/** Where `key=` starts as a whole key (at `start` or after a space) in s[start, end), or -1. */
function findKey(s: string, needle: string, start: number, end: number): number {
  // Needles start with a letter, which is rarer than the space a ` key=` needle would start with: faster search.
  let k = s.indexOf(needle, start);
  while (k >= 0 && k < end) {
    if (k === start || s.charCodeAt(k - 1) === 32) return k;
    k = s.indexOf(needle, k + 1);
  }
  return -1;
}

/**
 * parseFields for raw kernel records, where no value contains a space (the kernel hex-encodes comm/exe that
 * would): each wanted key is found with one native search. Same result as parseFields on such payloads.
 */
export function parseRawFields(s: string, start = 0): RecordFields {
  const f: RecordFields = {};
  let end = s.indexOf('\x1d', start);
  if (end < 0) end = s.length;
  for (let w = 0; w < WANTED.length; w++) {
    const key = WANTED[w]!;
    const k = findKey(s, NEEDLES[w]!, start, end);
    if (k < 0) continue;
    const at = k + key.length + 1;
    let v: string;
    if (s.charCodeAt(at) === 34) {
      const close = s.indexOf('"', at + 1);
      v = s.slice(at + 1, close < 0 || close > end ? end : close);
      if (key === 'comm') f.commQuoted = true;
      else if (key === 'exe') f.exeQuoted = true;
    } else {
      let sp = s.indexOf(' ', at);
      if (sp < 0 || sp > end) sp = end;
      v = s.slice(at, sp);
      if (key === 'comm') f.commQuoted = false;
      else if (key === 'exe') f.exeQuoted = false;
    }
    f[key] = v;
  }
  return f;
}

const HEX = /^(?:[0-9A-Fa-f]{2})+$/;

/** Decodes the kernel's untrusted-string encoding: quoted as is, unquoted uppercase hex, `(null)`. */
export function untrusted(v: string | undefined, quoted: boolean | undefined, interpreted: boolean): string | undefined {
  if (v === undefined || v === '(null)' || v === '?') return undefined;
  if (quoted || interpreted) return v;
  if (HEX.test(v)) return Buffer.from(v, 'hex').toString('utf8');
  return v;
}

export function isDigits(s: string): boolean {
  if (s.length === 0 || s.length > 15) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

const archCache = new Map<string, ArchInfo | undefined>();

/** The kernel prints `arch=%x`: unpadded hex (s390 `16`, ppc `14`, mips `8`, x86_64 `c000003e`). */
const AUDIT_ARCH_HEX = /^[0-9a-f]{1,8}$/i;

/** arch= as hex audit code (raw) or name (ausearch -i); x32 is told from x86_64 by the number. */
export function archOf(text: string, nr: number | undefined): ArchInfo | undefined {
  if (nr !== undefined && nr >= X32_SYSCALL_BIT) return AUDIT_ARCH_HEX.test(text) ? archFromAudit(parseInt(text, 16), nr) : resolveArch(text);
  let a = archCache.get(text);
  if (a === undefined && !archCache.has(text)) {
    a = AUDIT_ARCH_HEX.test(text) ? archFromAudit(parseInt(text, 16)) : resolveArch(text);
    if (archCache.size < 256) archCache.set(text, a);
  }
  return a;
}

/** The serial of an `audit(…)` stamp: the number after the last colon (`1795818969.767:462`, `11/27/26 22:59:00.123:1656`). */
export function serialOf(stamp: string): number | undefined {
  const i = stamp.lastIndexOf(':');
  const n = Number(stamp.slice(i + 1));
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}
