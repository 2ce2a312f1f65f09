// The committed runc base sets come from this runc: re-derive them and compare.
import { describe, expect, it } from 'vitest';
import { measureRuncBaseSets, RUNC_BASE_SETS, runcAvailability, withGoRuntime } from '../../src/runtime/index.js';
import { haveRoot, haveSystem } from '../helpers/system.js';

const live = haveSystem('runc') && haveRoot();

describe.skipIf(!live)('runc base sets', () => {
  it('are measured on the runc installed here, and a fresh measurement is covered by them', async () => {
    const a = runcAvailability();
    expect(a.ok).toBe(true);
    expect(RUNC_BASE_SETS.measured).toBe(true);
    expect(RUNC_BASE_SETS.runcVersion).toBe(a.ok ? a.version : '');
    const m = await measureRuncBaseSets({ runs: 3 });
    expect(m.lossy).toBe(false);
    expect(RUNC_BASE_SETS.nnp).toEqual(expect.arrayContaining(m.nnp));
    expect(RUNC_BASE_SETS.noNnp).toEqual(expect.arrayContaining(m.noNnp));
    // NNP off needs the credential calls runc makes before dropping privileges; NNP on does not.
    for (const n of ['capset', 'setgroups', 'prctl']) {
      expect(m.noNnp).toContain(n);
      expect(m.nnp).not.toContain(n);
    }
    expect(withGoRuntime(m.nnp)).toEqual([...withGoRuntime(m.nnp)].sort());
  }, 60_000);
});
