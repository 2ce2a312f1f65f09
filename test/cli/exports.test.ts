// The library's public surface: the pipeline's verbs (src/index.ts), a page long. Stage internals are reached through
// each stage's index.ts inside this repository only. A change here is an API change: review it.
import { expect, it } from 'vitest';
import * as api from '../../src/index.js';

it('exports a reviewed list of verbs and constants (types are checked by the compiler)', () => {
  expect(Object.keys(api).sort().join(' ')).toMatchInlineSnapshot(`"ARCHES DIAGNOSTIC_CODES EnvironmentError LOSS_ADVICE PROFILE_SCHEMA_PATH RUNTIMES UserError advise adviseFile annotateWorkload buildInstall buildSpoResource certainLoss checkProfileCalls checkSyscall checkSyscalls compileProfile compileProfileRef convertProfile createReport describeLoss diffProfileRefs diffProfiles disassemble dockerToOci doctorNode emulate formatDiagnostic gatherNodeFacts generate generateFromFiles generateWithArgs hostArch ingestFiles ingestText installFiles judgeNode judgeProfile lintFiles lintManifest loadRuntimeDefault mergeProfileFiles mergeProfiles normalizeProfile ociToDocker ociToSpo parseProfile patchFiles patchManifest printDockerProfile printProfile printSpoProfile pullRecordings readProfileRef readProfileSchema recordProfile recordWorkload recordingJson renderInstallYaml renderRecordInstallYaml renderSpoYaml reportFromFiles resolveArch resolveQueries resolveSyscall runAgent safeParseProfile spoFiles spoToOci syscallName syscallNumber toSarif validateProfile verifyProfile"`);
});

it('keeps internals out: spawners, parsers, probes and runners are not exported', () => {
  for (const name of ['spawnInSession', 'AuditParser', 'StraceParser', 'Ingester', 'startProbe', 'startContainer', 'KmsgReader', 'LineCounter', 'registerCleanup']) {
    expect(Object.keys(api), name).not.toContain(name);
  }
});
