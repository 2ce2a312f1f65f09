// The fuzzing side of test/ingest/fuzz.test.ts, in a worker thread with a heap limit: generates the inputs of one
// target (deterministic seeds), runs the parser on each and checks its invariants. Before each input it posts
// {i, label, bytes}; after it {i, ok} or {i, failure}. The test's watchdog ends the worker when one input runs past
// its time budget, and the heap limit ends it when one uses too much memory.
import { parentPort, workerData } from 'node:worker_threads';
import fc from 'fast-check';
import { Ingester } from '../../src/ingest/index.js';
import { safeParseProfile } from '../../src/profile/index.js';

type Target = 'audit' | 'strace' | 'profile-json' | 'profile-yaml';
const { target, runs, seed } = workerData as { target: Target; runs: number; seed: number };
const post = (m: unknown) => parentPort!.postMessage(m);

const REC = 'audit: type=1326 audit(1795818969.767:464): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=10638 comm="runc:[2:INIT]" exe="/" sig=0 arch=c000003e syscall=257 compat=0 ip=0x40828e code=0x7ffc0000';
const FRAGMENTS: Record<Target, string[]> = {
  audit: [
    REC, `[  518.2] ${REC}`, `5,1043,708952635,-;${REC}`, `type=SECCOMP msg=audit(1.1:2): arch=16 syscall=4 code=0x80000000AUID="unset"`,
    'Nov 27 22:59:00 n audit[1]: SECCOMP pid=1 arch=c00000b7 syscall=56 code=0x7ffc0000', 'kauditd_printk_skb: 3 callbacks suppressed',
    'audit_lost=5', '{"MESSAGE":"SECCOMP syscall=1 arch=c000003e","_AUDIT_ID":"9"}', '{"MESSAGE":[83,69,', 'audit(', 'arch=', 'syscall=',
    'comm="', 'exe=41424', 'code=0x', ') : ', 'type=1326 ', 'audit[', '\x1d', '=', '"', ' ', 'syscall=99999999999999999999999',
  ],
  strace: [
    '123 openat(AT_FDCWD, "/x", O_RDONLY) = 3', '[pid 5] read(3, <unfinished ...>', '[pid 5] <... read resumed>"", 1) = 0',
    '% time     seconds  usecs/call     calls    errors syscall', '------ ----------- ----------- --------- --------- ----------------',
    ' 10.00 0.1 1 2 3 4 5', '[ Process PID=1 runs in 32 bit mode. ]', '+++ exited with 0 +++', '--- SIGCHLD {si_signo=SIGCHLD} ---',
    '12:00:00.123456 execve("/bin/sh", ["sh"], 0x7ff /* 3 vars */) = 0', 'syscall_0x1ff(1, 2) = -1 ENOSYS', '(', ')', '{', '"', ' = ', '<', '>',
  ],
  'profile-json': [
    '{', '}', '[', ']', ',', ':', '"defaultAction"', '"SCMP_ACT_ERRNO"', '"syscalls"', '"names"', '"action"', '"args"', '"index"',
    '"value"', '"op"', '"SCMP_CMP_EQ"', '"architectures"', '"SCMP_ARCH_X86_64"', '"errnoRet"', '1', '-0', '1e309', '18446744073709551616',
    '0x10', 'null', 'true', '"\\u0000"', '"\\ud800"', '\ufeff', '\r\n', '"x\\', '/*', '//',
  ],
  'profile-yaml': [
    'defaultAction: SCMP_ACT_ERRNO', 'syscalls:', '- names: [read]', '  action: SCMP_ACT_ALLOW', 'architectures: [SCMP_ARCH_X86_64]', '&a', '*a',
    '<<: *a', '!!binary', '!!str', '? ', '- ', '  ', '\t', ': ', '{', '}', '[', ']', '|', '>-', '---', '...', '%YAML 1.2', '1e309',
    '0o777', '.inf', '~', 'kind: SeccompProfile', 'apiVersion: security-profiles-operator.x-k8s.io/v1beta1', 'spec:', '\r\n', '#',
  ],
};

