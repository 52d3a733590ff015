# Netspotter images (Debian, as the project is developed and tested on it).
#   docker build .                  the server (the default, last stage)
#   docker build --target agent .   the agent alone: the release `npm run build` makes (one executable with
#                                   its Node runtime, the native packet engine beside it), as install.sh
#                                   puts it on a host, on a slim Debian without Node
FROM node:20-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends libpcap-dev python3 make g++ iproute2 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/netspotter
COPY . .
RUN npm ci && npm run build

FROM debian:bookworm-slim AS agent
COPY --from=build /opt/netspotter/agent/dist/artifacts/ /tmp/artifacts/
RUN set -e; mkdir -p /opt/netspotter-agent /etc/netspotter-agent /var/lib/netspotter-agent; \
    tar -xzf /tmp/artifacts/netspotter-agent-*-linux-*.tar.gz -C /opt/netspotter-agent --no-same-owner; \
    rm -rf /tmp/artifacts; \
    echo '{ "stateDir": "/var/lib/netspotter-agent", "logFormat": "json" }' >/etc/netspotter-agent/config.json
VOLUME /var/lib/netspotter-agent
# Run it with only CAP_NET_RAW and CAP_NET_ADMIN, as the systemd unit does (docker-compose.yml's agent:
# cap_drop ALL, cap_add NET_RAW and NET_ADMIN, no-new-privileges, read-only but its state volume).
ENTRYPOINT ["/opt/netspotter-agent/netspotter-agent", "--config", "/etc/netspotter-agent/config.json"]

FROM build AS server
ENV NETSPOTTER_DATA_DIR=/var/lib/netspotter
VOLUME /var/lib/netspotter
EXPOSE 8080
ENTRYPOINT ["node", "bin/netspotter.js"]
CMD ["server"]
