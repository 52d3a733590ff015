# Netspotter server and agent image (Debian, as the project is developed and tested on it).
FROM node:20-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends libpcap-dev python3 make g++ iproute2 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/netspotter
COPY . .
RUN npm ci && npm run build
ENV NETSPOTTER_DATA_DIR=/var/lib/netspotter
VOLUME /var/lib/netspotter
EXPOSE 8080
ENTRYPOINT ["node", "bin/netspotter.js"]
CMD ["server"]
