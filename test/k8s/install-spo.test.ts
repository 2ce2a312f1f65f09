// k8s install and k8s spo: emitted objects validate (Kubernetes OpenAPI via kubernetes-models; the operator's CRD
// via a JSON schema written from its documented fields); the install flow works end to end on the filesystem.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { buildInstall, buildSpoResource, lintManifest, patchManifest, profileDirLookup, renderInstallYaml, resourceNameFromFile, syncOnce } from '../../src/k8s/index.js';
import { parseProfile, printProfile } from '../../src/profile/index.js';
import { cli } from '../helpers/cli.js';
import { validateK8s, validateK8sText } from './helpers.js';

const FIX = join(import.meta.dirname, '../fixtures/k8s');
const TIGHT = join(FIX, 'lint/profiles/seccompctl/tight.json');
const ajv = new Ajv2020({ allErrors: true, strict: false });
const validateSp = ajv.compile(JSON.parse(readFileSync(join(FIX, 'spo/seccompprofile-v1beta1.schema.json'), 'utf8')) as object);
type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const made: string[] = [];
const tmp = (prefix: string): string => { const d = mkdtempSync(join(tmpdir(), prefix)); made.push(d); return d; };
afterAll(() => { for (const d of made) rmSync(d, { recursive: true, force: true }); });

