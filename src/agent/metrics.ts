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

/** Prometheus text format. */
export function metricsText(m: AgentMetrics, h: Record<string, unknown>, recordings: number, lossWindows: number): string {
  const lines = [
    '# HELP seccompctl_agent_events_total Syscalls seen in recorded containers (eBPF: every call when counting; audit: records).',
    '# TYPE seccompctl_agent_events_total counter',
    `seccompctl_agent_events_total ${m.events}`,
    '# HELP seccompctl_agent_new_syscalls_total (recording, arch, syscall) pairs seen for the first time.',
    '# TYPE seccompctl_agent_new_syscalls_total counter',
    `seccompctl_agent_new_syscalls_total ${m.newSyscalls}`,
    '# HELP seccompctl_agent_containers Containers tracked now (state=recording: opted in and attributed).',
    '# TYPE seccompctl_agent_containers gauge',
    `seccompctl_agent_containers{state="tracked"} ${String(h.containers)}`,
    `seccompctl_agent_containers{state="recording"} ${String(h.recordingContainers)}`,
    '# HELP seccompctl_agent_recordings Recordings (namespace, workload, container).',
    '# TYPE seccompctl_agent_recordings gauge',
    `seccompctl_agent_recordings ${recordings}`,
    '# HELP seccompctl_agent_drops_total Events lost, by reason (perf: eBPF output buffer; kmsg: kernel log; unattributed: no container found; capacity: too many containers; map: inserts a full eBPF map refused).',
    '# TYPE seccompctl_agent_drops_total counter',
    ...Object.entries(m.drops).map(([k, v]) => `seccompctl_agent_drops_total{reason="${k}"} ${v}`),
    '# HELP seccompctl_agent_probe_renewals_total eBPF probes renewed because their kernel maps filled with exited containers\' keys.',
    '# TYPE seccompctl_agent_probe_renewals_total counter',
    `seccompctl_agent_probe_renewals_total ${m.rotations}`,
    '# HELP seccompctl_agent_flushes_total State flushes (errors: failed ones).',
    '# TYPE seccompctl_agent_flushes_total counter',
    `seccompctl_agent_flushes_total ${m.flushes}`,
    `seccompctl_agent_flush_errors_total ${m.flushErrors}`,
    '# HELP seccompctl_agent_loss_windows Windows in which the agent was not recording (restarts).',
    '# TYPE seccompctl_agent_loss_windows gauge',
    `seccompctl_agent_loss_windows ${lossWindows}`,
  ];
  return lines.join('\n') + '\n';
}
