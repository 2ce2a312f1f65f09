// `seccompctl check` (not implemented yet).
import type { Register } from './types.js';
import { UserError } from '../../common/index.js';

export const registercheck: Register = (program) => {
  program.command('check').description('(not implemented yet)').allowUnknownOption().allowExcessArguments()
    .action(() => { throw new UserError('check is not implemented yet'); });
};
