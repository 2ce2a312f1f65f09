// The agent's counters and their Prometheus text (served on the endpoint's /metrics).

/** Counters served as Prometheus metrics. */
export interface AgentMetrics {
  events: number;
  /** eBPF probe renewals (kernel maps full of exited containers' keys). */
  rotations: number;
  newSyscalls: number;
  drops: Record<string, number>;
  flushes: number;
  flushErrors: number;
}

/** One metric in Prometheus text format: its HELP and TYPE lines, then its samples (`name{labels} value` or bare values). */
function metric(name: string, type: 'counter' | 'gauge', help: string, samples: readonly (string | number)[]): string[] {
  return [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...samples.map((x) => (typeof x === 'number' ? `${name} ${x}` : x))];
}

/** Prometheus text format. */
export function metricsText(m: AgentMetrics, h: Record<string, unknown>, recordings: number, lossWindows: number): string {
  const lines = [
    ...metric('seccompctl_agent_events_total', 'counter', 'Syscalls seen in recorded containers (eBPF: every call when counting; audit: records).', [m.events]),
    ...metric('seccompctl_agent_new_syscalls_total', 'counter', '(recording, arch, syscall) pairs seen for the first time.', [m.newSyscalls]),
    ...metric('seccompctl_agent_containers', 'gauge', 'Containers tracked now (state=recording: opted in and attributed).', [
      `seccompctl_agent_containers{state="tracked"} ${String(h.containers)}`,
      `seccompctl_agent_containers{state="recording"} ${String(h.recordingContainers)}`,
    ]),
    ...metric('seccompctl_agent_recordings', 'gauge', 'Recordings (namespace, workload, container).', [recordings]),
    ...metric('seccompctl_agent_drops_total', 'counter', 'Events lost, by reason (perf: eBPF output buffer; kmsg: kernel log; unattributed: no container found; capacity: too many containers; map: inserts a full eBPF map refused).',
      Object.entries(m.drops).map(([k, v]) => `seccompctl_agent_drops_total{reason="${k}"} ${v}`)),
    ...metric('seccompctl_agent_probe_renewals_total', 'counter', 'eBPF probes renewed because their kernel maps filled with exited containers\' keys.', [m.rotations]),
    ...metric('seccompctl_agent_flushes_total', 'counter', 'State flushes (errors: failed ones).', [m.flushes, `seccompctl_agent_flush_errors_total ${m.flushErrors}`]),
    ...metric('seccompctl_agent_loss_windows', 'gauge', 'Windows in which the agent was not recording (restarts).', [lossWindows]),
  ];
  return lines.join('\n') + '\n';
}
