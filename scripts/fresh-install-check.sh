#!/usr/bin/env bash
# CI's proof of the README's first command on a fresh machine: copies the repository as a clone would
# have it (tracked and new files, nothing ignored: no node_modules, no builds, no data) into a scratch
# folder, then, with the system parts a fresh Debian lacks hidden (libpcap headers and library, see
# hide-system-parts.sh), runs `npm install && npm start` and checks that /healthz answers over HTTPS.
# Needs root (mount namespace). Prints one line per step; the logs are shown when a step fails.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/netspotter-fresh.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir "$work/netspotter"
(cd "$repo" && git ls-files -co --exclude-standard -z | tar --null -T - -cf -) | tar -C "$work/netspotter" -xf -

port=$((20000 + RANDOM % 20000))
cat >"$work/steps.sh" <<STEPS
set -uo pipefail
cd "$work/netspotter"
fail() { echo "fresh install: \$1" >&2; [ -f "\$2" ] && tail -n 40 "\$2" >&2; exit 1; }
if echo '#include <pcap/pcap.h>' | gcc -E -x c - >/dev/null 2>&1; then fail 'libpcap headers are still visible' /dev/null; fi
start=\$(date +%s)
npm install >install.log 2>&1 || fail 'npm install failed' install.log
grep -q 'gyp ERR' install.log && fail 'npm install printed a compiler trace' install.log
echo "fresh install: npm install ok in \$((\$(date +%s) - start)) s; it said: \$(grep -m1 "optional \\\`cap\\\`" install.log || echo 'nothing about cap')"
PORT=$port NETSPOTTER_DATA_DIR="$work/data" NETSPOTTER_ADMIN_PASSWORD=fresh-check-pw setsid npm start >start.log 2>&1 &
server=\$!
trap 'kill -- -\$server 2>/dev/null; wait \$server 2>/dev/null' EXIT
for _ in \$(seq 1 180); do
  if body=\$(curl -fsS --cacert "$work/data/tls/server.crt" "https://localhost:$port/healthz" 2>/dev/null); then
    echo "fresh install: npm start answered /healthz over HTTPS: \$body"
    # npm start built the agent release where this machine can (a Node with the single-executable fuse).
    arch=\$(node -p process.arch)
    offered=\$(curl -fsS --cacert "$work/data/tls/server.crt" "https://localhost:$port/agent/install.sh" | sed -n "s/^RELEASE_\$arch='\\(.*\\)'\$/\\1/p")
    echo "fresh install: agent release offered for linux-\$arch: \${offered:-none (\$(grep -m1 'agent release: not built' start.log || echo 'see start.log'))}"
    exit 0
  fi
  kill -0 \$server 2>/dev/null || fail 'npm start exited' start.log
  sleep 1
done
fail 'no /healthz answer within 180 s' start.log
STEPS
"$repo/scripts/hide-system-parts.sh" bash "$work/steps.sh"
