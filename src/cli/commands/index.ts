// Every subcommand module, in pipeline order (the order `--help` lists them).
import type { Register } from './types.js';
import { registerresolve } from './resolve.js';
import { registervalidate } from './validate.js';
import { registerconvert } from './convert.js';
import { registerschema } from './schema.js';
import { registergenerate } from './generate.js';
import { registermerge } from './merge.js';
import { registerdiff } from './diff.js';
import { registerrecord } from './record.js';
import { registerverify } from './verify.js';
import { registercompile } from './compile.js';
import { registercheck } from './check.js';
import { registeradvise } from './advise.js';
import { registerdoctor } from './doctor.js';
import { registerk8s } from './k8s.js';
import { registernode } from './node.js';
import { registeragent } from './agent.js';
import { registerreport } from './report.js';
import { registercompletion } from './completion.js';

/** Registration functions in the order commands appear in `seccompctl --help`. */
export const COMMANDS: readonly Register[] = [
  registerresolve, registervalidate, registerconvert, registerschema, registergenerate, registermerge, registerdiff,
  registerrecord, registerverify, registercompile, registercheck, registeradvise, registerreport, registerk8s, registernode, registeragent, registercompletion, registerdoctor,
];
