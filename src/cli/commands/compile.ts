// `seccompctl compile` (not implemented yet).
import type { Register } from './types.js';
import { UserError } from '../../common/index.js';

export const registercompile: Register = (program) => {
  program.command('compile').description('(not implemented yet)').allowUnknownOption().allowExcessArguments()
    .action(() => { throw new UserError('compile is not implemented yet'); });
};
