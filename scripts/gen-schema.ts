// `npm run gen:schema`: writes schema/seccomp-profile.schema.json from the format tables in src/profile/format.ts (format-schema.ts)
// (and, from src/schemas.ts, one schema per `--json` output). test/profile/format.test.ts fails when they drift.
import { writeFileSync } from 'node:fs';
import { profileJsonSchemaText } from '../src/profile/format-schema.js';

writeFileSync('schema/seccomp-profile.schema.json', profileJsonSchemaText());
process.stdout.write('wrote schema/seccomp-profile.schema.json\n');
