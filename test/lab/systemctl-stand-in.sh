#!/bin/sh
# A stand-in for systemctl on a test host without a running systemd (lab hosts are namespaces). It runs
# a service unit the way systemd would in what the agent's unit asks for: as User=/Group= (setpriv), with
# AmbientCapabilities= as the only capabilities (inheritable, ambient and bounding set), NoNewPrivileges=,
# ProtectSystem=strict with ReadWritePaths= (a private mount namespace where every other mount is
# read-only), PrivateTmp=, Restart=always with RestartSec= and RestartPreventExitStatus=, and
# INVOCATION_ID set as for a service. Plain sh and util-linux: the host it runs on has no Node.
#   systemctl daemon-reload | enable [--now] U | disable [--now] U | start U | stop U | restart U | is-active U
set -eu
STATE=/run/systemctl-stand-in
mkdir -p "$STATE"

unit_file() { echo "/etc/systemd/system/${1%.service}.service"; }
key() { sed -n "s/^$1=//p" "$2" | tail -n 1; }
pid_of() { cat "$STATE/${1%.service}.pid" 2>/dev/null || true; }
running() {
  p=$(pid_of "$1")
  [ -n "$p" ] && kill -0 "$p" 2>/dev/null
}

start() {
  name=${1%.service}
  running "$name" && return 0
  f=$(unit_file "$name")
  [ -f "$f" ] || { echo "Unit $name.service not found." >&2; exit 5; }
  rm -f "$STATE/$name.stop" "$STATE/$name.pid"
  setsid sh "$0" __supervise "$name" >>"$STATE/$name.log" 2>&1 </dev/null &
  # The supervisor leads its own session (setsid may fork): it writes its pid itself.
  i=0
  while [ ! -s "$STATE/$name.pid" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
}

stop() {
  name=${1%.service}
  p=$(pid_of "$name")
  touch "$STATE/$name.stop"
  # As systemd does, stop returns once every process of the service is gone (TERM, then KILL after 10 s).
  # (dash's kill takes no "--": "-PID" after the signal is the process group.)
  if [ -n "$p" ] && kill -0 "-$p" 2>/dev/null; then
    kill -TERM "-$p" 2>/dev/null || true
    i=0
    while kill -0 "-$p" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    kill -KILL "-$p" 2>/dev/null || true
    i=0
    while kill -0 "-$p" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
  fi
  rm -f "$STATE/$name.pid"
}

# The service loop, in its own session (stop() ends the whole process group).
supervise() {
  name=$1
  echo $$ >"$STATE/$name.pid"
  f=$(unit_file "$name")
  user=$(key User "$f")
  group=$(key Group "$f")
  exec_start=$(key ExecStart "$f")
  # "CAP_NET_RAW CAP_NET_ADMIN" -> "+net_raw,+net_admin", as setpriv takes them
  caps=$(key AmbientCapabilities "$f" | tr 'A-Z' 'a-z' | sed 's/cap_/+/g; s/ \{1,\}/,/g')
  nnp=$(key NoNewPrivileges "$f")
  protect=$(key ProtectSystem "$f")
  rw=$(key ReadWritePaths "$f")
  private_tmp=$(key PrivateTmp "$f")
  restart=$(key Restart "$f")
  restart_sec=$(key RestartSec "$f")
  prevent=$(key RestartPreventExitStatus "$f")
  set -- --reuid="$user" --regid="$group" --init-groups
  if [ -n "$caps" ]; then
    set -- "$@" --inh-caps=-all,"$caps" --ambient-caps="$caps" --bounding-set=-all,"$caps"
  else
    set -- "$@" --inh-caps=-all --bounding-set=-all
  fi
  [ "$nnp" = yes ] && set -- "$@" --no-new-privs
  while :; do
    echo "stand-in: starting $name: $exec_start"
    code=0
    INVOCATION_ID=$(tr -d '-' </proc/sys/kernel/random/uuid) unshare --mount --propagation private sh -c '
      protect=$1 rw=$2 private_tmp=$3 exec_start=$4
      shift 4
      if [ "$protect" = strict ]; then
        for p in $rw; do mount --bind "$p" "$p"; done
        awk '"'"'{print $2}'"'"' /proc/self/mounts | while read -r m; do
          case "$m" in /proc* | /sys* | /dev*) continue ;; esac
          keep=""; for p in $rw; do [ "$m" = "$p" ] && keep=1; done
          [ -n "$keep" ] || mount -o remount,bind,ro "$m" 2>/dev/null || true
        done
      fi
      [ "$private_tmp" = yes ] && mount -t tmpfs -o mode=1777 tmpfs /tmp
      exec setpriv "$@" -- $exec_start
    ' sh "$protect" "$rw" "$private_tmp" "$exec_start" "$@" || code=$?
    echo "stand-in: $name exited with code $code"
    [ -f "$STATE/$name.stop" ] && break
    [ "$restart" = always ] || break
    [ -n "$prevent" ] && [ "$code" = "$prevent" ] && break
    sleep "${restart_sec:-1}"
  done
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
  daemon-reload) ;;
  __supervise) supervise "$1" ;;
  enable | disable)
    now=''
    [ "${1:-}" = --now ] && { now=1; shift; }
    if [ -n "$now" ]; then
      if [ "$cmd" = enable ]; then start "$1"; else stop "$1"; fi
    fi
    ;;
  start) start "$1" ;;
  stop) stop "$1" ;;
  restart) stop "$1"; start "$1" ;;
  is-active) running "$1" && echo active || { echo inactive; exit 3; } ;;
  *) echo "systemctl stand-in: $cmd is not supported" >&2; exit 1 ;;
esac
