// `seccompctl node` (not implemented yet).
import type { Register } from './types.js';
import { UserError } from '../../common/index.js';

export const registernode: Register = (program) => {
  program.command('node').description('(not implemented yet)').allowUnknownOption().allowExcessArguments()
    .action(() => { throw new UserError('node is not implemented yet'); });
};
