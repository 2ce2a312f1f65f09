// `seccompctl schema` (not implemented yet).
import type { Register } from './types.js';
import { UserError } from '../../common/index.js';

export const registerschema: Register = (program) => {
  program.command('schema').description('(not implemented yet)').allowUnknownOption().allowExcessArguments()
    .action(() => { throw new UserError('schema is not implemented yet'); });
};
