// `seccompctl k8s` (not implemented yet).
import type { Register } from './types.js';
import { UserError } from '../../common/index.js';

export const registerk8s: Register = (program) => {
  program.command('k8s').description('(not implemented yet)').allowUnknownOption().allowExcessArguments()
    .action(() => { throw new UserError('k8s is not implemented yet'); });
};
