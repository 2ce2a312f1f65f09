// `seccompctl merge` (not implemented yet).
import type { Register } from './types.js';
import { UserError } from '../../common/index.js';

export const registermerge: Register = (program) => {
  program.command('merge').description('(not implemented yet)').allowUnknownOption().allowExcessArguments()
    .action(() => { throw new UserError('merge is not implemented yet'); });
};
