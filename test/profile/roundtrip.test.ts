// parse(print(p)) deep-equals p, for all three dialects; and a 50 MB profile parses.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ACTIONS, FLAGS, OPERATORS, SPEC_ARCHES, normalizeProfile, parseProfile, printDockerProfile, printProfile, printSpoProfile, validateProfile,
  type DockerProfile, type Profile, type SpoProfile, type SyscallArg,
} from '../../src/profile/index.js';

const str = fc.string({ unit: 'binary', maxLength: 12 });
const name = fc.oneof(fc.constantFrom('read', 'write', 'openat', 'clone3', 'personality'), fc.string({ unit: 'binary', minLength: 1, maxLength: 10 }));
const arg: fc.Arbitrary<SyscallArg> = fc.record({
  index: fc.nat(7), value: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), valueTwo: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), op: fc.constantFrom(...OPERATORS),
}, { requiredKeys: ['index', 'value', 'op'] });
const u32 = fc.nat({ max: 0xffffffff });
const action = fc.constantFrom(...ACTIONS);
const ociRule = fc.record({ names: fc.array(name, { maxLength: 4 }), action, errnoRet: u32, args: fc.array(arg, { maxLength: 3 }) }, { requiredKeys: ['names', 'action'] });
const common = {
  defaultAction: action,
  architectures: fc.array(fc.constantFrom(...SPEC_ARCHES), { maxLength: 3 }),
  flags: fc.array(fc.constantFrom(...FLAGS), { maxLength: 2 }),
  listenerPath: str,
  listenerMetadata: str,
};
const oci: fc.Arbitrary<Profile> = fc.record({ ...common, defaultErrnoRet: u32, syscalls: fc.array(ociRule, { maxLength: 4 }) }, { requiredKeys: ['defaultAction'] });

const filter = fc.record({
  caps: fc.array(fc.constantFrom('CAP_SYS_ADMIN', 'CAP_NET_RAW'), { maxLength: 2 }),
  arches: fc.array(fc.constantFrom('amd64', 'arm64', 'x32'), { maxLength: 2 }),
  minKernel: fc.tuple(fc.integer({ min: 1, max: 6 }), fc.nat(20)).map(([a, b]) => `${a}.${b}`),
}, { requiredKeys: [] });
const dockerRule = fc.record({
  name, names: fc.array(name, { maxLength: 3 }), action, errnoRet: u32, errno: fc.constantFrom('ENOSYS', 'EPERM', '38'), args: fc.array(arg, { maxLength: 2 }),
  comment: str, includes: filter, excludes: filter,
}, { requiredKeys: ['action'] });
const docker: fc.Arbitrary<DockerProfile> = fc.record({
  ...common, defaultErrnoRet: u32, defaultErrno: fc.constantFrom('ENOSYS', 'EPERM'),
  archMap: fc.array(fc.record({ architecture: fc.constantFrom(...SPEC_ARCHES), subArchitectures: fc.array(fc.constantFrom(...SPEC_ARCHES), { maxLength: 2 }) }, { requiredKeys: ['architecture'] }), { maxLength: 2 }),
  syscalls: fc.array(dockerRule, { maxLength: 4 }),
}, { requiredKeys: ['defaultAction'] });

const dict = fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 });
const spo: fc.Arbitrary<SpoProfile> = fc.record({
  apiVersion: fc.constantFrom('security-profiles-operator.x-k8s.io/v1beta1', 'security-profiles-operator.x-k8s.io/v1'),
  kind: fc.constant('SeccompProfile' as const),
  metadata: fc.record({ name: fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/), namespace: fc.stringMatching(/^[a-z]{1,8}$/), labels: dict, annotations: dict }, { requiredKeys: [] }),
  spec: fc.record({
    ...common, syscalls: fc.array(ociRule.map((r) => ({ ...r, names: r.names.length ? r.names : ['read'] })), { maxLength: 4 }),
    baseProfileName: str, state: fc.constantFrom('Enabled', 'Disabled'), disabled: fc.boolean(),
  }, { requiredKeys: ['defaultAction'] }),
});

describe('round trips: parse(print(p)) equals p', () => {
  it('OCI (JSON)', () => {
    fc.assert(fc.property(oci, (p) => {
      const r = parseProfile(printProfile(p));
      expect(r.dialect).toBe('oci');
      expect(r.profile).toEqual(p);
      expect(printProfile(r.profile)).toBe(printProfile(p));
    }), { numRuns: 300 });
  });
  it('OCI normalized is a fixed point of normalize ∘ parse ∘ print', () => {
    fc.assert(fc.property(oci, (p) => {
      const n = normalizeProfile(p);
      expect(normalizeProfile(parseProfile(printProfile(n)).profile)).toEqual(n);
    }), { numRuns: 200 });
  });
  it('Docker (JSON): the model as written comes back, Docker-only keys included', () => {
    fc.assert(fc.property(docker, (d) => {
      const r = parseProfile(printDockerProfile(d));
      expect(r.raw).toEqual(d);
    }), { numRuns: 300 });
  });
  it('SPO SeccompProfile (YAML and JSON)', () => {
    fc.assert(fc.property(spo, (cr) => {
      for (const format of ['yaml', 'json'] as const) {
        const r = parseProfile(printSpoProfile(cr, format));
        expect(r.dialect).toBe('spo');
        expect(r.spo).toEqual(cr);
      }
    }), { numRuns: 200 });
  });
});

describe('validateProfile on arbitrary profiles', () => {
  it('never throws, and every finding has a known severity and a path (Docker dialect, junk enum strings too)', () => {
    const junky = docker.chain((d) => fc.record({ a: fc.string({ maxLength: 6 }), op: fc.string({ maxLength: 6 }) }).map(({ a, op }) => ({
      ...d, defaultAction: (a.length % 2 ? a : d.defaultAction) as DockerProfile['defaultAction'],
      syscalls: (d.syscalls ?? []).map((r) => ({ ...r, args: (r.args ?? []).map((x) => ({ ...x, op: (op.length % 2 ? op : x.op) as SyscallArg['op'] })) })),
    })));
    fc.assert(fc.property(junky, (d) => {
      const r = parseProfile(printDockerProfile(d));
      for (const x of validateProfile(r.profile, { parsedRaw: r.raw, dialect: r.dialect, source: r.source })) {
        expect(['error', 'warning', 'info']).toContain(x.severity);
        expect(x.path).toBeTypeOf('string');
        expect(x.code).toMatch(/^[A-Z0-9_]+$/);
      }
    }), { numRuns: 200 });
  });
});

describe('size', () => {
  it('parses a 50 MB profile (every name kept, positions still available)', () => {
    const names: string[] = [];
    let size = 0;
    for (let i = 0; size < 50 * 1024 * 1024; i++) {
      names.push(`syscall_with_a_rather_long_name_${i}`);
      size += names.at(-1)!.length + 3;
    }
    const text = `{"defaultAction":"SCMP_ACT_ERRNO","flags":[],"syscalls":[{"names":["${names.join('","')}"],"action":"SCMP_ACT_ALLOW"}]}`;
    expect(text.length).toBeGreaterThan(50 * 1024 * 1024);
    const r = parseProfile(text, { file: 'big.json' });
    expect(r.profile.syscalls![0]!.names.length).toBe(names.length);
    expect(r.profile.syscalls![0]!.names.at(-1)).toBe(names.at(-1));
    expect(r.source.locate(`syscalls[0].names[${names.length - 1}]`)).toMatchObject({ line: 1 });
  });
});
