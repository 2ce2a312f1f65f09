// recordProfile, `record -- CMD` as one library call: each refusal the CLI prints comes back from the library as the
// same diagnostic (code, message), with nothing written — a library user gets what the CLI user gets.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { recordProfile } from '../../src/record/index.js';
import { cli } from '../helpers/cli.js';
import { haveSystem } from '../helpers/system.js';

const dir = mkdtempSync(join(tmpdir(), 'seccompctl-record-profile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!haveSystem('strace'))('recordProfile: the route\'s rules, from the library', () => {
  it('an -o that cannot be written: OUTPUT_NOT_WRITABLE before the workload runs, the message the CLI prints', async () => {
    const out = join(dir, 'no-such-dir', 'p.json');
    const mark = join(dir, 'ran');
    const p = await recordProfile({ argv: ['sh', '-c', `touch ${mark}`], backend: 'strace', outputFile: out });
    expect(p.outcome).toBe('refused');
    expect(p.recording).toBeUndefined();
    expect(p.diagnostics.map((d) => d.code)).toEqual(['OUTPUT_NOT_WRITABLE']);
    expect(existsSync(mark)).toBe(false);
    const c = await cli(['record', '--backend', 'strace', '-o', out, '--', 'sh', '-c', `touch ${mark}`]);
    expect(c.code).toBe(2);
    expect(c.stderr.trim()).toBe(`seccompctl: ${p.diagnostics[0]!.message}`);
    expect(existsSync(mark)).toBe(false);
  });

  it('a failed command: COMMAND_FAILED, the previous file untouched, the line the CLI prints', async () => {
    const out = join(dir, 'prev.json');
    writeFileSync(out, 'previous');
    const p = await recordProfile({ argv: ['sh', '-c', 'exit 3'], backend: 'strace', outputFile: out, output: 'capture' });
    expect(p.outcome).toBe('refused');
    expect(p.recording?.exitCode).toBe(3);
    expect(p.diagnostics.map((d) => [d.code, d.severity])).toEqual([['COMMAND_FAILED', 'error']]);
    expect(p.profileText).toBeUndefined();
    expect(readFileSync(out, 'utf8')).toBe('previous');
    const c = await cli(['record', '--backend', 'strace', '-o', out, '--', 'sh', '-c', 'exit 3']);
    expect(c.code).toBe(1);
    expect(c.stderr).toContain(`seccompctl: ${p.diagnostics[0]!.message}\n`);
    expect(readFileSync(out, 'utf8')).toBe('previous');
  });

  it('a second stop signal (killSignal aborted): RECORDING_INTERRUPTED, nothing written', async () => {
    const out = join(dir, 'twice.json');
    const stop = new AbortController();
    const kill = new AbortController();
    const running = recordProfile({ argv: ['sleep', '30'], backend: 'strace', outputFile: out, signal: stop.signal, killSignal: kill.signal, killGraceMs: 10_000 });
    await new Promise((r) => setTimeout(r, 1000));
    stop.abort();
    kill.abort();
    const p = await running;
    expect(p.outcome).toBe('refused');
    expect(p.diagnostics.map((d) => d.code)).toEqual(['RECORDING_INTERRUPTED']);
    expect(p.diagnostics[0]!.message).toBe('recording interrupted twice: no profile written');
    expect(existsSync(out)).toBe(false);
  }, 30_000);

  it('a good run: ok, the profile written atomically and returned, generate\'s result with it', async () => {
    const out = join(dir, 'true.json');
    const p = await recordProfile({ argv: ['true'], backend: 'strace', runtime: 'none', outputFile: out, output: 'capture' });
    expect(p.outcome).toBe('ok');
    expect(p.written).toBe(out);
    expect(readFileSync(out, 'utf8')).toBe(p.profileText);
    const names = (JSON.parse(p.profileText!) as { syscalls: { names: string[] }[] }).syscalls[0]!.names;
    expect(names).toContain('execve');
    expect(p.generated?.runtimeAdded).toEqual([]);
  });
});
