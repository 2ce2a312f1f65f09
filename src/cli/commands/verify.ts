// `seccompctl verify` (not implemented yet).
import type { Register } from './types.js';
import { UserError } from '../../common/index.js';

export const registerverify: Register = (program) => {
  program.command('verify').description('(not implemented yet)').allowUnknownOption().allowExcessArguments()
    .action(() => { throw new UserError('verify is not implemented yet'); });
};
