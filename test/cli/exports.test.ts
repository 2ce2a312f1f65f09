// The library's public surface: the pipeline's verbs (src/index.ts), a page long. Stage internals are reached through
// each stage's index.ts inside this repository only. A change here is an API change: review it.
import { expect, it } from 'vitest';
import * as api from '../../src/index.js';

it('exports a reviewed list of verbs and constants (types are checked by the compiler)', () => {
  expect(Object.keys(api).sort().join(' ')).toMatchInlineSnapshot(`"ARCHES DIAGNOSTIC_CODES EnvironmentError LOSS_ADVICE PROFILE_SCHEMA_PATH RUNTIMES UserError advise adviseFile buildInstall buildSpoResource certainLoss checkProfileCalls checkSyscall checkSyscalls compileProfile compileProfileRef convertProfile createReport describeLoss diffProfileRefs diffProfiles disassemble dockerToOci doctorNode emulate formatDiagnostic gatherNodeFacts generate generateFromFiles generateWithArgs hostArch ingestFiles ingestText judgeNode judgeProfile lintManifest loadRuntimeDefault mergeProfileFiles mergeProfiles normalizeProfile ociToDocker ociToSpo parseProfile patchManifest printDockerProfile printProfile printSpoProfile readProfileRef readProfileSchema recordProfile recordWorkload recordingJson renderInstallYaml renderSpoYaml reportFromFiles resolveArch resolveQueries resolveSyscall safeParseProfile spoToOci syscallName syscallNumber toSarif validateProfile verifyProfile"`);
});

it('keeps internals out: spawners, parsers, probes and runners are not exported', () => {
  for (const name of ['spawnInSession', 'AuditParser', 'StraceParser', 'Ingester', 'startProbe', 'startContainer', 'KmsgReader', 'LineCounter', 'registerCleanup']) {
    expect(Object.keys(api), name).not.toContain(name);
  }
});
