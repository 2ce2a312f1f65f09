// strace output: -f/-ff, [pid N], unfinished/resumed, signals, exits, -t/-tt/-ttt/-r, -T, -y/-yy, -X, -n/-i,
// the -c/-C/-w summary tables, personality changes, restart_syscall and syscall_0x… names.
import { isKnownSyscall, syscallName, syscallNumber, type ArchId } from '../syscalls/index.js';
import type { Aggregator } from './aggregate.js';

// pid prefix (`[pid N] ` on stderr, `N ` with -o), then time (-t/-tt/-ttt/-r), then `[ nr]`/`[ip]` (-n/-i).
const PREFIX = /^(?:\[pid\s+(\d+)(?:<[^>]*>)?\]\s+|(\d+)\s+)?(?:\s*(?:\d\d:\d\d:\d\d(?:\.\d+)?|\d+\.\d+)\s+)?(?:\[\s*[0-9a-f?]+\]\s+)?/;
const CALL = /^([A-Za-z_][A-Za-z0-9_]*)(#64)?\(/;
const RESUMED = /^<\.\.\. ([A-Za-z_][A-Za-z0-9_]*)(?:#64)? resumed>/;
const PERSONALITY = /^\[ Process PID=(\d+) runs in (64 bit|32 bit|x32) mode\. \]/;
const SUMMARY_MODE = /^System call usage summary for (64 bit|32 bit|x32) mode:/;
const UNKNOWN_NR = /^syscall_(0x[0-9a-f]+|\d+)$/i;
// A summary header: only column names (-U can reorder and pick them).
const SUMMARY_HEADER = /^\s*(?:(?:% time|seconds|usecs\/call|calls|errors|syscall|total|avg|min|max)(?:\s+|$))+$/;
const MAX_PIDS = 65536;

/** Per-tracee state: its current personality, program, and calls left unfinished. */
interface Tracee {
  arch: ArchId;
  exe?: string;
  comm?: string;
  /** The program of an execve still unfinished. */
  pendingExe?: string;
  /** Names of calls printed `<unfinished ...>` and not yet resumed. */
  unfinished: string[];
}

/** The arch a personality notice names, relative to the native arch. */
function personalityArch(native: ArchId, mode: string): ArchId {
  if (mode === '64 bit') return native;
  if (mode === 'x32') return 'x32';
  if (native === 'aarch64') return 'arm';
  if (native === 'x86_64') return 'x86';
  if (native === 'ppc64' || native === 'ppc64le') return 'ppc';
  if (native === 's390x') return 's390';
  return native;
}

/**
 * Splits strace's argument text at top-level commas (outside strings, (), [], {} and comments).
 * `openat(AT_FDCWD, "/etc/x", O_RDONLY)` → [`AT_FDCWD`, `"/etc/x"`, `O_RDONLY`].
 */
export function splitArgs(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 34 /* " */) {
      i++;
      while (i < s.length && s.charCodeAt(i) !== 34) i += s.charCodeAt(i) === 92 ? 2 : 1;
    } else if (c === 47 /* / */ && s.charCodeAt(i + 1) === 42) {
      const e = s.indexOf('*/', i + 2);
      i = e < 0 ? s.length : e + 1;
    } else if (c === 40 || c === 91 || c === 123) depth++;
    else if (c === 41 || c === 93 || c === 125) depth--;
    else if (c === 44 && depth === 0) {
      out.push(s.slice(start, i).trim());
      start = i + 1;
    }
  }
  const last = s.slice(start).trim();
  if (last !== '' || out.length > 0) out.push(last);
  return out;
}

/** Stateful parser for one strace recording (one file, or one -ff file with its pid). */
export class StraceParser {
  private readonly agg: Aggregator;
  private readonly file: string;
  private readonly native: ArchId;
  private readonly filePid: number | undefined;
  private readonly tracees = new Map<number | undefined, Tracee>();
  /** Summary table state: column spans from the dashed rule, and the arch of the current table. */
  private summaryHeader: string | undefined;
  private summaryCols: { name: string; start: number; end: number }[] | undefined;
  private summaryArch: ArchId;
  /** Names seen as calls in this file, so -C's closing summary does not count them twice. */
  private readonly traced = new Set<string>();
  /** Names read from summary tables. */
  private readonly summaryNames = new Set<string>();
  calls = 0;

