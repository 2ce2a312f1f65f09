// The options every command that reads a profile shares for `runtime-default[:containerd|cri-o|docker]` references.
import { Option } from 'commander';
import { readProfileRef, type ProfileRefText } from '../../generate/index.js';
import type { CliIO } from '../io.js';

/** `--caps CAP,...` for expanding a runtime-default reference (repeatable, comma-separated). */
export function capsOption(): Option {
  return new Option('--caps <caps>', 'runtime-default: the container\'s bounding capabilities, comma-separated (default: the runtime\'s default set; "" for none)')
    .argParser((v: string, prev: string[] | undefined) => [...(prev ?? []), ...v.split(',').map((c) => c.trim()).filter(Boolean)]);
}

/** One line of help text naming the references a profile argument accepts. */
export const PROFILE_REF_HELP = 'a profile file (OCI, Docker or SPO; JSON or YAML), - for standard input, or runtime-default[:containerd|cri-o|docker]';

/** Reads a command's profile argument (file, -, or runtime-default[:RUNTIME] expanded for --arch/--caps/--kernel). */
export function readCommandProfile(ref: string, io: CliIO, opts: { arch?: string | undefined; caps?: readonly string[] | undefined; kernel?: string | undefined }): Promise<ProfileRefText> {
  return readProfileRef(ref, {
    cwd: io.cwd, stdin: io.stdin,
    ...(opts.arch !== undefined ? { arch: opts.arch } : {}),
    ...(opts.caps !== undefined ? { caps: opts.caps } : {}),
    ...(opts.kernel !== undefined ? { kernelVersion: opts.kernel } : {}),
  });
}
