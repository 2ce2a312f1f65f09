// Every subcommand module; main.ts registers them in this order.
export { registerresolve } from './resolve.js';
export { registervalidate } from './validate.js';
export { registerconvert } from './convert.js';
export { registerschema } from './schema.js';
export { registergenerate } from './generate.js';
export { registermerge } from './merge.js';
export { registerdiff } from './diff.js';
export { registerrecord } from './record.js';
export { registerverify } from './verify.js';
export { registercompile } from './compile.js';
export { registercheck } from './check.js';
export { registerk8s } from './k8s.js';
export { registernode } from './node.js';
