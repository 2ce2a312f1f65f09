// The JSON Schema of the profile formats (OCI, Docker, SPO CR), shipped as schema/seccomp-profile.schema.json.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Absolute path of the shipped schema file (the same from src/ and from dist/). */
export const PROFILE_SCHEMA_PATH: string = fileURLToPath(new URL('../../schema/seccomp-profile.schema.json', import.meta.url));

/** The schema file's exact text. */
export function readProfileSchema(): string {
  return readFileSync(PROFILE_SCHEMA_PATH, 'utf8');
}
