#!/usr/bin/env bash
# Runs a command in a private mount namespace where the system parts a fresh Debian machine lacks, and
# that the project must not need for `npm install`, are hidden: the libpcap headers and library.
# Usage (root): scripts/hide-system-parts.sh COMMAND [ARGS...]
set -euo pipefail
if [ "${NETSPOTTER_PARTS_HIDDEN:-}" != 1 ]; then
  exec unshare -m --propagation private env NETSPOTTER_PARTS_HIDDEN=1 "$0" "$@"
fi
[ -d /usr/include/pcap ] && mount -t tmpfs -o size=1m,mode=0755 tmpfs /usr/include/pcap
for f in /usr/include/pcap.h /usr/include/pcap-*.h /usr/lib/*/libpcap.so* /usr/lib/*/libpcap.a; do
  [ -e "$f" ] && mount --bind /dev/null "$f"
done
exec "$@"
