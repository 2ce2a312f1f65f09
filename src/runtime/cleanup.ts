// The cleanup registry lives in src/common (the CLI's signal handlers load it at start-up without loading the
// runtime stage); runtime's modules import it from here.
export type { Cleanup } from '../common/index.js';
export { pendingCleanups, registerCleanup, runCleanups } from '../common/index.js';
