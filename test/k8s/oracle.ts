// An independent YAML reader for the k8s patch tests: Debian's python3-yaml with libyaml (CSafeLoader), whose
// reading of block scalars, chomping and line breaks is the one go-yaml (kubectl, the API server) shares.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { DEBIAN_PYTHON } from '../helpers/system.js';

const SCRIPT = join(import.meta.dirname, 'yaml_oracle.py');

export type OracleResult = { ok: true; docs: unknown[] } | { ok: false; error: string };

/** Whether python3-yaml with libyaml is installed; throws in CI (SECCOMPCTL_REQUIRE_SYSTEM=1) when it is not. */
export function haveLibyaml(): boolean {
  try {
    execFileSync(DEBIAN_PYTHON, ['-c', 'import yaml, sys; sys.exit(0 if yaml.__with_libyaml__ else 1)'], { stdio: 'ignore' });
    return true;
  } catch {
    if (process.env.SECCOMPCTL_REQUIRE_SYSTEM === '1') throw new Error('SECCOMPCTL_REQUIRE_SYSTEM=1 but python3-yaml (with libyaml) is missing');
    return false;
  }
}

/** Reads every text with libyaml, in one python process. */
export function libyamlRead(texts: readonly string[]): OracleResult[] {
  const out = execFileSync(DEBIAN_PYTHON, [SCRIPT], { input: JSON.stringify(texts), maxBuffer: 256 << 20 });
  return JSON.parse(out.toString()) as OracleResult[];
}
