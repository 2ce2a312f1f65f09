// report's rules live in the library (reportFromFiles): refusals come back as diagnostics with a code and an outcome,
// and `seccompctl report` prints exactly those with the same exit code; what it renders is what the CLI prints.
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { reportFromFiles } from '../../src/report/index.js';
import { cli } from '../helpers/cli.js';

const P = resolve('test/report/fixtures/known.json');
const stdin = (s: string): Readable => Readable.from([Buffer.from(s)]);

describe('reportFromFiles', () => {
  it('refuses an unknown --arch (UNKNOWN_ARCH), as report prints it', async () => {
    const r = await reportFromFiles(P, { arch: 'vax' });
    expect([r.outcome, r.diagnostics.map((d) => d.code), r.text]).toEqual(['refused', ['UNKNOWN_ARCH'], undefined]);
    const c = await cli(['report', P, '--arch', 'vax']);
    expect(c.code).toBe(2);
    expect(c.stderr).toBe(`seccompctl: ${r.diagnostics[0]!.message}\n`);
  });

  it('refuses standard input for more than one of PROFILE, --against and --recording (STDIN_USED_TWICE)', async () => {
    const r = await reportFromFiles('-', { against: '-', stdin: stdin('{}') });
    expect([r.outcome, r.diagnostics.map((d) => d.code)]).toEqual(['refused', ['STDIN_USED_TWICE']]);
    const c = await cli(['report', '-', '--recording', '-'], { stdin: '{}' });
    expect(c.code).toBe(2);
    expect(c.stderr).toBe(`seccompctl: ${r.diagnostics[0]!.message}\n`);
  });

  it('renders what the CLI prints (Markdown, against a RuntimeDefault)', async () => {
    const generatedBy = 'seccompctl test report';
    const r = await reportFromFiles(P, { format: 'md', against: 'runtime-default:docker', arch: 'x86_64', generatedBy });
    expect(r.outcome).toBe('ok');
    expect(r.model!.comparison).toBeDefined();
    const c = await cli(['report', P, '--format', 'md', '--against', 'runtime-default:docker', '--arch', 'x86_64']);
    expect(c.code).toBe(0);
    // The CLI names its version where the library call named the test.
    expect(c.stdout.replace(/seccompctl \S+ report/g, generatedBy)).toBe(r.text);
  });
});
