// Unified diffs of patched manifests, for `k8s patch --check` (CI: what would change, exit 1).
import { createTwoFilesPatch } from 'diff';

/** A unified diff (`--- a/FILE`, `+++ b/FILE`, 3 lines of context); '' when the texts are equal. */
export function unifiedDiff(file: string, before: string, after: string): string {
  if (before === after) return '';
  const name = file === '-' ? 'stdin' : file.replace(/^\.?\/+/, '');
  return createTwoFilesPatch(`a/${name}`, `b/${name}`, before, after, undefined, undefined, { context: 3 })
    .replace(/^=+\n/, '');
}
