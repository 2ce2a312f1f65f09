// runc's own argument uses (generate --args keeps them allowed): re-measure on this runc and compare with the committed
// values, and check that a profile with argument rules lets runc start (NNP off: the capability calls are measured).
import { describe, expect, it } from 'vitest';
import { RUNC_BASE_SETS } from '../../src/runtime/index.js';
import { measureRuncArgs } from '../../src/record/index.js';
import { haveRoot, haveSystem } from '../helpers/system.js';
import { RUNC_BASE_ARGS } from '../../src/generate/runc-base-args.generated.js';

const live = haveSystem('runc', 'strace') && haveRoot();

describe.skipIf(!live)('runc\'s argument uses after loading the filter', () => {
  it('a fresh measurement (3 runs, without the Go runtime additions) is covered by the committed values, for this runc', async () => {
    const m = await measureRuncArgs({ runs: 3, withGoRuntime: false });
    expect(RUNC_BASE_ARGS.runcVersion).toBe(m.runcVersion);
    for (const [setting, measured] of [['nnp', m.nnp], ['noNnp', m.noNnp]] as const) {
      const committed = RUNC_BASE_ARGS[setting].values;
      for (const [name, tuples] of Object.entries(measured)) {
        expect(RUNC_BASE_SETS[setting], `${setting}: ${name} is in the base set`).toContain(name);
        for (const t of tuples) expect(committed[name]?.map((x) => x.join(', ')), `${setting} ${name}(${t.join(', ')})`).toContain(t.join(', '));
      }
    }
    // Without no-new-privileges runc drops capabilities after loading the filter: prctl with capability options.
    expect(m.noNnp.prctl?.map((t) => t[0])).toEqual(expect.arrayContaining(['PR_CAPBSET_DROP', 'PR_SET_KEEPCAPS']));
    expect(m.nnp.prctl).toBeUndefined();
  }, 120_000);
});