  /** `filePid`: the pid of a `-ff` output file (its `.PID` suffix), used when lines carry no prefix. */
  constructor(agg: Aggregator, file: string, nativeArch: ArchId, filePid?: number) {
    this.agg = agg;
    this.file = file;
    this.native = nativeArch;
    this.filePid = filePid;
    this.summaryArch = nativeArch;
  }

  private tracee(pid: number | undefined): Tracee {
    let t = this.tracees.get(pid);
    if (!t) {
      if (this.tracees.size >= MAX_PIDS) this.tracees.clear();
      t = { arch: this.native, unfinished: [] };
      this.tracees.set(pid, t);
    }
    return t;
  }

  /** Handles one line (without its newline). */
  line(raw: string, lineNo: number): void {
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (this.summaryLine(text, lineNo)) return;
    const pm = PREFIX.exec(text)!;
    const pidText = pm[1] ?? pm[2];
    const pid = pidText !== undefined ? Number(pidText) : this.filePid;
    const body = text.slice(pm[0].length);
    const c = body.charCodeAt(0);

    if (c === 43 /* + */ && body.startsWith('+++ ')) {
      if (/^\+\+\+ (exited with|killed by) /.test(body)) this.tracees.delete(pid);
      this.agg.counters.skipped++;
      return;
    }
    if (c === 45 /* - */ && body.startsWith('--- ')) {
      this.agg.counters.skipped++;
      return;
    }
    if (c === 91 /* [ */) {
      const pers = PERSONALITY.exec(body);
      if (pers) this.tracee(Number(pers[1])).arch = personalityArch(this.native, pers[2]!);
      this.agg.counters.skipped++;
      return;
    }
    if (c === 60 /* < */) {
      const rm = RESUMED.exec(body);
      if (!rm) {
        this.agg.counters.skipped++;
        return;
      }
      const t = this.tracee(pid);
      const name = rm[1]!;
      const i = t.unfinished.lastIndexOf(name);
      if (i >= 0) {
        t.unfinished.splice(i, 1);
        if ((name === 'execve' || name === 'execveat') && / = 0(\s|$)/.test(body)) this.exec(t, undefined);
        this.agg.counters.skipped++;
        return;
      }
      // A call that started before the recording did (attach with -p, or a log cut at the front).
      this.agg.addLoss({
        kind: 'mid-workload', certain: false, file: this.file, line: lineNo,
        message: `the recording starts in the middle of a ${name} call${pid !== undefined ? ` of pid ${pid}` : ''}: calls made before it are missing`,
      });
      this.emit(name, undefined, pid, t, lineNo);
      return;
    }
    const cm = CALL.exec(body);
    if (!cm) {
      this.agg.counters.skipped++;
      return;
    }
    const name = cm[1]!;
    const rest = body.slice(cm[0].length);
    let args: string | undefined;
    let unfinished = false;
    const ret = resultAt(rest);
    if (ret >= 0) {
      args = rest.slice(0, ret);
    } else if (rest.endsWith('<unfinished ...>')) {
      unfinished = true;
      args = rest.slice(0, -'<unfinished ...>'.length).replace(/,?\s*$/, '');
    } else if (rest.endsWith('<detached ...>')) {
      args = rest.slice(0, -'<detached ...>'.length).replace(/,?\s*$/, '');
    } else {
      // Neither a result nor a continuation marker: a cut line, or not strace at all.
      if (!this.knownName(name)) {
        this.agg.counters.skipped++;
        return;
      }
      this.agg.warn({
        code: 'TRUNCATED_LINE', severity: 'warning', file: this.file, line: lineNo,
        message: 'a syscall line without its result (the file was cut, or strace was killed); the call is counted',
      });
    }
    if (!this.knownName(name)) {
      this.agg.malformed(this.file, lineNo);
      this.agg.warn({
        code: 'UNKNOWN_SYSCALL_NAME', severity: 'warning', file: this.file, line: lineNo,
        message: `"${name}" is not a syscall on any architecture in the Linux 6.12 tables`,
      });
      return;
    }
    const t = this.tracee(pid);
    if (unfinished) t.unfinished.push(name);
    this.emit(name, args, pid, t, lineNo);
    if ((name === 'execve' || name === 'execveat') && !unfinished && / = 0(\s|$)/.test(rest.slice(ret))) {
      this.exec(t, args);
    } else if (name === 'execve' && unfinished) {
      const exe = pendingExe(args);
      if (exe !== undefined) t.pendingExe = exe;
    }
  }

