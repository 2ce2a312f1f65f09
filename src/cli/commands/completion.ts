// `seccompctl completion bash|zsh|fish`: a shell completion script generated from commander's own command tree
// (every command, subcommand, flag and flag choice), so it never drifts from the CLI. Static scripts: completing
// needs no call back into node, so it is instant. The unknown-shell refusal stays here: the script is the CLI's own
// surface (commander's tree), with no library stage behind it.
import type { Command as TypedCommand } from '@commander-js/extra-typings';
import type { Command, Option } from 'commander';
import { UserError } from '../../common/index.js';
import type { Register } from './types.js';

interface Node {
  /** Space-separated subcommand path from the top: '' for the program, 'k8s patch' … */
  key: string;
  cmd: Command;
}

const SAFE = /^[A-Za-z0-9_:,.+-]+$/;

function walk(cmd: Command, key = ''): Node[] {
  return [{ key, cmd }, ...cmd.commands.flatMap((c) => walk(c, key ? `${key} ${c.name()}` : c.name()))];
}

function flags(cmd: Command, top: boolean): { long: string; short?: string; takesValue: boolean; choices?: readonly string[]; description: string }[] {
  const out = cmd.options.filter((o: Option) => o.long !== undefined && SAFE.test(o.long)).map((o: Option) => ({
    long: o.long!, ...(o.short && SAFE.test(o.short) ? { short: o.short } : {}),
    takesValue: o.required || o.optional,
    ...(o.argChoices ? { choices: o.argChoices.filter((c) => SAFE.test(c)) } : {}),
    description: o.description,
  }));
  out.push({ long: '--help', short: '-h', takesValue: false, description: 'display help' });
  if (top && !out.some((o) => o.long === '--quiet')) out.push({ long: '--quiet', short: '-q', takesValue: false, description: 'no progress or notes on standard error' });
  return out;
}

const subsOf = (n: Node): string[] => n.cmd.commands.map((c) => c.name()).filter((x) => SAFE.test(x));

/** The bash script (also used by zsh through bashcompinit). */
export function bashScript(program: Command, bins: readonly string[]): string {
  const nodes = walk(program);
  const q = (s: string): string => `"${s}"`;
  const subs = nodes.filter((n) => subsOf(n).length > 0).map((n) => `    ${q(n.key)}) echo ${q(subsOf(n).join(' '))} ;;`);
  const opts = nodes.map((n) => `    ${q(n.key)}) echo ${q(flags(n.cmd, n.key === '').flatMap((f) => [f.long, ...(f.short ? [f.short] : [])]).join(' '))} ;;`);
  const values = nodes.flatMap((n) => flags(n.cmd, n.key === '').filter((f) => f.takesValue).flatMap((f) => [f.long, ...(f.short ? [f.short] : [])].map((name) =>
    `    ${q(`${n.key}|${name}`)}) echo ${q(f.choices ? f.choices.join(' ') : '__files__')} ;;`)));
  return `# ${bins[0]} completion for bash. Load it in this shell:  source <(${bins[0]} completion bash)
# or for every shell:  ${bins[0]} completion bash > /etc/bash_completion.d/${bins[0]}
_seccompctl_subs() {
  case "$1" in
${subs.join('\n')}
  esac
}
_seccompctl_opts() {
  case "$1" in
${opts.join('\n')}
  esac
}
_seccompctl_values() {
  case "$1|$2" in
${values.join('\n')}
  esac
}
_seccompctl() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="" key="" w i subs vals
  [ "$COMP_CWORD" -gt 0 ] && prev="\${COMP_WORDS[COMP_CWORD-1]}"
  # As kubectl-seccomp the k8s subcommands are the top level.
  case "\${COMP_WORDS[0]##*/}" in kubectl-seccomp*) key="k8s" ;; esac
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    subs="$(_seccompctl_subs "$key")"
    case " $subs " in *" $w "*) key="\${key:+$key }$w" ;; esac
  done
  COMPREPLY=()
  vals="$(_seccompctl_values "$key" "$prev")"
  if [ -n "$vals" ]; then
    if [ "$vals" = "__files__" ]; then COMPREPLY=($(compgen -f -- "$cur")); else COMPREPLY=($(compgen -W "$vals" -- "$cur")); fi
    return 0
  fi
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$(_seccompctl_opts "$key")" -- "$cur"))
    return 0
  fi
  subs="$(_seccompctl_subs "$key")"
  [ -n "$subs" ] && COMPREPLY=($(compgen -W "$subs" -- "$cur"))
  [ \${#COMPREPLY[@]} -eq 0 ] && COMPREPLY=($(compgen -f -- "$cur"))
  return 0
}
${bins.map((b) => `complete -o filenames -F _seccompctl ${b}`).join('\n')}
`;
}

