// `seccompctl validate` (not implemented yet).
import type { Register } from './types.js';
import { UserError } from '../../common/index.js';

export const registervalidate: Register = (program) => {
  program.command('validate').description('(not implemented yet)').allowUnknownOption().allowExcessArguments()
    .action(() => { throw new UserError('validate is not implemented yet'); });
};
