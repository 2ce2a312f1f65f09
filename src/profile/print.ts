// Stable text for every dialect: fixed key order, 2-space indent, exact uint64 integers, "\n" at the end.
import { stringify as yamlStringify } from 'yaml';
import type { DockerProfile, DockerSyscallRule, Profile, SpoProfile, SyscallArg } from './types.js';

type J = string | number | bigint | boolean | null | J[] | { [k: string]: J | undefined };

/** JSON text with bigint kept exact; object keys in insertion order; `undefined` members skipped. */
export function toJson(v: J, indent = 0): string {
  const pad = '  '.repeat(indent);
  const inner = '  '.repeat(indent + 1);
  if (v === null) return 'null';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return `[\n${v.map((x) => inner + toJson(x, indent + 1)).join(',\n')}\n${pad}]`;
  }
  const keys = Object.keys(v).filter((k) => v[k] !== undefined);
  if (keys.length === 0) return '{}';
  return `{\n${keys.map((k) => `${inner}${JSON.stringify(k)}: ${toJson(v[k]!, indent + 1)}`).join(',\n')}\n${pad}}`;
}

function argJ(a: SyscallArg): J {
  return { index: a.index, value: a.value, valueTwo: a.valueTwo, op: a.op };
}

/** The OCI object in canonical key order (as plain data for printers). */
export function ociData(p: Profile): J {
  return {
    defaultAction: p.defaultAction,
    defaultErrnoRet: p.defaultErrnoRet,
    architectures: p.architectures,
    flags: p.flags,
    listenerPath: p.listenerPath,
    listenerMetadata: p.listenerMetadata,
    syscalls: p.syscalls?.map((r) => ({ names: r.names, action: r.action, errnoRet: r.errnoRet, args: r.args?.map(argJ) })),
  };
}

/** Stable, canonical JSON text of an OCI profile (2-space indent, fixed key order, exact uint64 values), ending in \n. */
export function printProfile(p: Profile): string {
  return toJson(ociData(p)) + '\n';
}

function dockerRuleJ(r: DockerSyscallRule): J {
  const f = (x: DockerSyscallRule['includes']): J | undefined => (x === undefined ? undefined : { caps: x.caps, arches: x.arches, minKernel: x.minKernel });
  return {
    name: r.name, names: r.names, action: r.action, errnoRet: r.errnoRet, errno: r.errno, args: r.args?.map(argJ), comment: r.comment,
    includes: f(r.includes), excludes: f(r.excludes),
  };
}

/** Stable JSON text of a Docker-format profile (Docker-only keys kept where they are set). */
export function printDockerProfile(p: DockerProfile): string {
  return toJson({
    defaultAction: p.defaultAction,
    defaultErrnoRet: p.defaultErrnoRet,
    defaultErrno: p.defaultErrno,
    architectures: p.architectures,
    archMap: p.archMap?.map((a) => ({ architecture: a.architecture, subArchitectures: a.subArchitectures })),
    flags: p.flags,
    listenerPath: p.listenerPath,
    listenerMetadata: p.listenerMetadata,
    syscalls: p.syscalls?.map(dockerRuleJ),
  }) + '\n';
}

function spoData(cr: SpoProfile): J {
  const s = cr.spec;
  return {
    apiVersion: cr.apiVersion,
    kind: cr.kind,
    metadata: { name: cr.metadata.name, namespace: cr.metadata.namespace, labels: cr.metadata.labels, annotations: cr.metadata.annotations },
    spec: {
      defaultAction: s.defaultAction,
      architectures: s.architectures,
      flags: s.flags,
      listenerPath: s.listenerPath,
      listenerMetadata: s.listenerMetadata,
      baseProfileName: s.baseProfileName,
      state: s.state,
      disabled: s.disabled,
      syscalls: s.syscalls?.map((r) => ({ names: r.names, action: r.action, errnoRet: r.errnoRet, args: r.args?.map(argJ) })),
    },
  };
}

function dropUndefined(v: J | undefined): J | undefined {
  if (v === undefined || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => dropUndefined(x) as J);
  const o: { [k: string]: J } = {};
  for (const [k, x] of Object.entries(v)) if (x !== undefined) o[k] = dropUndefined(x)!;
  return o;
}

/** A SeccompProfile CR as YAML (default, what kubectl users write) or JSON; integers stay exact. */
export function printSpoProfile(cr: SpoProfile, format: 'yaml' | 'json' = 'yaml'): string {
  if (format === 'json') return toJson(spoData(cr)) + '\n';
  // yaml prints bigint as a plain integer; strings that look like numbers or booleans get quoted.
  return yamlStringify(dropUndefined(spoData(cr)), { lineWidth: 0, indentSeq: true });
}
