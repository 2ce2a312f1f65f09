// `seccompctl diff` (not implemented yet).
import type { Register } from './types.js';
import { UserError } from '../../common/index.js';

export const registerdiff: Register = (program) => {
  program.command('diff').description('(not implemented yet)').allowUnknownOption().allowExcessArguments()
    .action(() => { throw new UserError('diff is not implemented yet'); });
};
