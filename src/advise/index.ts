// Advise stage: "will RuntimeDefault break this workload?" — a recording or profile checked against each runtime's
// exact RuntimeDefault with the evaluator and BPF emulation `check` uses (see docs/node.md).
export type { AdviseInput, AdviseOptions, AdviseFinding, AdviseResult, AdviseVerdict, FindingOutcome, RuntimeAdvice } from './advise.js';
export type { ContainerAdvice } from './next-steps.js';
export { advise, judgeAdvice, straceArgValue } from './advise.js';
export { readAdviseInput, inspectAdviseInput } from './input.js';
export { adviseCommands, findRecording, containerAdvisor } from './next-steps.js';
export type { AdviseFileOptions, AdviseOutcome, AdviseReport } from './file.js';
export { adviseFile } from './file.js';
// verify's ENOSYS verdict policy (it lives in verify, which applies it); re-exported for existing callers.
export type { DenialSplit } from '../verify/index.js';
export { splitDeliberateEnosys, deliberateEnosysNames } from '../verify/index.js';