/** Hand-made hostile inputs: deep nesting, alias bombs, huge numbers, NUL, invalid UTF-8, CRLF, 10 MB single lines. */
function specials(t: Target): [string, Buffer][] {
  const s = (label: string, text: string | Buffer): [string, Buffer] => [label, typeof text === 'string' ? Buffer.from(text) : text];
  const tenMB = 10 << 20;
  const common: [string, Buffer][] = [
    s('NUL bytes', `${FRAGMENTS[t][0]}\n\0\0\0\n${FRAGMENTS[t][0]}\n`),
    s('invalid UTF-8', Buffer.concat([Buffer.from(`${FRAGMENTS[t][0]}\n`), Buffer.from([0xc3, 0x28, 0xed, 0xa0, 0x80, 0xff, 0x0a])])),
    s('CRLF', `${FRAGMENTS[t].slice(0, 8).join('\r\n')}\r\n`),
    s('10 MB single line of x', 'x'.repeat(tenMB)),
    s('10 MB single line, no newline, of the first fragment', FRAGMENTS[t][0]!.repeat(Math.ceil(tenMB / FRAGMENTS[t][0]!.length))),
    s('1 MB of newlines', '\n'.repeat(1 << 20)),
    s('1 MB of CR', '\r'.repeat(1 << 20)),
  ];
  if (t === 'audit') {
    return [...common,
      s('10 MB record line', `${REC} ${'comm="x" '.repeat(tenMB / 9)}\n${REC}\n`),
      s('1 MB of records with huge numbers', `${REC.replace('syscall=257', `syscall=${'9'.repeat(400)}`).replace('464', '9'.repeat(400))}\n`.repeat(2000)),
      s('1 MB of distinct records', Array.from({ length: 6000 }, (_, i) => REC.replace('pid=10638', `pid=${i}`).replace('syscall=257', `syscall=${i % 500}`)).join('\n')),
    ];
  }
  if (t === 'strace') {
    return [...common,
      s('10 MB strace call line', `1 write(1, "${'a'.repeat(tenMB)}", 10485760) = 10485760\n`),
      s('deeply nested arguments', `1 ioctl(3, ${'{'.repeat(100_000)}${'}'.repeat(100_000)}) = 0\n`),
      s('100 000 unfinished calls', Array.from({ length: 100_000 }, (_, i) => `[pid ${i}] read(3, <unfinished ...>`).join('\n')),
    ];
  }
  if (t === 'profile-json') {
    return [...common,
      s('deep arrays', '['.repeat(500_000) + ']'.repeat(500_000)),
      s('deep objects', '{"a":'.repeat(200_000) + '1' + '}'.repeat(200_000)),
      s('unclosed deep arrays', '['.repeat(1 << 20)),
      s('huge numbers', `{"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":${'9'.repeat(100_000)},"syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":1e999999,"op":"SCMP_CMP_EQ"}]}]}`),
      s('10 MB string value', `{"defaultAction":"${'A'.repeat(tenMB)}"}`),
      s('1 MB of names', `{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":[${Array.from({ length: 90_000 }, (_, i) => `"s${i}"`).join(',')}],"action":"SCMP_ACT_ALLOW"}]}`),
    ];
  }
  const laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 10; i++) laughs.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
  return [...common,
    s('billion laughs (alias bomb)', laughs.join('\n') + '\ndefaultAction: SCMP_ACT_ERRNO\n'),
    s('alias bomb in syscalls', laughs.join('\n') + '\nsyscalls:\n- names: *j\n  action: SCMP_ACT_ALLOW\n'),
    s('deep block nesting', Array.from({ length: 5000 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' 1\n'),
    s('deep flow nesting', '['.repeat(200_000) + ']'.repeat(200_000)),
    s('huge numbers', `defaultAction: SCMP_ACT_ERRNO\ndefaultErrnoRet: ${'9'.repeat(100_000)}\nsyscalls:\n- names: [read]\n  action: SCMP_ACT_ALLOW\n  args: [{index: 0, value: 1e999999, op: SCMP_CMP_EQ}]\n`),
    s('10 MB scalar', `defaultAction: ${'A'.repeat(tenMB)}\n`),
    s('merge-key loop', 'a: &a\n  <<: *a\n'),
  ];
}

const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

/** Runs the target's parser; returns why the outcome is wrong, or undefined. Throws only on a crash. */
function check(input: Buffer): string | undefined {
  if (target === 'audit' || target === 'strace') {
    const ing = new Ingester({ format: target, nativeArch: 'x86_64' });
    ing.beginFile('fuzz.log');
    try {
      for (let i = 0; i < input.length; i += 1 << 16) ing.pushChunk(input.subarray(i, i + (1 << 16)));
      ing.endFile();
    } catch (e) {
      // The only error an ingest may raise on any input: not text (a UserError of one line).
      const m = (e as Error).message;
      if ((e as Error).name === 'UserError' && /^fuzz\.log: not a text file: /.test(m) && !m.includes('\n') && !CONTROL.test(m)) return undefined;
      throw e;
    }
    const r = ing.result();
    const c = r.counters;
    if (c.bytes !== input.length) return `counted ${c.bytes} bytes of ${input.length}`;
    if (c.matched > c.lines) return `${c.matched} records in ${c.lines} lines`;
    if (r.processes.length > 4096 || r.loss.length > 200) return 'a bound was exceeded';
    for (const d of r.diagnostics) if (CONTROL.test(d.message)) return `raw control byte in ${d.code}`;
    return undefined;
  }
  const text = input.toString('utf8');
  const r = safeParseProfile(text, { file: 'fuzz' });
  for (const d of r.diagnostics) {
    if (d.code === 'INTERNAL_PARSE_ERROR') return `internal error: ${d.message.slice(0, 200)}`;
    if (CONTROL.test(d.message)) return `raw control byte in ${d.code}: ${JSON.stringify(d.message.slice(0, 100))}`;
  }
  if (!r.ok && r.diagnostics.length === 0) return 'refused without a diagnostic';
  return undefined;
}

const piece = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...FRAGMENTS[target]) },
  { weight: 2, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
  { weight: 1, arbitrary: fc.constantFrom('\n', '\r\n', ' ', '\t', '\0') },
);
const smallInput = fc.oneof(
  { weight: 9, arbitrary: fc.array(piece, { maxLength: 60 }).map((a) => Buffer.from(a.join(''))) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 2000 }).map((a) => Buffer.from(a)) },
);
/** ~1 MB: a random block of pieces repeated (8 per target, 3 for YAML: the yaml package takes seconds per MB). */
const bigInput = fc.array(piece, { minLength: 5, maxLength: 40 }).map((a) => {
  const block = a.join('') + '\n';
  return Buffer.from(block.repeat(Math.ceil((1 << 20) / Math.max(1, Buffer.byteLength(block)))));
});

let i = 0;
const run = (label: string, input: Buffer) => {
  post({ i, label, bytes: input.length });
  let failure: string | undefined;
  try {
    failure = check(input);
  } catch (e) {
    failure = `threw ${(e as Error).name}: ${(e as Error).message.slice(0, 300)}`;
  }
  post(failure === undefined ? { i, ok: true } : { i, failure, label, sample: input.subarray(0, 200).toString('hex') });
  i++;
};
for (const [label, input] of specials(target)) run(label, input);
for (const input of fc.sample(smallInput, { numRuns: runs, seed })) run('random', input);
for (const input of fc.sample(bigInput, { numRuns: target === 'profile-yaml' ? 3 : 8, seed: seed + 1 })) run('random 1 MB', input);
post({ done: i });
