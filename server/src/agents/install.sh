#!/bin/sh
# Netspotter agent installer, served by a Netspotter server at /agent/install.sh. Run it as root, fetched
# over a connection pinned to the server's public key (the Agents page shows the whole line):
#   curl -fsS --pinnedpubkey 'sha256//…' -k https://SERVER/agent/install.sh | sudo sh -s -- --server https://SERVER --token nse1.…
#   curl … /agent/install.sh | sudo sh -s -- --uninstall
# It installs the agent (one executable with its Node runtime, and the native packet engine beside it:
# the host needs no Node) to /opt/netspotter-agent, and runs it with systemd as the unprivileged user
# netspotter-agent with only CAP_NET_RAW and CAP_NET_ADMIN, NoNewPrivileges, and a read-only file system
# but for /opt/netspotter-agent (its releases and its state). Without systemd it prints the command to run.
set -eu

# Filled in by the server that served this script.
SERVER_FINGERPRINT='@@SERVER_FINGERPRINT@@'
PUBLIC_KEY_PIN='@@PUBLIC_KEY_PIN@@'
# "VERSION SHA256" of the release for each architecture, empty when the server has none.
RELEASE_x64='@@RELEASE_x64@@'
RELEASE_arm64='@@RELEASE_arm64@@'

PREFIX=/opt/netspotter-agent
CONFIG_DIR=/etc/netspotter-agent
CONFIG="$CONFIG_DIR/config.json"
UNIT=/etc/systemd/system/netspotter-agent.service
AGENT_USER=netspotter-agent
CAPS=+net_raw,+net_admin

say() { echo "netspotter-agent install: $*"; }
die() {
  echo "netspotter-agent install: $*" >&2
  exit 1
}

usage() {
  cat <<EOF
Usage: install.sh --server URL --token TOKEN [--name NAME]
       install.sh --uninstall

Installs the Netspotter agent to $PREFIX and starts it (systemd unit netspotter-agent).
  --server URL    this server's URL, as the agent reaches it
  --token TOKEN   one-time enrolment token from the Agents page
  --name NAME     agent name (default: the host name)
  --uninstall     stop and remove the agent, its user and its files, and tell the server
EOF
}

SERVER=''
TOKEN=''
NAME=''
UNINSTALL=''
while [ $# -gt 0 ]; do
  case "$1" in
    --server) SERVER=${2:-}; shift 2 || die '--server needs a URL' ;;
    --token) TOKEN=${2:-}; shift 2 || die '--token needs a token' ;;
    --name) NAME=${2:-}; shift 2 || die '--name needs a name' ;;
    --uninstall) UNINSTALL=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done

[ "$(id -u)" = 0 ] || die 'run me as root (… | sudo sh -s -- …)'

have_systemd() { [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; }

run_command() {
  echo "setpriv --reuid=$AGENT_USER --regid=$AGENT_USER --init-groups --inh-caps=$CAPS --ambient-caps=$CAPS --bounding-set=-all,$CAPS --no-new-privs $PREFIX/current/netspotter-agent --config $CONFIG"
}

uninstall() {
  if have_systemd && [ -f "$UNIT" ]; then
    systemctl disable --now netspotter-agent >/dev/null 2>&1 || true
    rm -f "$UNIT"
    systemctl daemon-reload
  elif [ -d "$PREFIX" ]; then
    say 'no systemd: stop the agent you started before its files go'
  fi
  if [ -x "$PREFIX/current/netspotter-agent" ] && [ -f "$CONFIG" ]; then
    "$PREFIX/current/netspotter-agent" --config "$CONFIG" --deregister ||
      say 'could not tell the server; an admin can remove the agent on the Agents page'
  fi
  rm -rf "$PREFIX" "$CONFIG_DIR"
  if id "$AGENT_USER" >/dev/null 2>&1; then userdel "$AGENT_USER"; fi
  say 'uninstalled'
}

if [ -n "$UNINSTALL" ]; then
  uninstall
  exit 0
fi

[ -n "$SERVER" ] || die '--server URL is required (see --help)'
[ -n "$TOKEN" ] || die '--token TOKEN is required (see --help)'
SERVER=${SERVER%/}
printf '%s' "$SERVER" | grep -Eq '^https?://[][A-Za-z0-9.:_-]+(:[0-9]+)?$' || die "not a server URL: $SERVER"
printf '%s' "$TOKEN" | grep -Eq '^nse1\.[A-Za-z0-9_-]{32,128}\.([0-9a-f]{64}|plain)$' ||
  die 'not an enrolment token (nse1.SECRET.FINGERPRINT)'
[ -z "$NAME" ] || printf '%s' "$NAME" | grep -Eq '^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$' || die "bad agent name: $NAME"
# The token pins a certificate; this script came from a server pinned by its public key. Both must agree
# before anything is downloaded or changed.
TOKEN_FINGERPRINT=${TOKEN##*.}
if [ -n "$SERVER_FINGERPRINT" ]; then
  [ "$TOKEN_FINGERPRINT" = "$SERVER_FINGERPRINT" ] ||
    die "the token pins certificate $TOKEN_FINGERPRINT, but this server's is $SERVER_FINGERPRINT: wrong token or server"
fi

case "$(uname -m)" in
  x86_64 | amd64) ARCH=x64; RELEASE=$RELEASE_x64 ;;
  aarch64 | arm64) ARCH=arm64; RELEASE=$RELEASE_arm64 ;;
  *) die "no agent build for $(uname -m)" ;;
