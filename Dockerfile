# The seccompctl image: the CLI (for CI pipelines) and the node agent the `seccompctl k8s install` DaemonSet runs
# (`seccompctl node sync`). Build and push it yourself, then pass --image to `seccompctl k8s install`:
#
#   docker build -t registry.example/seccompctl:0.1.0 .
#   docker push registry.example/seccompctl:0.1.0
#   seccompctl k8s install --image registry.example/seccompctl:0.1.0 profiles/*.json | kubectl apply -f -
#
# Multi-arch: docker buildx build --platform linux/amd64,linux/arm64 -t … --push .  (pure JavaScript, no native
# modules, so the same build runs on every platform Node.js supports).

FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# No install scripts: the build needs only TypeScript and esbuild (its binary comes as an optional dependency), and
# the runtime only plain-JS dependencies.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build-cli.mjs ./scripts/
COPY src ./src
RUN npm run build && npm prune --omit=dev --ignore-scripts

# The recording agent (`seccompctl k8s install --record`): the same CLI plus bpftrace (eBPF source; setpriv comes
# with util-linux). Build it with --target agent:
#   docker build --target agent -t registry.example/seccompctl-agent:0.1.0 .
FROM node:20-bookworm-slim AS agent
RUN apt-get update \
 && apt-get install -y --no-install-recommends bpftrace util-linux \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/seccompctl
COPY --from=build /src/package.json ./package.json
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY data ./data
COPY schema ./schema
RUN chmod 0755 dist/cli/bin.js && ln -s /opt/seccompctl/dist/cli/bin.js /usr/local/bin/seccompctl
# The DaemonSet runs it as uid 0 with the capabilities its source needs (see docs/agent.md).
ENTRYPOINT ["seccompctl"]
CMD ["agent", "--help"]

# The default image (last stage).
FROM node:20-bookworm-slim
LABEL org.opencontainers.image.title="seccompctl" \
      org.opencontainers.image.description="Least-privilege seccomp profiles from observation to Kubernetes" \
      org.opencontainers.image.licenses="Apache-2.0"
WORKDIR /opt/seccompctl
COPY --from=build /src/package.json ./package.json
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY data ./data
COPY schema ./schema
RUN chmod 0755 dist/cli/bin.js \
 && ln -s /opt/seccompctl/dist/cli/bin.js /usr/local/bin/seccompctl \
 && ln -s /opt/seccompctl/dist/cli/bin.js /usr/local/bin/kubectl-seccomp
# Non-root by default; the install DaemonSet sets runAsUser: 0 for itself (uid 0 owns <kubelet-root>/seccomp, so
# it needs no capability: all are dropped) and mounts the root filesystem read-only — node sync writes only to
# the hostPath it syncs.
USER 65532:65532
ENTRYPOINT ["seccompctl"]
CMD ["--help"]