  private knownName(name: string): boolean {
    return UNKNOWN_NR.test(name) || isKnownSyscall(name);
  }

  /** A successful execve: the tracee now runs the new program. */
  private exec(t: Tracee, args: string | undefined): void {
    const path = args !== undefined ? pendingExe(args) : t.pendingExe;
    if (path === undefined) return;
    t.exe = path;
    t.comm = path.slice(path.lastIndexOf('/') + 1).slice(0, 15);
  }

  private emit(rawName: string, args: string | undefined, pid: number | undefined, t: Tracee, lineNo: number): void {
    const arch = t.arch;
    let name: string | undefined = rawName;
    let nr: number | undefined;
    const un = UNKNOWN_NR.exec(rawName);
    if (un) {
      nr = Number(un[1]);
      name = syscallName(arch, nr);
    } else {
      nr = syscallNumber(arch, rawName);
    }
    if (name !== undefined) this.traced.add(`${arch}\0${name}`);
    this.calls++;
    this.agg.add({
      arch, nr, name, action: 'allow', count: 1, rendering: 'strace', file: this.file, line: lineNo,
      ...(pid !== undefined ? { pid } : {}),
      ...(t.comm !== undefined ? { comm: t.comm } : {}),
      ...(t.exe !== undefined ? { exe: t.exe } : {}),
      ...(args !== undefined ? { args: splitArgs(args) } : {}),
    });
  }