/** The zsh script: the bash one through zsh's bashcompinit. */
export function zshScript(program: Command, bins: readonly string[]): string {
  return `#compdef ${bins.join(' ')}
# ${bins[0]} completion for zsh. Load it in this shell:  source <(${bins[0]} completion zsh)
autoload -U +X compinit && compinit
autoload -U +X bashcompinit && bashcompinit
${bashScript(program, bins).split('\n').filter((l) => !l.startsWith('#')).join('\n')}`;
}

/** The fish script: one `complete` line per command, flag and choice. */
export function fishScript(program: Command, bins: readonly string[]): string {
  const fq = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\s+/g, ' ').slice(0, 120)}'`;
  const lines: string[] = [`# ${bins[0]} completion for fish. Load it:  ${bins[0]} completion fish | source`];
  for (const bin of bins) {
    for (const n of walk(program)) {
      const path = n.key === '' ? [] : n.key.split(' ');
      const here = path.length === 0 ? '__fish_use_subcommand'
        : `__fish_seen_subcommand_from ${path[path.length - 1]}${subsOf(n).length ? `; and not __fish_seen_subcommand_from ${subsOf(n).join(' ')}` : ''}`;
      for (const c of n.cmd.commands) {
        if (SAFE.test(c.name())) lines.push(`complete -c ${bin} -f -n ${fq(here)} -a ${c.name()} -d ${fq(c.description())}`);
      }
      for (const f of flags(n.cmd, n.key === '')) {
        const short = f.short && /^-[A-Za-z]$/.test(f.short) ? ` -s ${f.short.slice(1)}` : '';
        const value = f.choices ? ` -x -a ${fq(f.choices.join(' '))}` : f.takesValue ? ' -r' : '';
        lines.push(`complete -c ${bin} -n ${fq(path.length === 0 ? '__fish_use_subcommand' : `__fish_seen_subcommand_from ${path[path.length - 1]}`)} -l ${f.long.slice(2)}${short}${value} -d ${fq(f.description)}`);
      }
    }
  }
  return lines.join('\n') + '\n';
}

export const registercompletion: Register = (program, io) => {
  (program.command('completion') as unknown as TypedCommand)
    .description('Print a shell completion script (commands, subcommands, flags and their choices) for bash, zsh or fish.')
    .argument('<shell>', 'bash, zsh or fish')
    .addHelpText('after', `
Examples:
  source <(seccompctl completion bash)                                  # this bash session
  seccompctl completion bash > /etc/bash_completion.d/seccompctl        # every bash session
  seccompctl completion zsh > "\${fpath[1]}/_seccompctl"                   # zsh
  seccompctl completion fish > ~/.config/fish/completions/seccompctl.fish

The script completes seccompctl and kubectl-seccomp (whose top level is the k8s subcommands).
Exit codes: 0 script printed; 2 an unknown shell.`)
    .action((shell) => {
      const bins = ['seccompctl', 'kubectl-seccomp'];
      const make = ({ bash: bashScript, zsh: zshScript, fish: fishScript } as Record<string, (p: Command, b: readonly string[]) => string>)[shell];
      if (!make) throw new UserError(`unknown shell "${shell}"; use bash, zsh or fish`);
      io.stdout.write(make(program, bins));
    });
};
