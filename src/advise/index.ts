// Advise stage: "will RuntimeDefault break this workload?" — a recording or profile checked against each runtime's
// exact RuntimeDefault with the evaluator and BPF emulation `check` uses (see docs/node.md).
export type { AdviseInput, AdviseOptions, AdviseFinding, AdviseResult, AdviseVerdict, FindingOutcome, RuntimeAdvice, DenialSplit, ContainerAdvice } from './advise.js';
export { advise, adviseCommands, readAdviseInput, straceArgValue, splitDeliberateEnosys, deliberateEnosysNames, findRecording, containerAdvisor } from './advise.js';
