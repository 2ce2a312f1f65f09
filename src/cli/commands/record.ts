// `seccompctl record` (not implemented yet).
import type { Register } from './types.js';
import { UserError } from '../../common/index.js';

export const registerrecord: Register = (program) => {
  program.command('record').description('(not implemented yet)').allowUnknownOption().allowExcessArguments()
    .action(() => { throw new UserError('record is not implemented yet'); });
};
