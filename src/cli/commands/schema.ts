// `seccompctl schema`: prints the JSON Schema of the profile formats (for editors and CI).
import { type Command as TypedCommand } from '@commander-js/extra-typings';
import { readProfileSchema } from '../../profile/index.js';
import type { Register } from './types.js';

export const registerschema: Register = (program, io) => {
  (program.command('schema') as unknown as TypedCommand)
    .description('Print the JSON Schema of seccomp profiles (OCI, Docker and SPO SeccompProfile) for editors and CI.')
    .addHelpText('after', `
Examples:
  seccompctl schema > seccomp-profile.schema.json
  # VS Code: "json.schemas": [{"fileMatch": ["*seccomp*.json"], "url": "./seccomp-profile.schema.json"}]

The same file ships in the npm package as seccompctl/schema.json. The schema checks shape and enums only;
\`seccompctl validate\` checks what runtimes do with a profile.`)
    .action(() => {
      io.stdout.write(readProfileSchema());
    });
};
