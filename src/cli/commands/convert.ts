// `seccompctl convert` (not implemented yet).
import type { Register } from './types.js';
import { UserError } from '../../common/index.js';

export const registerconvert: Register = (program) => {
  program.command('convert').description('(not implemented yet)').allowUnknownOption().allowExcessArguments()
    .action(() => { throw new UserError('convert is not implemented yet'); });
};