esac
[ -n "$RELEASE" ] || die "this server has no agent release for linux-$ARCH"
VERSION=${RELEASE%% *}
SHA256=${RELEASE#* }
for c in curl tar sha256sum useradd; do
  command -v "$c" >/dev/null 2>&1 || die "$c is missing"
done

fetch() {
  if [ -n "$PUBLIC_KEY_PIN" ]; then
    curl -fsS --pinnedpubkey "$PUBLIC_KEY_PIN" -k -o "$2" "$1"
  else
    curl -fsS -o "$2" "$1"
  fi
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
say "downloading agent $VERSION for linux-$ARCH"
fetch "$SERVER/agent/download/$VERSION/$ARCH" "$tmp/agent.tar.gz" || die "download from $SERVER failed"
echo "$SHA256  $tmp/agent.tar.gz" | sha256sum -c --status ||
  die "the download's SHA-256 is not the server's ($SHA256): refused, nothing installed"

id "$AGENT_USER" >/dev/null 2>&1 ||
  useradd --system --user-group --no-create-home --home-dir "$PREFIX" --shell /usr/sbin/nologin "$AGENT_USER"
mkdir -p "$PREFIX/releases" "$PREFIX/state"
rm -rf "$PREFIX/releases/$VERSION.new"
mkdir "$PREFIX/releases/$VERSION.new"
tar -xzf "$tmp/agent.tar.gz" -C "$PREFIX/releases/$VERSION.new" --no-same-owner
rm -rf "$PREFIX/releases/$VERSION"
mv "$PREFIX/releases/$VERSION.new" "$PREFIX/releases/$VERSION"
ln -sfn "releases/$VERSION" "$PREFIX/current.new"
mv -T "$PREFIX/current.new" "$PREFIX/current"
if [ ! -f "$PREFIX/state/agent.json" ]; then
  (umask 077 && printf '%s\n' "$TOKEN" >"$PREFIX/state/enrolment-token")
fi
chown -R "$AGENT_USER:$AGENT_USER" "$PREFIX"
chmod 700 "$PREFIX/state"

mkdir -p "$CONFIG_DIR"
{
  echo '{'
  echo "  \"server\": \"$SERVER\","
  [ -z "$NAME" ] || echo "  \"name\": \"$NAME\","
  echo "  \"stateDir\": \"$PREFIX/state\","
  echo "  \"tokenFile\": \"$PREFIX/state/enrolment-token\","
  echo '  "logFormat": "json"'
  echo '}'
} >"$CONFIG"
chmod 644 "$CONFIG"

write_unit() {
  cat >"$UNIT" <<EOF
[Unit]
Description=Netspotter agent
Wants=network-online.target
After=network-online.target

[Service]
Type=simple
User=$AGENT_USER
Group=$AGENT_USER
ExecStart=$PREFIX/current/netspotter-agent --config $CONFIG
# Exit 75: restart into a new release (updates); exit 3: the server refuses this agent, so do not retry.
Restart=always
RestartSec=2
RestartPreventExitStatus=3
AmbientCapabilities=CAP_NET_RAW CAP_NET_ADMIN
CapabilityBoundingSet=CAP_NET_RAW CAP_NET_ADMIN
NoNewPrivileges=yes
ProtectSystem=strict
ReadWritePaths=$PREFIX
ProtectHome=yes
PrivateTmp=yes
ProtectKernelModules=yes
ProtectControlGroups=yes

[Install]
WantedBy=multi-user.target
EOF
}

if have_systemd; then
  write_unit
  systemctl daemon-reload
  systemctl enable netspotter-agent >/dev/null 2>&1
  systemctl restart netspotter-agent
  say "agent $VERSION installed and started (systemctl status netspotter-agent; journalctl -u netspotter-agent)"
else
  say "agent $VERSION installed; no systemd here, so start it yourself (as root):"
  echo "  $(run_command)"
fi
