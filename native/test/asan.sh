#!/bin/bash
# Builds the addon with AddressSanitizer (+UBSan) in a scratch directory and runs the native test
# project against that build. Node itself is not instrumented, so libasan is preloaded; leak checks
# are off because V8 keeps memory until exit by design. Needs root for the veth tests.
#   native/test/asan.sh            (60-80 s on the 2-vCPU dev VM: 5 s build, the rest tests)
set -euo pipefail
native=$(cd "$(dirname "$0")/.." && pwd)
repo=$(dirname "$native")
work=$(mktemp -d /tmp/netspotter-asan.XXXXXX)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/src"
cp "$native/binding.gyp" "$work/"
cp -r "$native/src/addon" "$work/src/"
prefix=$(dirname "$(dirname "$(command -v node)")")
gyp="$prefix/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js"
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g -O1"
(cd "$work" && CFLAGS="$san" LDFLAGS="-fsanitize=address,undefined" node "$gyp" rebuild --nodedir="$prefix") \
  >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }

export NETSPOTTER_NATIVE_ADDON="$work/build/Release/netspotter_native.node"
export LD_PRELOAD="$(gcc -print-file-name=libasan.so) $(gcc -print-file-name=libubsan.so)"
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:halt_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
cd "$repo"
nm -D "$NETSPOTTER_NATIVE_ADDON" | grep __asan_init >/dev/null || { echo "asan.sh: build is not instrumented" >&2; exit 1; }
node node_modules/vitest/vitest.mjs run --project native
