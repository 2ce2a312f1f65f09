// The kubelet settings that decide what seccomp a pod without a profile gets: its KubeletConfiguration file
// (`seccompDefault`, GA since Kubernetes 1.27, off unless set). Pure: text in, settings out.
import { isMap, isScalar, parseDocument } from 'yaml';
import { UserError } from '../common/index.js';
import { LineCounter } from '../profile/index.js';

/** What lint needs to know about a node's kubelet. */
export interface KubeletSeccompSettings {
  /** `seccompDefault: true`: containers without a profile run under the runtime's RuntimeDefault. */
  readonly seccompDefault: boolean;
}

const KIND = 'KubeletConfiguration';
const GROUP = 'kubelet.config.k8s.io/';

/** Reads a KubeletConfiguration (YAML or JSON). Anything else, or a non-boolean seccompDefault, is a UserError. */
export function readKubeletConfig(text: string, file: string): KubeletSeccompSettings {
  const lines = new LineCounter(text);
  const doc = parseDocument(text, { prettyErrors: false });
  const err = doc.errors[0];
  if (err) {
    const { line, col } = lines.linePos(err.pos[0]);
    throw new UserError(`${file}:${line}:${col}: not valid YAML/JSON: ${err.message.split('\n')[0]}`);
  }
  const root = doc.contents;
  const get = (k: string) => (isMap(root) ? root.items.find((p) => isScalar(p.key) && p.key.value === k) : undefined);
  const kind = get('kind');
  const apiVersion = get('apiVersion');
  const kindValue = kind && isScalar(kind.value) ? String(kind.value.value) : undefined;
  const apiValue = apiVersion && isScalar(apiVersion.value) ? String(apiVersion.value.value) : '';
  if (kindValue !== KIND || !apiValue.startsWith(GROUP)) {
    throw new UserError(`${file}: not a KubeletConfiguration (want apiVersion ${GROUP}v1beta1, kind ${KIND}; found ${kindValue ?? 'no kind'}); the kubelet's --config file is usually /var/lib/kubelet/config.yaml`);
  }
  const sd = get('seccompDefault');
  let seccompDefault = false;
  if (sd && !(isScalar(sd.value) && sd.value.value === null)) {
    const v = isScalar(sd.value) ? sd.value.value : undefined;
    if (typeof v !== 'boolean') {
      const { line, col } = lines.linePos((sd.value as { range?: [number] } | null)?.range?.[0] ?? 0);
      throw new UserError(`${file}:${line}:${col}: seccompDefault must be true or false`);
    }
    seccompDefault = v;
  }
  return { seccompDefault };
}
