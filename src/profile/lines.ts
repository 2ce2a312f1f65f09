// Offsets → 1-based line/column for diagnostics: the `yaml` package's LineCounter (binary search over line starts),
// filled from the whole text at once instead of by a parser as it goes. It lives here rather than in src/common so
// that commands which never read YAML or JSON (resolve) do not load the yaml package at start-up.
import { LineCounter as YamlLineCounter } from 'yaml';

export class LineCounter extends YamlLineCounter {
  constructor(text: string) {
    super();
    this.addNewLine(0);
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.addNewLine(i + 1);
  }
}