describe('k8s install', () => {
  it('emits a Namespace, a ConfigMap and a hardened DaemonSet that validate against the Kubernetes schema', async () => {
    const r = await cli(['k8s', 'install', TIGHT, '--namespace', 'sec', '--node-selector', 'pool=app', '--image', 'reg.example/seccompctl:1']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('tight.json: localhostProfile: seccompctl/tight.json');
    expect(validateK8sText(r.stdout)).toBe(3);
    const [ns, cm, ds] = parseAllDocuments(r.stdout).map((d) => d.toJS() as Obj);
    expect(ns!.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('privileged');
    expect(cm!.kind).toBe('ConfigMap');
    expect(JSON.parse(cm!.data['tight.json'])).toEqual(JSON.parse(readFileSync(TIGHT, 'utf8')));
    const pod = ds!.spec.template.spec;
    expect(pod.initContainers).toBeUndefined();
    expect(pod.tolerations).toEqual([{ operator: 'Exists' }]);
    expect(pod.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux', pool: 'app' });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
    const c = pod.containers[0];
    expect(c.image).toBe('reg.example/seccompctl:1');
    expect(c.command).toEqual(['seccompctl', 'node', 'sync', '--from', '/profiles', '--to', '/var/lib/kubelet/seccomp/seccompctl', '--ready-file', '/run/seccompctl/ready']);
    expect(c.readinessProbe.exec.command).toEqual(['sh', '-c', "cat /run/seccompctl/ready >/dev/null && exec seccompctl doctor --quiet --kubelet-root '/var/lib/kubelet'"]);
    expect(c.volumeMounts).toContainEqual({ name: 'state', mountPath: '/run/seccompctl' });
    expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, privileged: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } });
    expect(c.securityContext.capabilities.add).toBeUndefined();
    expect(c.resources.limits).toEqual({ cpu: '100m', memory: '192Mi' });
    expect(pod.volumes).toContainEqual({ name: 'node-seccomp', hostPath: { path: '/var/lib/kubelet/seccomp/seccompctl', type: 'DirectoryOrCreate' } });
    expect(c.volumeMounts).toContainEqual({ name: 'profiles', mountPath: '/profiles', readOnly: true });
    // Our own DaemonSet passes our lint's seccomp rules at the restricted level. Of the other Pod Security controls
    // it breaks only those its job needs: uid 0 and a hostPath (its namespace is labelled enforce=privileged for that).
    const found = lintManifest(r.stdout, 'install.yaml', { level: 'restricted' });
    expect(found.filter((f) => f.code.startsWith('SECCOMP_'))).toEqual([]);
    expect([...new Set(found.map((f) => f.code))].sort()).toEqual(['PSS_RUN_AS_NON_ROOT', 'PSS_RUN_AS_USER', 'PSS_VOLUME_TYPES']);
  });

  it('end to end: ConfigMap content → node sync (the DaemonSet command) → a patched pod lints clean against the node dir', () => {
    const root = tmp('seccompctl-install-');
    const kubelet = join(root, 'var/lib/kubelet');
    const profile = parseProfile(readFileSync(TIGHT, 'utf8'));
    const res = buildInstall([{ name: 'app.json', text: printProfile(profile.profile) }], { kubeletRoot: kubelet, subdir: 'team-a' });
    const ds = res.objects.find((o) => o.kind === 'DaemonSet') as Obj;
    const cm = res.objects.find((o) => o.kind === 'ConfigMap') as Obj;
    const cmd = ds.spec.template.spec.containers[0].command as string[];
    const mounted = join(root, 'profiles');
    mkdirSync(mounted);
    for (const [k, v] of Object.entries(cm.data as Record<string, string>)) writeFileSync(join(mounted, k), v);
    const to = cmd[cmd.indexOf('--to') + 1]!;
    expect(to).toBe(`${kubelet}/seccomp/team-a`);
    const rep = syncOnce(mounted, to);
    expect(rep.written).toEqual(['app.json']);
    expect(res.localhostProfiles).toEqual({ 'app.json': 'team-a/app.json' });
    const pod = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\nspec:\n  containers:\n  - name: app\n    image: app:1\n';
    const patched = patchManifest(pod, 'pod.yaml', { profile: { type: 'Localhost', localhostProfile: res.localhostProfiles['app.json']! } }).text;
    expect(lintManifest(patched, 'pod.yaml', { level: 'restricted', lookupProfile: profileDirLookup(join(kubelet, 'seccomp')) }).filter((f) => f.code.startsWith('SECCOMP_'))).toEqual([]);
    // And a pod pointing at a profile that was not installed is caught before it fails with CreateContainerError.
    const wrong = patchManifest(pod, 'pod.yaml', { profile: { type: 'Localhost', localhostProfile: 'team-a/other.json' } }).text;
    expect(lintManifest(wrong, 'pod.yaml', { lookupProfile: profileDirLookup(join(kubelet, 'seccomp')) }).map((f) => f.code)).toEqual(['SECCOMP_LOCALHOST_NOT_FOUND']);
  });

  it('refuses bad names, options and oversize ConfigMaps', () => {
    const t = '{"defaultAction":"SCMP_ACT_ALLOW"}';
    expect(() => buildInstall([{ name: 'a b.json', text: t }])).toThrow(/ConfigMap key/);
    expect(() => buildInstall([{ name: '..x.json', text: t }])).toThrow(/\.\./);
    expect(() => buildInstall([{ name: 'a.json', text: t }, { name: 'a.json', text: t }])).toThrow(/both/);
    expect(() => buildInstall([{ name: 'a.json', text: t }], { subdir: '../etc' })).toThrow(/--subdir/);
    expect(() => buildInstall([{ name: 'a.json', text: t }], { kubeletRoot: 'var/lib/kubelet' })).toThrow(/absolute/);
    expect(() => buildInstall([{ name: 'a.json', text: t }], { namespace: 'Bad_NS' })).toThrow(/namespace/);
    expect(() => buildInstall([{ name: 'a.json', text: 'x'.repeat(1024 * 1024) }])).toThrow(/1 MiB/);
    const ks = buildInstall([{ name: 'a.json', text: t }], { namespace: 'kube-system' });
    expect(ks.objects.map((o) => o.kind)).toEqual(['ConfigMap', 'DaemonSet']);
    for (const o of ks.objects) validateK8s(o);
  });

  it('invalid profiles are refused with diagnostics (exit 2), nothing printed', async () => {
    const d = tmp('seccompctl-install-');
    writeFileSync(join(d, 'bad.json'), '{"defaultAction": "SCMP_ACT_NOPE"}');
    const r = await cli(['k8s', 'install', join(d, 'bad.json')]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('UNKNOWN_ACTION');
  });

  it('--json prints a List that validates', async () => {
    const r = await cli(['k8s', 'install', '--json', TIGHT]);
    const j = JSON.parse(r.stdout) as { manifests: Obj; localhostProfiles: Record<string, string> };
    expect(validateK8s(j.manifests)).toBe(3);
    expect(j.localhostProfiles).toEqual({ 'tight.json': 'seccompctl/tight.json' });
    expect(renderInstallYaml(buildInstall([{ name: 'x.json', text: '{}' }]))).not.toMatch(/[&*]a1/);
  });
});

describe('k8s spo', () => {
  it('emits SeccompProfile resources that validate against the CRD schema', async () => {
    const r = await cli(['k8s', 'spo', TIGHT]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('tight: localhostProfile: operator/tight.json');
    const docs = parseAllDocuments(r.stdout).map((d) => d.toJS() as Obj);
    expect(docs).toHaveLength(1);
    expect(validateSp(docs[0]), JSON.stringify(validateSp.errors)).toBe(true);
    expect(docs[0]!.spec.syscalls[0].names).toContain('execve');
    // Namespaced form (operators before 0.9) and --json List.
    const n = await cli(['k8s', 'spo', '--json', '--namespace', 'team-a', '--name', 'web', TIGHT]);
    const list = JSON.parse(n.stdout) as { items: Obj[] };
    expect(list.items[0]!.metadata).toEqual({ name: 'web', namespace: 'team-a' });
    expect(validateSp(list.items[0]), JSON.stringify(validateSp.errors)).toBe(true);
    expect(n.stderr).toContain('operator/team-a/web.json');
  });

  it('reads back with seccompctl convert --to oci (same rules, EPERM default kept)', async () => {
    const d = tmp('seccompctl-spo-');
    const r = await cli(['k8s', 'spo', TIGHT]);
    writeFileSync(join(d, 'sp.yaml'), r.stdout);
    const back = await cli(['convert', '--to', 'oci', join(d, 'sp.yaml')]);
    expect(back.code).toBe(0);
    const a = JSON.parse(readFileSync(TIGHT, 'utf8')) as Obj;
    const b = JSON.parse(back.stdout) as Obj;
    expect(b.defaultAction).toBe(a.defaultAction);
    expect(b.defaultErrnoRet ?? 1).toBe(1);
    expect(b.architectures).toEqual(a.architectures);
    expect([...b.syscalls[0].names].sort()).toEqual([...a.syscalls[0].names].sort());
    expect(b.syscalls).toHaveLength(1);
  });

  it('keeps args exact and refuses what the CRD cannot hold', () => {
    const p = parseProfile(JSON.stringify({
      defaultAction: 'SCMP_ACT_ERRNO', flags: [], syscalls: [{ names: ['personality'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 4294967295, op: 'SCMP_CMP_EQ' }] }],
    })).profile;
    const sp = buildSpoResource(p, { name: 'pers' });
    expect(validateSp(JSON.parse(JSON.stringify(sp.resource, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v))))).toBe(true);
    const huge = parseProfile('{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["ioctl"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 1, "value": 18446744073709551615, "op": "SCMP_CMP_EQ"}]}]}').profile;
    expect(() => buildSpoResource(huge, { name: 'x' })).toThrow(/cannot be expressed/);
    const enosys = parseProfile('{"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 38}').profile;
    // No defaultErrnoRet in the CRD: spelled out as an errnoRet 38 rule, which the CRD holds (issue 10).
    const spelled = buildSpoResource(enosys, { name: 'x' }).resource;
    expect(spelled.spec.syscalls?.some((r) => r.errnoRet === 38)).toBe(true);
    expect(validateSp(JSON.parse(JSON.stringify(spelled, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v))))).toBe(true);
    expect(() => buildSpoResource(enosys, { name: 'Bad_Name' })).toThrow(/resource name/);
  });

  it('derives resource names from file names', () => {
    expect(resourceNameFromFile('dir/My_App.json')).toBe('my-app');
    expect(resourceNameFromFile('nginx.yaml')).toBe('nginx');
    expect(resourceNameFromFile('..json')).toBe('profile');
  });

  it('the schema rejects what the operator would reject or prune', () => {
    const base = { apiVersion: 'security-profiles-operator.x-k8s.io/v1beta1', kind: 'SeccompProfile', metadata: { name: 'x' } };
    expect(validateSp({ ...base, spec: { defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 38 } })).toBe(false);
    expect(validateSp({ ...base, spec: { defaultAction: 'SCMP_ACT_NOPE' } })).toBe(false);
    expect(validateSp({ ...base, spec: { defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: [], action: 'SCMP_ACT_ALLOW' }] } })).toBe(false);
    expect(validateSp({ ...base, spec: { defaultAction: 'SCMP_ACT_ERRNO' } })).toBe(true);
  });
});
