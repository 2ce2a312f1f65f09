// `seccompctl generate` (not implemented yet).
import type { Register } from './types.js';
import { UserError } from '../../common/index.js';

export const registergenerate: Register = (program) => {
  program.command('generate').description('(not implemented yet)').allowUnknownOption().allowExcessArguments()
    .action(() => { throw new UserError('generate is not implemented yet'); });
};