  /** The -c/-C/-w summary table. Returns true when the line belonged to it. */
  private summaryLine(text: string, lineNo: number): boolean {
    const mode = SUMMARY_MODE.exec(text);
    if (mode) {
      this.summaryArch = personalityArch(this.native, mode[1]!);
      this.agg.counters.skipped++;
      return true;
    }
    if (SUMMARY_HEADER.test(text) && /\bsyscall\b/.test(text) && /\bcalls\b/.test(text)) {
      this.summaryHeader = text;
      this.summaryCols = undefined;
      this.agg.counters.skipped++;
      return true;
    }
    if (this.summaryHeader === undefined) return false;
    if (/^-+( +-+)*\s*$/.test(text)) {
      if (!this.summaryCols) {
        const cols: { name: string; start: number; end: number }[] = [];
        const re = /-+/g;
        let m: RegExpExecArray | null;
        while ((m = re.exec(text))) cols.push({ name: '', start: m.index, end: m.index + m[0].length });
        for (let i = 0; i < cols.length; i++) {
          const from = i === 0 ? 0 : cols[i - 1]!.end;
          cols[i]!.name = this.summaryHeader.slice(from, cols[i]!.end).trim().replace(/\s+/g, ' ');
        }
        this.summaryCols = cols;
      }
      this.agg.counters.skipped++;
      return true;
    }
    const cols = this.summaryCols;
    const toks = text.trim().split(/\s+/);
    if (!cols || toks.length < 2) {
      this.summaryHeader = undefined;
      return false;
    }
    // Fixed-width columns; the syscall column is the last and may overflow its rule.
    const sysCol = cols.findIndex((c) => c.name === 'syscall');
    const callsCol = cols.findIndex((c) => c.name === 'calls');
    let name: string;
    let calls: number;
    const span = (i: number): string => text.slice(i === 0 ? 0 : cols[i - 1]!.end, cols[i]!.end).trim();
    if (sysCol < 0 || callsCol < 0) {
      name = toks[toks.length - 1]!;
      calls = Number(toks[3]);
    } else if (toks.length === cols.length) {
      name = toks[sysCol]!;
      calls = Number(toks[callsCol]);
    } else if (sysCol === cols.length - 1) {
      name = text.slice(cols[sysCol]!.start).trim();
      calls = Number(span(callsCol));
    } else {
      name = span(sysCol);
      calls = Number(span(callsCol));
    }
    if (name === 'total') {
      this.summaryHeader = undefined;
      this.summaryCols = undefined;
      this.agg.counters.skipped++;
      this.summaryExits(lineNo);
      return true;
    }
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || !Number.isFinite(calls)) {
      this.agg.malformed(this.file, lineNo);
      return true;
    }
    if (!this.knownName(name)) {
      this.agg.malformed(this.file, lineNo);
      this.agg.warn({ code: 'UNKNOWN_SYSCALL_NAME', severity: 'warning', file: this.file, line: lineNo, message: `"${name}" is not a syscall on any architecture in the Linux 6.12 tables` });
      return true;
    }
    const arch = this.summaryArch;
    if (this.traced.has(`${arch}\0${name}`)) {
      this.agg.counters.skipped++;
      return true;
    }
    const un = UNKNOWN_NR.exec(name);
    const nr = un ? Number(un[1]) : syscallNumber(arch, name);
    const resolved = un ? syscallName(arch, nr!) : name;
    this.calls++;
    this.summaryNames.add(name);
    this.agg.add({ arch, nr, name: resolved, action: 'allow', count: Math.max(1, calls), rendering: 'strace-summary', file: this.file, line: lineNo });
    return true;
  }

  /**
   * strace -c counts a call when it returns, so exit_group (and a thread's exit) never appear in the table. A
   * profile without them leaves processes unable to exit: add them when the file has only a summary.
   */
  private summaryExits(lineNo: number): void {
    if (this.calls === 0 || [...this.traced].length > 0) return;
    const arch = this.summaryArch;
    const threads = this.summaryNames.has('clone') || this.summaryNames.has('clone3');
    for (const name of threads ? ['exit_group', 'exit'] : ['exit_group']) {
      if (this.summaryNames.has(name)) continue;
      this.summaryNames.add(name);
      this.agg.add({ arch, nr: syscallNumber(arch, name), name, action: 'allow', count: 1, rendering: 'strace-summary', file: this.file, line: lineNo });
    }
    this.agg.warn({
      code: 'SUMMARY_ADDS_EXIT', severity: 'info', file: this.file, line: lineNo,
      message: 'strace -c tables never list exit_group/exit (they do not return); they were added',
    });
  }

  /** Called at end of input. */
  end(): void {
    // Nothing to settle: a call left unfinished (killed process, cut file) was counted when it started.
    this.tracees.clear();
  }
}

/** Index of the `)` that closes the argument list before ` = RESULT` (strace pads with spaces), or -1. */
function resultAt(rest: string): number {
  let i = rest.lastIndexOf(' = ');
  while (i > 0) {
    let j = i;
    while (j > 0 && rest.charCodeAt(j - 1) === 32) j--;
    if (j > 0 && rest.charCodeAt(j - 1) === 41) return j - 1;
    i = rest.lastIndexOf(' = ', i - 1);
  }
  return -1;
}

/** The program path of an execve/execveat argument text (first string argument). */
function pendingExe(args: string | undefined): string | undefined {
  if (args === undefined) return undefined;
  const m = /"((?:[^"\\]|\\.)*)"/.exec(args);
  return m ? m[1]!.replace(/\\(.)/g, '$1') : undefined;
}
